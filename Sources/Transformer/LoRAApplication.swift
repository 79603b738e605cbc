import Kernels

extension LoRAWeights {
    /// Checks that every pair fits `configuration`'s layer shapes; returns a reason when not.
    public func mismatch(with configuration: ModelConfiguration) -> String? {
        guard rank > 0 else { return "rank \(rank)" }
        guard layers.count == configuration.layerCount else { return "\(layers.count) layers, the model has \(configuration.layerCount)" }
        for (l, pairs) in layers.enumerated() {
            for (target, pair) in pairs {
                let (outputs, inputs) = target.shape(in: configuration)
                if pair.a.count != rank * inputs { return "layer \(l) \(target): A has \(pair.a.count) values, expected \(rank)×\(inputs)" }
                if pair.b.count != outputs * rank { return "layer \(l) \(target): B has \(pair.b.count) values, expected \(outputs)×\(rank)" }
            }
        }
        return nil
    }
}

/// y[m, offset..<offset+out] += scale · B·(A·x[m]) for the rows whose adapter adapts `target`
/// in `layer`. Each row is computed alone (two sgemv), so results do not depend on the batch;
/// the rows are split over `threads` (row m uses scratch[m·rank...], so threads share nothing).
/// Run on one thread between the engine's parallel regions, these products took 11% of batched
/// decoding with an adapter, and the idle second core spun beside them.
///
/// x: [M, in], y: [M, yStride]; `rowAdapters[m]` indexes `adapters` (nil: base model);
/// scratch: [M, the largest rank].
func addLoRA(
    _ target: LinearTarget, layer: Int, x: UnsafePointer<Float>, inputs: Int,
    y: UnsafeMutablePointer<Float>, yStride: Int, offset: Int, outputs: Int,
    rowAdapters: [Int?], adapters: [LoRAWeights], scratch: UnsafeMutablePointer<Float>, scratchStride: Int, threads: Int
) {
    let adapted = rowAdapters.indices.filter { m in rowAdapters[m].map { adapters[$0].layers[layer][target] != nil } ?? false }
    parallelFor(splitting: adapted.count, parts: min(threads, adapted.count)) { range in
        for m in adapted[range] {
            let adapter = adapters[rowAdapters[m]!]
            let pair = adapter.layers[layer][target]!
            let u = scratch + m * scratchStride
            pair.a.withUnsafeBufferPointer { a in
                // u[rank] = A[rank, in] · x[m]
                Gemm.multiplyVector(m: adapter.rank, n: inputs, a: a.baseAddress!, lda: inputs, x: x + m * inputs, beta: 0, y: u)
            }
            pair.b.withUnsafeBufferPointer { b in
                // y[m, offset..] += scale · B[out, rank] · u
                Gemm.multiplyVector(m: outputs, n: adapter.rank, alpha: adapter.scale, a: b.baseAddress!, lda: adapter.rank,
                                    x: u, beta: 1, y: y + m * yStride + offset)
            }
        }
    }
}
