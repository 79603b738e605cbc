import Kernels
import ModelFiles

/// All weights of a model (Llama or Gemma 3) in float32, in one buffer, named as in GGUF.
///
/// Training keeps the base weights in float32 even under LoRA: the gradient reference is a
/// float32 backward, the matrix products run through float32 sgemm (OpenBLAS has no usable
/// bf16 or quantized GEMM here), and for a 135M model the copy is 540 MB.
public struct TrainingWeights: Sendable {
    public let configuration: ModelConfiguration
    public let layout: TensorLayout
    /// Row-major tensors in `layout` order; a linear weight is [outputs, inputs].
    public var values: [Float]

    /// The GGUF name of the output head: the token embedding when tied.
    public var headName: String { configuration.tiedEmbeddings ? "token_embd.weight" : "output.weight" }

    /// The standard layout: embedding, then per layer the two norms (Gemma 3: then the q/k norms
    /// and the two output norms) and seven linear weights (in `LinearTarget` order), the final
    /// norm, and the output head if it is not tied.
    public static func layout(for configuration: ModelConfiguration) -> TensorLayout {
        var layout = TensorLayout()
        let c = configuration.hiddenSize
        layout.append("token_embd.weight", shape: [configuration.vocabularySize, c])
        for layer in 0..<configuration.layerCount {
            layout.append(ModelConfiguration.tensorName(layer: layer, "attn_norm"), shape: [c])
            layout.append(ModelConfiguration.tensorName(layer: layer, "ffn_norm"), shape: [c])
            if configuration.architecture.normalizesQueriesAndKeys {
                layout.append(ModelConfiguration.tensorName(layer: layer, "attn_q_norm"), shape: [configuration.headDimension])
                layout.append(ModelConfiguration.tensorName(layer: layer, "attn_k_norm"), shape: [configuration.headDimension])
            }
            if configuration.architecture.normalizesSublayerOutputs {
                layout.append(ModelConfiguration.tensorName(layer: layer, "post_attention_norm"), shape: [c])
                layout.append(ModelConfiguration.tensorName(layer: layer, "post_ffw_norm"), shape: [c])
            }
            for target in LinearTarget.allCases {
                let shape = target.shape(in: configuration)
                layout.append(ModelConfiguration.tensorName(layer: layer, target.ggufSuffix), shape: [shape.outputs, shape.inputs])
            }
        }
        layout.append("output_norm.weight", shape: [c])
        if !configuration.tiedEmbeddings { layout.append("output.weight", shape: [configuration.vocabularySize, c]) }
        return layout
    }

    /// Weights given as one buffer in `layout(for:)` order.
    public init(configuration: ModelConfiguration, values: [Float]) {
        let layout = Self.layout(for: configuration)
        precondition(values.count == layout.totalCount, "weights buffer has \(values.count) floats, layout needs \(layout.totalCount)")
        self.configuration = configuration
        self.layout = layout
        self.values = values
    }

    /// Dequantizes every weight of a GGUF model (llama or gemma3) to float32.
    public init(gguf file: GGUFFile) throws(ModelFileError) {
        let configuration = try ModelConfiguration(gguf: file)
        let layout = Self.layout(for: configuration)
        var values = [Float](repeating: 0, count: layout.totalCount)
        for entry in layout.entries {
            let tensor = try file.requireTensor(entry.name)
            guard tensor.elementCount == entry.count, tensor.rowLength == entry.shape.last else {
                throw .badTensorShape(path: file.path, tensor: entry.name,
                                      reason: "shape \(tensor.dimensions) (innermost first), expected \(Array(entry.shape.reversed()))")
            }
            let floats = try file.floats(of: tensor)
            values.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: floats)
        }
        self.init(configuration: configuration, values: values)
    }

    /// A random model for tests: linear weights and the embedding uniform in ±`scale`,
    /// norm weights 1 ± 0.1.
    public static func random(configuration: ModelConfiguration, seed: UInt64, scale: Float = 0.1) -> TrainingWeights {
        let layout = Self.layout(for: configuration)
        var generator = SplitMix64(seed: seed)
        var values = [Float](repeating: 0, count: layout.totalCount)
        for entry in layout.entries {
            let isNorm = entry.shape.count == 1
            for index in entry.offset..<(entry.offset + entry.count) {
                values[index] = isNorm ? 1 + generator.uniform(0.1) : generator.uniform(scale)
            }
        }
        return TrainingWeights(configuration: configuration, values: values)
    }

    /// A copy of the tensor named `name`.
    public func tensor(_ name: String) -> [Float] {
        guard let entry = layout.entry(named: name) else { preconditionFailure("no tensor \(name)") }
        return Array(values[entry.offset..<(entry.offset + entry.count)])
    }

    /// Adds an adapter into the weights: W += scale · B·A for every adapted layer.
    public mutating func merge(_ adapter: LoRAWeights) {
        let rank = adapter.rank, scale = adapter.scale
        let layout = layout
        values.withUnsafeMutableBufferPointer { buffer in
            for (layer, pairs) in adapter.layers.enumerated() {
                for (target, pair) in pairs {
                    let shape = target.shape(in: configuration)
                    let offset = layout.offset(of: ModelConfiguration.tensorName(layer: layer, target.ggufSuffix))
                    pair.b.withUnsafeBufferPointer { b in
                        pair.a.withUnsafeBufferPointer { a in
                            // W [out, in] += scale · B [out, r] · A [r, in]
                            Gemm.multiply(transA: false, transB: false, m: shape.outputs, n: shape.inputs, k: rank, alpha: scale,
                                          a: b.baseAddress!, lda: rank, b: a.baseAddress!, ldb: shape.inputs, beta: 1,
                                          c: buffer.baseAddress! + offset, ldc: shape.inputs, threads: 1)
                        }
                    }
                }
            }
        }
    }
}
