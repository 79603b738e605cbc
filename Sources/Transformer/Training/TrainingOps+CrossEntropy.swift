import Foundation
import Kernels

extension TrainingOps {
    /// The output head and the cross-entropy, fused and chunked so that the full [N, V]
    /// logits never exist at once (V = 49152: 200 MB for 1024 rows).
    ///
    /// Only the rows that predict a target token are computed (`rows[i]` of h predicts
    /// `targets[i]`):
    ///   h_sel [n, C] → logits [n, V] = h_sel · Wᵀ;  loss_i = logsumexp(logits_i) − logits_i[target_i]
    ///   dlogits = (softmax − onehot) · gradientScale;  dh[rows] += dlogits · W;  dW [V, C] += dlogitsᵀ · h_sel
    /// Returns the per-target losses (in `targets` order). The backward runs when
    /// `gradientScale` is given; `dh` [N, C] and `dweight` [V, C] are optional. The three
    /// products with W use `matmulPrecision`.
    public static func crossEntropyHead(
        h: UnsafePointer<Float>, rows: [Int], targets: [Int32], weight: UnsafePointer<Float>,
        vocabulary: Int, columns: Int, gradientScale: Float?, dh: UnsafeMutablePointer<Float>?,
        dweight: UnsafeMutablePointer<Float>?, chunk: Int = 256, threads: Int,
        matmulPrecision: GemmArithmetic = .float32
    ) -> [Float] {
        precondition(rows.count == targets.count)
        var losses = [Float](repeating: 0, count: rows.count)
        let chunk = max(1, min(chunk, rows.count))
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: chunk * vocabulary)
        let selected = UnsafeMutablePointer<Float>.allocate(capacity: chunk * columns)
        let dselected = UnsafeMutablePointer<Float>.allocate(capacity: chunk * columns)
        defer { logits.deallocate(); selected.deallocate(); dselected.deallocate() }
        losses.withUnsafeMutableBufferPointer { lossBuffer in
            let lossPointer = lossBuffer.baseAddress!
            var start = 0
            while start < rows.count {
                let n = min(chunk, rows.count - start)
                for i in 0..<n { (selected + i * columns).update(from: h + rows[start + i] * columns, count: columns) }
                // logits [n, V] = h_sel [n, C] · Wᵀ
                Gemm.multiply(transA: false, transB: true, m: n, n: vocabulary, k: columns, a: selected, lda: columns,
                              b: weight, ldb: columns, beta: 0, c: logits, ldc: vocabulary, threads: threads,
                              arithmetic: matmulPrecision)
                parallelFor(splitting: n, parts: threads) { block in
                    for i in block {
                        let row = logits + i * vocabulary
                        let target = Int(targets[start + i])
                        let top = RowOps.maximum(row, count: vocabulary)
                        let targetLogit = row[target]
                        let sum = RowOps.exponentiate(row, subtracting: top, into: row, count: vocabulary)
                        lossPointer[start + i] = top + logf(sum) - targetLogit
                        if let gradientScale {
                            RowOps.scale(row, by: gradientScale / sum, count: vocabulary)
                            row[target] -= gradientScale
                        }
                    }
                }
                if gradientScale != nil {
                    if let dweight {  // dW [V, C] += dlogitsᵀ [V, n] · h_sel [n, C]
                        Gemm.multiply(transA: true, transB: false, m: vocabulary, n: columns, k: n, a: logits, lda: vocabulary,
                                      b: selected, ldb: columns, beta: 1, c: dweight, ldc: columns, threads: threads,
                                      arithmetic: matmulPrecision)
                    }
                    if let dh {  // dh_sel [n, C] = dlogits [n, V] · W [V, C]
                        Gemm.multiply(transA: false, transB: false, m: n, n: columns, k: vocabulary, a: logits, lda: vocabulary,
                                      b: weight, ldb: columns, beta: 0, c: dselected, ldc: columns, threads: threads,
                                      arithmetic: matmulPrecision)
                        for i in 0..<n {
                            let target = dh + rows[start + i] * columns
                            RowOps.add(target, dselected + i * columns, into: target, count: columns)
                        }
                    }
                }
                start += n
            }
        }
        return losses
    }
}
