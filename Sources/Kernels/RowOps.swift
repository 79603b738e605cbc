import Foundation
import KernelsC

/// Element-wise and per-row operations on float32 vectors, in Swift SIMD (16 lanes).
///
/// Pointer-based for the engine's hot path; `n` is the vector length (any n, tails handled).
/// Sums are accumulated in several independent SIMD registers and reduced as a tree.
public enum RowOps {
    @inline(__always) @usableFromInline
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) @usableFromInline
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Sum of 16 lanes as a tree (`.sum()` is a serial chain).
    @inlinable @inline(__always)
    public static func treeSum(_ v: SIMD16<Float>) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }

    /// max(x[0..<n]); −∞ when n is 0. In C (`kc_max`, the active kernel path): Swift SIMD's
    /// `pointwiseMax` and compare-and-select compile to lane-by-lane scalar loops (softmax was
    /// 3× slower).
    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        kc_max(kc_active_path(), x, Int64(n))
    }

    /// Σ a[i]·b[i].
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            s0.addProduct(load(a + i), load(b + i))
            s1.addProduct(load(a + i + 16), load(b + i + 16))
            i += 32
        }
        if i + 16 <= n { s0.addProduct(load(a + i), load(b + i)); i += 16 }
        var tail: Float = 0
        while i < n { tail += a[i] * b[i]; i += 1 }
        return treeSum(s0 + s1) + tail
    }

    /// out = x / sqrt(mean(x²) + eps) ⊙ weight, for one row of n (out may alias x). Returns
    /// the scale 1 / sqrt(mean(x²) + eps) (training keeps it for the backward).
    @inlinable @discardableResult
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               into out: UnsafeMutablePointer<Float>, count n: Int, eps: Float = 1e-5) -> Float {
        let ss = dot(x, x, count: n)
        let scale = 1 / (ss / Float(n) + eps).squareRoot()
        let vs = SIMD16<Float>(repeating: scale)
        var i = 0
        while i + 16 <= n { store(load(x + i) * vs * load(weight + i), out + i); i += 16 }
        while i < n { out[i] = x[i] * scale * weight[i]; i += 1 }
        return scale
    }

    /// RMSNorm of `rows` consecutive rows of n.
    @inlinable
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               into out: UnsafeMutablePointer<Float>, rows: Int, count n: Int, eps: Float = 1e-5) {
        for r in 0..<rows { rmsNorm(x + r * n, weight: weight, into: out + r * n, count: n, eps: eps) }
    }

    /// In-place numerically stable softmax: x = exp(x − max) / Σ exp(x − max).
    @inlinable
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        let sum = exponentiate(x, subtracting: maximum(x, count: n), into: x, count: n)
        scale(x, by: 1 / sum, count: n)
    }

    /// y = exp(x − shift) (y may alias x); returns Σ y. With shift = max(x) this is softmax
    /// before its normalization, and shift + log Σ y is logsumexp(x) (the cross-entropy).
    /// The e^x row ops are C (`kc_exp_sum` and its siblings, the active kernel path): clamping
    /// needs lane-wise min/max, which Swift SIMD compiles to scalar loops (~10× slower).
    @inlinable
    public static func exponentiate(_ x: UnsafePointer<Float>, subtracting shift: Float,
                                    into y: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        Float(exponentialSum(x, subtracting: shift, into: y, count: n))
    }

    /// Σ e^((x[i] − shift)·scale), each term written to y when given (y may alias x); each
    /// vector's terms are summed in float, the vectors' sums in double.
    @inlinable
    public static func exponentialSum(_ x: UnsafePointer<Float>, subtracting shift: Float, scale: Float = 1,
                                      into y: UnsafeMutablePointer<Float>?, count n: Int) -> Double {
        kc_exp_sum(kc_active_path(), x, shift, scale, y, Int64(n))
    }

    /// SiLU in place: x = x · σ(x) = x / (1 + e^−x).
    @inlinable
    public static func silu(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        kc_silu(kc_active_path(), x, Int64(n))
    }

    /// SwiGLU: out = silu(gate) ⊙ up (out may alias gate or up).
    @inlinable
    public static func swiglu(gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, count n: Int) {
        kc_swiglu(kc_active_path(), gate, up, out, Int64(n))
    }

    /// out = a + b (out may alias either).
    @inlinable
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                           into out: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n { store(load(a + i) + load(b + i), out + i); i += 16 }
        while i < n { out[i] = a[i] + b[i]; i += 1 }
    }

    /// x *= s.
    @inlinable
    public static func scale(_ x: UnsafeMutablePointer<Float>, by s: Float, count n: Int) {
        let vs = SIMD16<Float>(repeating: s)
        var i = 0
        while i + 16 <= n { store(load(x + i) * vs, x + i); i += 16 }
        while i < n { x[i] *= s; i += 1 }
    }

    /// y += a·x (axpy).
    @inlinable
    public static func addScaled(_ x: UnsafePointer<Float>, by a: Float, into y: UnsafeMutablePointer<Float>, count n: Int) {
        let va = SIMD16<Float>(repeating: a)
        var i = 0
        while i + 16 <= n {
            var v = load(y + i)
            v.addProduct(load(x + i), va)
            store(v, y + i)
            i += 16
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// Index of the largest value (the first one on ties); −1 when n is 0.
    @inlinable
    public static func argmax(_ x: UnsafePointer<Float>, count n: Int) -> Int {
        guard n > 0 else { return -1 }
        var best = 0
        var bestValue = x[0]
        for i in 1..<n where x[i] > bestValue {
            best = i
            bestValue = x[i]
        }
        return best
    }
}
