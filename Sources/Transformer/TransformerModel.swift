import Foundation
import Kernels
import ModelFiles

/// A Llama or Gemma 3 model ready for inference: its configuration and weights, either repacked
/// for Kernels' int8 kernels (`.quantized`) or dequantized to float32 (`.float32`).
///
/// Immutable and Sendable: many caches (and threads) may share one model. The per-sequence
/// state lives in `KVCache`; `forward` is in TransformerModel+Forward.swift.
public final class TransformerModel: Sendable {
    public let configuration: ModelConfiguration
    public let precision: Precision
    public let file: GGUFFile
    /// token_embd, [vocab, hidden]: rows are looked up by `embed` (and, when tied, it is the head).
    let embedding: WeightMatrix
    let layers: [Layer]
    /// Final RMSNorm weight, [hiddenSize].
    let outputNorm: [Float]
    /// Logits = outputHead(norm(x)): token_embd (tied) or output.weight, [vocab, hidden].
    let outputHead: any LinearLayer
    /// Rotary embedding of each layer (global and sliding-window layers differ in base for
    /// Gemma 3), with cos/sin tabulated for every position of the context.
    let ropes: [Rope]

    /// The weights of one transformer block. The optional norms are Gemma 3's.
    struct Layer: Sendable {
        let attentionNorm: [Float]        // [hidden]
        let qkv: any LinearLayer          // [queryWidth + 2·kvSize, hidden]: q rows, then k, then v
        let queryNorm: [Float]?           // [headDimension], applied to each query head before RoPE
        let keyNorm: [Float]?             // [headDimension]
        let attentionOutput: any LinearLayer  // [hidden, queryWidth]
        let postAttentionNorm: [Float]?   // [hidden], on the attention output before the residual add
        let feedForwardNorm: [Float]      // [hidden]
        let gateUp: any LinearLayer       // [2·ffn, hidden]: gate rows, then up
        let down: any LinearLayer         // [hidden, ffn]
        let postFeedForwardNorm: [Float]? // [hidden]
    }

    /// Loads `path`. `weightOverrides` (float32 only) replaces named tensors' values, e.g. to
    /// compare against a merged LoRA weight in tests. Threads are chosen per forward pass (by
    /// the `KVCache`); OpenBLAS runs single-threaded under the kernels' own split.
    public convenience init(path: String, precision: Precision = .quantized, weightOverrides: [String: [Float]] = [:]) throws(ModelFileError) {
        try self.init(file: try GGUFFile(path: path), precision: precision, weightOverrides: weightOverrides)
    }

    /// Loads the model from an opened GGUF file; see `init(path:precision:weightOverrides:)`.
    public init(file: GGUFFile, precision: Precision = .quantized, weightOverrides: [String: [Float]] = [:]) throws(ModelFileError) {
        let configuration = try ModelConfiguration(gguf: file)
        guard configuration.headDimension % 16 == 0 else {
            throw .invalidHeader(path: file.path, reason: "\(configuration.architecture.rawValue) has a head dimension of "
                + "\(configuration.headDimension); the engine's attention and RoPE kernels need a multiple of 16")
        }
        self.configuration = configuration
        self.precision = precision
        self.file = file
        precondition(precision == .float32 || weightOverrides.isEmpty, "weight overrides need the float32 path")

        func floats(_ name: String) throws(ModelFileError) -> [Float] {
            let tensor = try file.requireTensor(name)
            if let values = weightOverrides[name] {
                guard values.count == tensor.elementCount else {
                    throw .badTensorShape(path: file.path, tensor: name, reason: "override has \(values.count) values, the tensor \(tensor.elementCount)")
                }
                return values
            }
            return try file.floats(of: tensor)
        }
        func vector(_ name: String, count: Int) throws(ModelFileError) -> [Float] {
            let values = try floats(name)
            guard values.count == count else {
                throw .badTensorShape(path: file.path, tensor: name, reason: "\(values.count) values, expected \(count)")
            }
            return values
        }
        func matrix(_ name: String, inputs: Int) throws(ModelFileError) -> WeightMatrix {
            let tensor = try file.requireTensor(name)
            guard tensor.rowLength == inputs else {
                throw .badTensorShape(path: file.path, tensor: name, reason: "rows of \(tensor.rowLength) values, expected \(inputs)")
            }
            return try WeightMatrix.load(tensor, of: file, precision: precision, values: weightOverrides[name])
        }
        func linear(_ names: [String], inputs: Int) throws(ModelFileError) -> any LinearLayer {
            var parts: [WeightMatrix] = []
            for name in names { parts.append(try matrix(name, inputs: inputs)) }
            return StackedLinear(parts)
        }

        let c = configuration
        let embedding = try matrix("token_embd.weight", inputs: c.hiddenSize)
        self.embedding = embedding
        var layers: [Layer] = []
        let architecture = c.architecture
        for l in 0..<c.layerCount {
            let name = { (suffix: String) in ModelConfiguration.tensorName(layer: l, suffix) }
            func norm(_ suffix: String, count: Int, if present: Bool) throws(ModelFileError) -> [Float]? {
                present ? try vector(name(suffix), count: count) : nil
            }
            let layer = Layer(
                attentionNorm: try vector(name("attn_norm"), count: c.hiddenSize),
                qkv: try linear([name("attn_q"), name("attn_k"), name("attn_v")], inputs: c.hiddenSize),
                queryNorm: try norm("attn_q_norm", count: c.headDimension, if: architecture.normalizesQueriesAndKeys),
                keyNorm: try norm("attn_k_norm", count: c.headDimension, if: architecture.normalizesQueriesAndKeys),
                attentionOutput: try linear([name("attn_output")], inputs: c.queryWidth),
                postAttentionNorm: try norm("post_attention_norm", count: c.hiddenSize, if: architecture.normalizesSublayerOutputs),
                feedForwardNorm: try vector(name("ffn_norm"), count: c.hiddenSize),
                gateUp: try linear([name("ffn_gate"), name("ffn_up")], inputs: c.hiddenSize),
                down: try linear([name("ffn_down")], inputs: c.feedForwardSize),
                postFeedForwardNorm: try norm("post_ffw_norm", count: c.hiddenSize, if: architecture.normalizesSublayerOutputs))
            guard layer.qkv.outputCount == c.queryWidth + 2 * c.kvSize, layer.attentionOutput.outputCount == c.hiddenSize,
                  layer.gateUp.outputCount == 2 * c.feedForwardSize, layer.down.outputCount == c.hiddenSize
            else {
                throw .badTensorShape(path: file.path, tensor: name("attn_q"), reason: "layer \(l) projections do not match the configuration")
            }
            layers.append(layer)
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", count: c.hiddenSize)
        // Tied embeddings: the head is the embedding matrix itself (one copy, Q8_0 for SmolLM2).
        outputHead = c.tiedEmbeddings ? StackedLinear([embedding]) : try linear(["output.weight"], inputs: c.hiddenSize)
        // One table per distinct base; each covers the context (Gemma 3: 32768 × 256 floats, 32 MB).
        ropes = c.layerRopes(cachedPositions: c.contextLength)
    }

    /// Writes token `token`'s embedding row, times the model's embedding scale, into `out` [hiddenSize].
    func embed(_ token: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(token >= 0 && token < configuration.vocabularySize, "token \(token) is outside the vocabulary")
        embedding.dequantizeRow(token, into: out)
        let scale = configuration.embeddingScale
        if scale != 1 { RowOps.scale(out, by: scale, count: configuration.hiddenSize) }
    }
}
