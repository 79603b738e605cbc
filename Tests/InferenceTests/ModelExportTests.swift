import Foundation
import Inference
import Testing
import TestSupport
import Transformer

/// `s2d export`: the base model with an adapter merged in, written as one GGUF, generates what
/// the base model with the adapter applied generates.
@Suite struct ModelExportTests {
    static let prompts = ["A coin is heads up. Ana flips the coin. Is the coin still heads up?", "Name three colours."]

    /// A seeded rank-8 adapter on q, v and down, strong enough to change greedy answers.
    func randomAdapter(_ configuration: ModelConfiguration, in folder: URL) throws -> URL {
        var random = RandomSource(seed: 11)
        func noise(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -0.2...0.2, using: &random) } }
        let targets: [LinearTarget] = [.q, .v, .down]
        let layers = (0..<configuration.layerCount).map { _ in
            Dictionary(uniqueKeysWithValues: targets.map { target in
                let shape = target.shape(in: configuration)
                return (target, LoRAWeights.Pair(a: noise(8 * shape.inputs), b: noise(shape.outputs * 8)))
            })
        }
        let adapter = folder.appendingPathComponent("adapter")
        try PEFTAdapter.save(LoRAWeights(rank: 8, alpha: 16, targets: targets, layers: layers), model: configuration, to: adapter)
        return adapter
    }

    func greedy(_ model: EmbeddedLanguageModel, adapter: String? = nil, tokens: Int) async throws -> [String] {
        var answers: [String] = []
        for prompt in Self.prompts {
            let response = try await model.generate(GenerationRequest(
                prompt: .chat([ChatMessage(role: .user, content: prompt)]), parameters: SamplingParameters(maxTokens: tokens, temperature: 0),
                adapter: adapter))
            answers.append(try #require(response.completions.first).text)
        }
        return answers
    }

    @Test(.timeLimit(.minutes(5)))
    func anExportedModelGeneratesWhatTheBaseWithItsAdapterGenerates() async throws {
        let base = try TestFiles.smolLM2()
        let folder = try TestFiles.temporaryDirectory("s2d-export")
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try EmbeddedLanguageModel(path: base, identifier: "base", precision: .float32, maximumBatch: 2, maximumLength: 128)
        let adapter = try randomAdapter(reference.generator.model.configuration, in: folder)
        try await reference.loadAdapter(named: "tuned", from: adapter)
        let expected = try await greedy(reference, adapter: "tuned", tokens: 12)
        #expect(try await greedy(reference, tokens: 12) != expected, "the adapter changes nothing; the test would prove nothing")

        // float32: the merged weights are the same function (up to summation order).
        let f32 = folder.appendingPathComponent("merged-f32.gguf")
        let summary = try ModelExport.export(basePath: base, fineTuned: adapter, to: f32, type: .f32)
        #expect(summary.tensors == 272 && summary.bytes > 500_000_000)
        let exported = try EmbeddedLanguageModel(path: f32.path, identifier: "f32", precision: .float32, maximumBatch: 2, maximumLength: 128)
        #expect(try await greedy(exported, tokens: 12) == expected)

        // Q8_0: re-quantized for the int8 kernels; the first greedy token is the same.
        let q8 = folder.appendingPathComponent("merged-q8_0.gguf")
        _ = try ModelExport.export(basePath: base, fineTuned: adapter, to: q8, type: .q8_0)
        let quantized = try EmbeddedLanguageModel(path: q8.path, identifier: "q8", precision: .quantized, maximumBatch: 2, maximumLength: 128)
        let first = try await greedy(quantized, tokens: 1)
        let expectedFirst = try await greedy(reference, adapter: "tuned", tokens: 1)
        #expect(first == expectedFirst)
    }
}
