import Foundation
import Kernels
import ModelFiles

/// A Llama-family model ready for inference: its configuration and weights, either repacked
/// for Kernels' int8 kernels (`.quantized`) or dequantized to float32 (`.float32`).
///
/// Immutable and Sendable: many caches (and threads) may share one model. The per-sequence
/// state lives in `KVCache`; `forward` is in LlamaForward.swift.
public final class LlamaModel: Sendable {
    public let configuration: LlamaConfiguration
    public let precision: Precision
    public let file: GGUFFile
    /// token_embd, [vocab, hidden]: rows are looked up by `embed` (and, when tied, it is the head).
    let embedding: WeightMatrix
    let layers: [Layer]
    /// Final RMSNorm weight, [hiddenSize].
    let outputNorm: [Float]
    /// Logits = outputHead(norm(x)): token_embd (tied) or output.weight, [vocab, hidden].
    let outputHead: any LinearLayer
    /// Rotary embedding with cos/sin tabulated for every position of the context.
    let rope: Rope

    /// The weights of one transformer block.
    struct Layer: Sendable {
        let attentionNorm: [Float]        // [hidden]
        let qkv: any LinearLayer          // [hidden + 2·kvSize, hidden]: q rows, then k, then v
        let attentionOutput: any LinearLayer  // [hidden, hidden]
        let feedForwardNorm: [Float]      // [hidden]
        let gateUp: any LinearLayer       // [2·ffn, hidden]: gate rows, then up
        let down: any LinearLayer         // [hidden, ffn]
    }

    /// Loads `path`. `weightOverrides` (float32 only) replaces named tensors' values, e.g. to
    /// compare against a merged LoRA weight in tests. Threads are chosen per forward pass (by
    /// the `KVCache`); OpenBLAS runs single-threaded under the kernels' own split.
    public convenience init(path: String, precision: Precision = .quantized, weightOverrides: [String: [Float]] = [:]) throws(ModelFileError) {
        try self.init(file: try GGUFFile(path: path), precision: precision, weightOverrides: weightOverrides)
    }

    /// Loads the model from an opened GGUF file; see `init(path:precision:weightOverrides:)`.
    public init(file: GGUFFile, precision: Precision = .quantized, weightOverrides: [String: [Float]] = [:]) throws(ModelFileError) {
        let configuration = try LlamaConfiguration(gguf: file)
        guard configuration.headDimension % 16 == 0 else {
            throw .invalidHeader(path: file.path, reason: "llama.attention.head_count = \(configuration.headCount) gives a head dimension of "
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
        for l in 0..<c.layerCount {
            let name = { (suffix: String) in LlamaConfiguration.tensorName(layer: l, suffix) }
            let layer = Layer(
                attentionNorm: try vector(name("attn_norm"), count: c.hiddenSize),
                qkv: try linear([name("attn_q"), name("attn_k"), name("attn_v")], inputs: c.hiddenSize),
                attentionOutput: try linear([name("attn_output")], inputs: c.hiddenSize),
                feedForwardNorm: try vector(name("ffn_norm"), count: c.hiddenSize),
                gateUp: try linear([name("ffn_gate"), name("ffn_up")], inputs: c.hiddenSize),
                down: try linear([name("ffn_down")], inputs: c.feedForwardSize))
            guard layer.qkv.outputCount == c.hiddenSize + 2 * c.kvSize, layer.attentionOutput.outputCount == c.hiddenSize,
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
        rope = Rope(headDimension: c.headDimension, base: Double(c.ropeBase), cachedPositions: c.contextLength)
    }

    /// Writes token `token`'s embedding row into `out` [hiddenSize].
    func embed(_ token: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(token >= 0 && token < configuration.vocabularySize, "token \(token) is outside the vocabulary")
        embedding.dequantizeRow(token, into: out)
    }
}
