import Foundation
import KernelsC

/// Gradients of the row operations, for training. Each takes the forward inputs and the
/// gradient of the output, and writes (or accumulates, where named) input gradients.
extension RowOps {
    /// RMSNorm's input gradient for one row of n, ACCUMULATED: with r = 1/sqrt(mean(x²) + eps)
    /// (the `scale` the forward returned) and y = x·r ⊙ w,
    /// dx += r·(dy ⊙ w) − (r³/n)·Σ(dy ⊙ w ⊙ x)·x.
    @inlinable
    public static func rmsNormBackward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, scale r: Float,
                                       outputGradient dy: UnsafePointer<Float>,
                                       accumulateInputGradient dx: UnsafeMutablePointer<Float>, count n: Int) {
        var vsum = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            vsum.addProduct(load(dy + i) * load(weight + i), load(x + i))
            i += 16
        }
        var sum = treeSum(vsum)
        while i < n { sum += dy[i] * weight[i] * x[i]; i += 1 }
        let c = r * r * r / Float(n) * sum
        let vr = SIMD16<Float>(repeating: r), vc = SIMD16<Float>(repeating: c)
        i = 0
        while i + 16 <= n {
            store(load(dx + i) + (load(dy + i) * load(weight + i) * vr - vc * load(x + i)), dx + i)
            i += 16
        }
        while i < n { dx[i] += dy[i] * weight[i] * r - c * x[i]; i += 1 }
    }

    /// RMSNorm's weight gradient from one row, ACCUMULATED: dw += dy ⊙ x·r. A batch sums its
    /// rows into one dw: callers add them in a fixed order, so the sum is deterministic.
    @inlinable
    public static func rmsNormWeightGradient(_ x: UnsafePointer<Float>, scale r: Float, outputGradient dy: UnsafePointer<Float>,
                                             accumulateInto dw: UnsafeMutablePointer<Float>, count n: Int) {
        let vr = SIMD16<Float>(repeating: r)
        var i = 0
        while i + 16 <= n {
            store(load(dw + i).addingProduct(load(dy + i), load(x + i) * vr), dw + i)
            i += 16
        }
        while i < n { dw[i] += dy[i] * (x[i] * r); i += 1 }
    }

    /// SwiGLU backward: with out = silu(g) ⊙ u and silu'(g) = σ(g)·(1 + g·(1 − σ(g))):
    /// dg = dout ⊙ u ⊙ silu'(g),  du = dout ⊙ silu(g). dg and du may alias gate and up.
    @inlinable
    public static func swigluBackward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                                      outputGradient dout: UnsafePointer<Float>,
                                      gateGradient dg: UnsafeMutablePointer<Float>,
                                      upGradient du: UnsafeMutablePointer<Float>, count n: Int) {
        kc_swiglu_backward(kc_active_path(), gate, up, dout, dg, du, Int64(n))
    }

    /// Softmax backward from its output p: dx = p ⊙ (dp − Σ p ⊙ dp) (dx may alias dp).
    @inlinable
    public static func softmaxBackward(probabilities p: UnsafePointer<Float>, outputGradient dp: UnsafePointer<Float>,
                                       inputGradient dx: UnsafeMutablePointer<Float>, count n: Int) {
        let s = dot(p, dp, count: n)
        let vs = SIMD16<Float>(repeating: s)
        var i = 0
        while i + 16 <= n { store(load(p + i) * (load(dp + i) - vs), dx + i); i += 16 }
        while i < n { dx[i] = p[i] * (dp[i] - s); i += 1 }
    }
}
