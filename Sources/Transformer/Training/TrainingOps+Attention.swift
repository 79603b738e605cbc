import Kernels

/// Grouped-query causal self-attention, forward and backward.
extension TrainingOps {
    /// Shapes of one attention call: sequences of any lengths, their rows one after another
    /// (no padding), each attending causally within itself.
    public struct AttentionShape: Sendable {
        /// Rows of each sequence, in order.
        public let lengths: [Int]
        public let heads: Int, kvHeads: Int, headDimension: Int
        /// First row of each sequence.
        let rowStarts: [Int]
        /// First probability of each sequence: its [H, T, T] block follows the previous ones'.
        let probabilityStarts: [Int]
        /// Floats of the probabilities kept for the backward: H · Σ T².
        public let probabilityCount: Int
        /// Positions a row attends to, itself included (a sliding-window layer); nil: all before it.
        public var window: Int?
        /// Factor on the scores: 1/√(head dimension).
        public var scale: Float { 1 / Float(headDimension).squareRoot() }

        public init(lengths: [Int], heads: Int, kvHeads: Int, headDimension: Int, window: Int? = nil) {
            self.lengths = lengths
            self.window = window
            self.heads = heads
            self.kvHeads = kvHeads
            self.headDimension = headDimension
            var rows = 0, probabilities = 0
            var rowStarts: [Int] = [], probabilityStarts: [Int] = []
            for length in lengths {
                rowStarts.append(rows)
                probabilityStarts.append(probabilities)
                rows += length
                probabilities += heads * length * length
            }
            self.rowStarts = rowStarts
            self.probabilityStarts = probabilityStarts
            probabilityCount = probabilities
        }

        var qWidth: Int { heads * headDimension }
        var kvWidth: Int { kvHeads * headDimension }
        var group: Int { heads / kvHeads }

        /// The same shape for a layer with the given window (nil: global).
        public func windowed(_ window: Int?) -> AttentionShape {
            var shape = self
            shape.window = window
            return shape
        }

        /// First position row i attends to.
        func firstVisible(_ i: Int) -> Int { window.map { max(0, i + 1 - $0) } ?? 0 }
    }

    /// q [N, H·hd], k, v [N, KV·hd] (after RoPE) → out [N, H·hd], probs (per sequence [H, T, T]):
    /// S = q_h·k_gᵀ / sqrt(hd) with g = h / (H/KV); P = causal softmax(S) (P = 0 above the
    /// diagonal, and left of the window on a sliding-window layer); out_h = P·v_g, within each
    /// sequence. Jobs are (sequence, head) pairs.
    public static func attentionForward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, shape: AttentionShape, threads: Int
    ) {
        let hd = shape.headDimension
        let scale = shape.scale
        parallelFor(shape.lengths.count * shape.heads, threads: threads) { job in
            let b = job / shape.heads, h = job % shape.heads, g = h / shape.group
            let T = shape.lengths[b], row = shape.rowStarts[b]
            let qh = q + row * shape.qWidth + h * hd
            let kg = k + row * shape.kvWidth + g * hd
            let vg = v + row * shape.kvWidth + g * hd
            let p = probs + shape.probabilityStarts[b] + h * T * T
            // S [T, T] = scale · q_h [T, hd] · k_gᵀ
            Gemm.multiply(transA: false, transB: true, m: T, n: T, k: hd, alpha: scale,
                          a: qh, lda: shape.qWidth, b: kg, ldb: shape.kvWidth, beta: 0, c: p, ldc: T, threads: 1)
            for i in 0..<T {
                let row = p + i * T, first = shape.firstVisible(i)
                row.update(repeating: 0, count: first)
                RowOps.softmax(row + first, count: i + 1 - first)
                (row + i + 1).update(repeating: 0, count: T - i - 1)
            }
            // out_h [T, hd] = P [T, T] · v_g [T, hd]
            Gemm.multiply(transA: false, transB: false, m: T, n: hd, k: T,
                          a: p, lda: T, b: vg, ldb: shape.kvWidth, beta: 0,
                          c: out + row * shape.qWidth + h * hd, ldc: shape.qWidth, threads: 1)
        }
    }

    /// dout [N, H·hd] → dq [N, H·hd], dk, dv [N, KV·hd] (overwritten; dq, dk after RoPE)
    ///   dP = dout_h·v_gᵀ;  dS = P ⊙ (dP − rowsum(P ⊙ dP));  dq_h = scale·dS·k_g;
    ///   dk_g += scale·dSᵀ·q_h;  dv_g += Pᵀ·dout_h
    /// Jobs are (sequence, kv head) pairs so that the heads sharing k_g, v_g accumulate in order.
    public static func attentionBackward(
        dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        probs: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
        dv: UnsafeMutablePointer<Float>, shape: AttentionShape, threads: Int
    ) {
        let hd = shape.headDimension
        let scale = shape.scale
        parallelFor(shape.lengths.count * shape.kvHeads, threads: threads) { job in
            let b = job / shape.kvHeads, g = job % shape.kvHeads
            let T = shape.lengths[b], row = shape.rowStarts[b]
            let dP = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
            defer { dP.deallocate() }
            let kg = k + row * shape.kvWidth + g * hd, vg = v + row * shape.kvWidth + g * hd
            let dkg = dk + row * shape.kvWidth + g * hd, dvg = dv + row * shape.kvWidth + g * hd
            for t in 0..<T {
                (dkg + t * shape.kvWidth).update(repeating: 0, count: hd)
                (dvg + t * shape.kvWidth).update(repeating: 0, count: hd)
            }
            for h in (g * shape.group)..<((g + 1) * shape.group) {
                let p = probs + shape.probabilityStarts[b] + h * T * T
                let douth = dout + row * shape.qWidth + h * hd
                let qh = q + row * shape.qWidth + h * hd
                // dv_g [T, hd] += Pᵀ [T, T] · dout_h [T, hd]
                Gemm.multiply(transA: true, transB: false, m: T, n: hd, k: T, a: p, lda: T, b: douth, ldb: shape.qWidth,
                              beta: 1, c: dvg, ldc: shape.kvWidth, threads: 1)
                // dP [T, T] = dout_h · v_gᵀ
                Gemm.multiply(transA: false, transB: true, m: T, n: T, k: hd, a: douth, lda: shape.qWidth, b: vg,
                              ldb: shape.kvWidth, beta: 0, c: dP, ldc: T, threads: 1)
                // dS = softmax backward of each causal row (its visible positions), 0 elsewhere
                for i in 0..<T {
                    let dr = dP + i * T, first = shape.firstVisible(i)
                    dr.update(repeating: 0, count: first)
                    RowOps.softmaxBackward(probabilities: p + i * T + first, outputGradient: dr + first, inputGradient: dr + first,
                                           count: i + 1 - first)
                    (dr + i + 1).update(repeating: 0, count: T - i - 1)
                }
                // dq_h [T, hd] = scale · dS · k_g
                Gemm.multiply(transA: false, transB: false, m: T, n: hd, k: T, alpha: scale, a: dP, lda: T, b: kg,
                              ldb: shape.kvWidth, beta: 0, c: dq + row * shape.qWidth + h * hd, ldc: shape.qWidth, threads: 1)
                // dk_g [T, hd] += scale · dSᵀ · q_h
                Gemm.multiply(transA: true, transB: false, m: T, n: hd, k: T, alpha: scale, a: dP, lda: T, b: qh,
                              ldb: shape.qWidth, beta: 1, c: dkg, ldc: shape.kvWidth, threads: 1)
            }
        }
    }
}
