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
/// in `layer`. Each row is computed alone (two sgemv), so results do not depend on the batch.
///
/// x: [M, in], y: [M, yStride]; `rowAdapters[m]` indexes `adapters` (nil: base model).
func addLoRA(
    _ target: LinearTarget, layer: Int, x: UnsafePointer<Float>, inputs: Int,
    y: UnsafeMutablePointer<Float>, yStride: Int, offset: Int, outputs: Int,
    rowAdapters: [Int?], adapters: [LoRAWeights], scratch: UnsafeMutablePointer<Float>
) {
    for (m, index) in rowAdapters.enumerated() {
        guard let index, let pair = adapters[index].layers[layer][target] else { continue }
        let adapter = adapters[index]
        pair.a.withUnsafeBufferPointer { a in
            // u[rank] = A[rank, in] · x[m]
            Gemm.multiplyVector(m: adapter.rank, n: inputs, a: a.baseAddress!, lda: inputs, x: x + m * inputs, beta: 0, y: scratch)
        }
        pair.b.withUnsafeBufferPointer { b in
            // y[m, offset..] += scale · B[out, rank] · u
            Gemm.multiplyVector(m: outputs, n: adapter.rank, alpha: adapter.scale, a: b.baseAddress!, lda: adapter.rank,
                                x: scratch, beta: 1, y: y + m * yStride + offset)
        }
    }
}
