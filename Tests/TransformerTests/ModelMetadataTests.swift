import Foundation
import ModelFiles
import Testing
import TestSupport
import Transformer

/// Model metadata is input: the real model's hyperparameters with one value broken give a
/// `ModelFileError` naming the file and the key, never a trap in a kernel or an allocation.
@Suite struct ModelMetadataTests {
    /// The real file's `general.architecture` and `llama.*` metadata with `changes` applied, and
    /// a token embedding of 2 rows (the configuration reads only its shape).
    func mutatedModel(_ changes: [String: GGUFValue]) throws -> GGUFFile {
        let real = try GGUFFile(path: TestFiles.smolLM2())
        var writer = GGUFWriter()
        for key in real.metadataKeys where key == "general.architecture" || key.hasPrefix("llama.") {
            if let value = real.metadata[key] { writer.set(key, value) }
        }
        for (key, value) in changes { writer.set(key, value) }
        writer.addTensor("token_embd.weight", dimensions: [576, 2], values: [Float](repeating: 0, count: 1152))
        let url = try TestFiles.temporaryDirectory("s2d-metadata").appendingPathComponent("mutated.gguf")
        try writer.write(to: url)
        return try GGUFFile(path: url.path)
    }

    static let cases: [(key: String, changes: [String: GGUFValue])] = [
        ("llama.block_count", ["llama.block_count": .int32(-1)]),
        ("llama.block_count", ["llama.block_count": .uint32(0)]),
        ("llama.context_length", ["llama.context_length": .int32(0)]),
        ("llama.context_length", ["llama.context_length": .int64(-5)]),
        ("llama.embedding_length", ["llama.embedding_length": .int32(-576)]),
        ("llama.feed_forward_length", ["llama.feed_forward_length": .uint32(0)]),
        ("llama.attention.head_count", ["llama.attention.head_count": .uint32(0)]),
        ("llama.attention.head_count", ["llama.attention.head_count": .uint32(7)]),  // does not divide 576
        ("llama.attention.head_count_kv", ["llama.attention.head_count_kv": .uint32(2)]),  // does not divide 9
        ("llama.attention.head_count", ["llama.attention.head_count": .uint32(64), "llama.attention.head_count_kv": .uint32(1)]),  // head dim 9: odd
        ("llama.rope.freq_base", ["llama.rope.freq_base": .float32(.nan)]),
        ("llama.attention.layer_norm_rms_epsilon", ["llama.attention.layer_norm_rms_epsilon": .float32(-1)]),
    ]

    @Test(arguments: 0..<cases.count)
    func aBrokenValueIsAnErrorNamingTheKey(index: Int) throws {
        let (key, changes) = Self.cases[index]
        let file = try mutatedModel(changes)
        #expect {
            try TransformerModel(file: file)
        } throws: { error in
            "\(error)".contains(key) && "\(error)".contains("mutated.gguf")
        }
    }

    /// The engine's kernels need head dimensions in multiples of 16 (the trainer does not).
    @Test func aHeadDimensionTheEngineCannotRunIsRefusedByTheEngineOnly() throws {
        let file = try mutatedModel(["llama.attention.head_count": .uint32(48)])  // 576 / 48 = 12
        #expect(try ModelConfiguration(gguf: file).headDimension == 12)
        #expect {
            try TransformerModel(file: file)
        } throws: { error in
            "\(error)".contains("head dimension of 12") && "\(error)".contains("multiple of 16")
        }
    }

    /// Gemma 3's file: the sizes from its metadata, the constants the file leaves out (window
    /// pattern, local RoPE base) as transformers' config for it has them (gemma3-270m/logits.json).
    @Test func gemma3ConfigurationMatchesTransformersConfig() throws {
        let c = try ModelConfiguration(gguf: GGUFFile(path: TestFiles.gemma3()))
        let reference = try #require(try TestFiles.referenceJSON("gemma3-270m/logits.json")["config"] as? [String: Any])
        #expect(c.architecture == .gemma3)
        #expect(c.layerCount == reference["num_hidden_layers"] as? Int)
        #expect(c.hiddenSize == reference["hidden_size"] as? Int)
        #expect(c.headDimension == reference["head_dim"] as? Int)
        #expect(c.queryWidth == 4 * 256 && c.kvSize == 256)
        #expect(c.slidingWindow == reference["sliding_window"] as? Int)
        let layerTypes = try #require(reference["layer_types"] as? [String])
        #expect((0..<c.layerCount).map { c.isSlidingWindowLayer($0) ? "sliding_attention" : "full_attention" } == layerTypes)
        #expect((0..<c.layerCount).map { c.ropeBase(layer: $0) } == layerTypes.map { $0 == "full_attention" ? 1_000_000 : 10_000 })
        #expect(c.embeddingScale == Float(640).squareRoot())
        #expect(c.tiedEmbeddings)
    }
}
