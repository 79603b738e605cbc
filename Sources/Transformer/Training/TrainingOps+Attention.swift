import Kernels

/// Grouped-query causal self-attention, forward and backward.
extension TrainingOps {
    /// Shapes of one attention call.
    public struct AttentionShape: Sendable {
        public var batch: Int, sequenceLength: Int, heads: Int, kvHeads: Int, headDimension: Int
        public init(batch: Int, sequenceLength: Int, heads: Int, kvHeads: Int, headDimension: Int) {
            self.batch = batch
            self.sequenceLength = sequenceLength
            self.heads = heads
            self.kvHeads = kvHeads
            self.headDimension = headDimension
        }
        var qWidth: Int { heads * headDimension }
        var kvWidth: Int { kvHeads * headDimension }
        var group: Int { heads / kvHeads }
        /// Floats of the probabilities kept for the backward: [B, H, T, T].
        public var probabilityCount: Int { batch * heads * sequenceLength * sequenceLength }
    }

    /// q [B·T, H·hd], k, v [B·T, KV·hd] (after RoPE) → out [B·T, H·hd], probs [B, H, T, T]
    /// S = q_h·k_gᵀ / sqrt(hd) with g = h / (H/KV); P = causal softmax(S) (P = 0 above the
    /// diagonal); out_h = P·v_g. Jobs are (batch, head) pairs.
    public static func attentionForward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, shape: AttentionShape, threads: Int
    ) {
        let T = shape.sequenceLength, hd = shape.headDimension
        let scale = 1 / Float(hd).squareRoot()
        parallelFor(shape.batch * shape.heads, threads: threads) { job in
            let b = job / shape.heads, h = job % shape.heads, g = h / shape.group
            let qh = q + b * T * shape.qWidth + h * hd
            let kg = k + b * T * shape.kvWidth + g * hd
            let vg = v + b * T * shape.kvWidth + g * hd
            let p = probs + (b * shape.heads + h) * T * T
            // S [T, T] = scale · q_h [T, hd] · k_gᵀ
            Gemm.multiply(transA: false, transB: true, m: T, n: T, k: hd, alpha: scale,
                          a: qh, lda: shape.qWidth, b: kg, ldb: shape.kvWidth, beta: 0, c: p, ldc: T, threads: 1)
            for i in 0..<T {
                let row = p + i * T
                RowOps.softmax(row, count: i + 1)
                (row + i + 1).update(repeating: 0, count: T - i - 1)
            }
            // out_h [T, hd] = P [T, T] · v_g [T, hd]
            Gemm.multiply(transA: false, transB: false, m: T, n: hd, k: T,
                          a: p, lda: T, b: vg, ldb: shape.kvWidth, beta: 0,
                          c: out + b * T * shape.qWidth + h * hd, ldc: shape.qWidth, threads: 1)
        }
    }

    /// dout [B·T, H·hd] → dq [B·T, H·hd], dk, dv [B·T, KV·hd] (overwritten; dq, dk after RoPE)
    ///   dP = dout_h·v_gᵀ;  dS = P ⊙ (dP − rowsum(P ⊙ dP));  dq_h = scale·dS·k_g;
    ///   dk_g += scale·dSᵀ·q_h;  dv_g += Pᵀ·dout_h
    /// Jobs are (batch, kv head) pairs so that the heads sharing k_g, v_g accumulate in order.
    public static func attentionBackward(
        dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        probs: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
        dv: UnsafeMutablePointer<Float>, shape: AttentionShape, threads: Int
    ) {
        let T = shape.sequenceLength, hd = shape.headDimension
        let scale = 1 / Float(hd).squareRoot()
        parallelFor(shape.batch * shape.kvHeads, threads: threads) { job in
            let b = job / shape.kvHeads, g = job % shape.kvHeads
            let dP = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
            defer { dP.deallocate() }
            let kg = k + b * T * shape.kvWidth + g * hd, vg = v + b * T * shape.kvWidth + g * hd
            let dkg = dk + b * T * shape.kvWidth + g * hd, dvg = dv + b * T * shape.kvWidth + g * hd
            for t in 0..<T {
                (dkg + t * shape.kvWidth).update(repeating: 0, count: hd)
                (dvg + t * shape.kvWidth).update(repeating: 0, count: hd)
            }
            for h in (g * shape.group)..<((g + 1) * shape.group) {
                let p = probs + (b * shape.heads + h) * T * T
                let douth = dout + b * T * shape.qWidth + h * hd
                let qh = q + b * T * shape.qWidth + h * hd
                // dv_g [T, hd] += Pᵀ [T, T] · dout_h [T, hd]
                Gemm.multiply(transA: true, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: douth, ldb: shape.qWidth,
                              beta: 1, c: dvg, ldc: shape.kvWidth, threads: 1)
                // dP [T, T] = dout_h · v_gᵀ
                Gemm.multiply(transA: false, transB: true, m: T, n: T, k: hd, a: douth, lda: shape.qWidth, b: vg,
                              ldb: shape.kvWidth, beta: 0, c: dP, ldc: T, threads: 1)
                // dS = softmax backward of each causal row (positions 0...i), 0 above the diagonal
                for i in 0..<T {
                    let dr = dP + i * T
                    RowOps.softmaxBackward(probabilities: p + i * T, outputGradient: dr, inputGradient: dr, count: i + 1)
                    (dr + i + 1).update(repeating: 0, count: T - i - 1)
                }
                // dq_h [T, hd] = scale · dS · k_g
                Gemm.multiply(transA: false, transB: false, m: T, n: hd, k: T, alpha: scale, a: dP, lda: T, b: kg,
                              ldb: shape.kvWidth, beta: 0, c: dq + b * T * shape.qWidth + h * hd, ldc: shape.qWidth, threads: 1)
                // dk_g [T, hd] += scale · dSᵀ · q_h
                Gemm.multiply(transA: true, transB: false, m: T, n: hd, k: T, alpha: scale, a: dP, lda: T, b: qh,
                              ldb: shape.qWidth, beta: 1, c: dkg, ldc: shape.kvWidth, threads: 1)
            }
        }
    }
}
