import Kernels

/// A LoRA adapter on one linear layer during a training pass: pointers into the adapter's
/// parameters, their gradients, and the activation kept for the backward.
public struct LoRASlot {
    /// A [rank, inputs], B [outputs, rank]
    public var a: UnsafePointer<Float>, b: UnsafePointer<Float>
    /// Gradients of A and B (accumulated); nil when only the forward runs.
    public var da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?
    /// xa [N, rank] = drop(x)·Aᵀ, written by the forward, read by the backward.
    public var xa: UnsafeMutablePointer<Float>
    public var rank: Int
    public var scale: Float
    /// Dropout probability on the adapter's input (the base path sees x unchanged, as in PEFT).
    public var dropout: Float
    /// Seeds the dropout mask; the backward regenerates the same mask from it.
    public var dropoutSeed: UInt64

    public init(a: UnsafePointer<Float>, b: UnsafePointer<Float>, da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
                xa: UnsafeMutablePointer<Float>, rank: Int, scale: Float, dropout: Float = 0, dropoutSeed: UInt64 = 0) {
        self.a = a
        self.b = b
        self.da = da
        self.db = db
        self.xa = xa
        self.rank = rank
        self.scale = scale
        self.dropout = dropout
        self.dropoutSeed = dropoutSeed
    }

    /// drop(x) [N, in] into `out`: x · keep / (1 − p), keep drawn from a hash of (seed, index),
    /// so the mask costs no memory between forward and backward.
    func applyDropout(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        let keepScale = 1 / (1 - dropout)
        let threshold = UInt64(Double(dropout) * Double(1 << 53))
        for index in 0..<count {
            var z = dropoutSeed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            out[index] = (z >> 11) < threshold ? 0 : x[index] * keepScale
        }
    }
}

extension TrainingOps {
    /// x [N, in], W [out, in] → y [N, out] (= or += with `accumulate`) x·Wᵀ + s·(drop(x)·Aᵀ)·Bᵀ
    /// keeps xa [N, r] = drop(x)·Aᵀ. `scratch` [N, in] is needed when dropout > 0. The product
    /// with W uses `matmulPrecision`; the adapter's rank-r products stay float32.
    public static func linearForward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Int, inputs: Int, outputs: Int, accumulate: Bool = false,
        lora: LoRASlot? = nil, scratch: UnsafeMutablePointer<Float>? = nil, threads: Int,
        matmulPrecision: GemmArithmetic = .float32
    ) {
        Gemm.multiply(transA: false, transB: true, m: rows, n: outputs, k: inputs, a: x, lda: inputs, b: weight, ldb: inputs,
                      beta: accumulate ? 1 : 0, c: y, ldc: outputs, threads: threads, arithmetic: matmulPrecision)
        guard let lora else { return }
        var input = x
        if lora.dropout > 0, let scratch {
            lora.applyDropout(x, scratch, count: rows * inputs)
            input = UnsafePointer(scratch)
        }
        // xa [N, r] = drop(x) · Aᵀ;  y += s · xa · Bᵀ
        Gemm.multiply(transA: false, transB: true, m: rows, n: lora.rank, k: inputs, a: input, lda: inputs, b: lora.a, ldb: inputs,
                      beta: 0, c: lora.xa, ldc: lora.rank, threads: threads)
        Gemm.multiply(transA: false, transB: true, m: rows, n: outputs, k: lora.rank, alpha: lora.scale, a: lora.xa, lda: lora.rank,
                      b: lora.b, ldb: lora.rank, beta: 1, c: y, ldc: outputs, threads: threads)
    }

    /// dy [N, out] → dx [N, in] (= or += with `accumulate`) dy·W + s·((dy·B)·A ⊙ dropmask);
    /// dW [out, in] += dyᵀ·x when `dweight`; dB += s·dyᵀ·xa; dA += s·(dy·B)ᵀ·drop(x).
    /// `scratch` [N, in] + [N, r] when LoRA is on.
    public static func linearBackward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
        rows: Int, inputs: Int, outputs: Int, accumulate: Bool = false,
        lora: LoRASlot? = nil, scratch: UnsafeMutablePointer<Float>? = nil, threads: Int,
        matmulPrecision: GemmArithmetic = .float32
    ) {
        if let dweight {
            Gemm.multiply(transA: true, transB: false, m: outputs, n: inputs, k: rows, a: dy, lda: outputs, b: x, ldb: inputs,
                          beta: 1, c: dweight, ldc: inputs, threads: threads, arithmetic: matmulPrecision)
        }
        if let dx {
            Gemm.multiply(transA: false, transB: false, m: rows, n: inputs, k: outputs, a: dy, lda: outputs, b: weight, ldb: inputs,
                          beta: accumulate ? 1 : 0, c: dx, ldc: inputs, threads: threads, arithmetic: matmulPrecision)
        }
        guard let lora, let scratch else { return }
        let dropped = scratch, t = scratch + rows * inputs
        // t [N, r] = dy · B
        Gemm.multiply(transA: false, transB: false, m: rows, n: lora.rank, k: outputs, a: dy, lda: outputs, b: lora.b, ldb: lora.rank,
                      beta: 0, c: t, ldc: lora.rank, threads: threads)
        if let db = lora.db {  // dB [out, r] += s · dyᵀ · xa
            Gemm.multiply(transA: true, transB: false, m: outputs, n: lora.rank, k: rows, alpha: lora.scale, a: dy, lda: outputs,
                          b: lora.xa, ldb: lora.rank, beta: 1, c: db, ldc: lora.rank, threads: threads)
        }
        if let da = lora.da {  // dA [r, in] += s · tᵀ · drop(x)
            var input = x
            if lora.dropout > 0 {
                lora.applyDropout(x, dropped, count: rows * inputs)
                input = UnsafePointer(dropped)
            }
            Gemm.multiply(transA: true, transB: false, m: lora.rank, n: inputs, k: rows, alpha: lora.scale, a: t, lda: lora.rank,
                          b: input, ldb: inputs, beta: 1, c: da, ldc: inputs, threads: threads)
        }
        guard let dx else { return }
        if lora.dropout > 0 {
            // dx += s · (t · A) ⊙ keep / (1 − p): the mask applied to t·A is drop(t·A).
            Gemm.multiply(transA: false, transB: false, m: rows, n: inputs, k: lora.rank, alpha: lora.scale, a: t, lda: lora.rank,
                          b: lora.a, ldb: inputs, beta: 0, c: dropped, ldc: inputs, threads: threads)
            lora.applyDropout(dropped, dropped, count: rows * inputs)
            RowOps.add(dx, dropped, into: dx, count: rows * inputs)
        } else {
            Gemm.multiply(transA: false, transB: false, m: rows, n: inputs, k: lora.rank, alpha: lora.scale, a: t, lda: lora.rank,
                          b: lora.a, ldb: inputs, beta: 1, c: dx, ldc: inputs, threads: threads)
        }
    }
}
