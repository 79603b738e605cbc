import Foundation
import ModelFiles
import Testing
import TestSupport
import Transformer

/// Fine-tuned weights written as GGUF read back as the same model.
@Suite struct WeightsExportTests {
    @Test func exportedGGUFReadsBackAsTheSameWeights() throws {
        let c = TinyModel.configuration
        var source = GGUFWriter()
        source.set("general.architecture", .string("llama"))
        source.set("llama.block_count", .uint32(UInt32(c.layerCount)))
        source.set("llama.embedding_length", .uint32(UInt32(c.hiddenSize)))
        source.set("llama.feed_forward_length", .uint32(UInt32(c.feedForwardSize)))
        source.set("llama.attention.head_count", .uint32(UInt32(c.headCount)))
        source.set("llama.attention.head_count_kv", .uint32(UInt32(c.kvHeadCount)))
        source.set("llama.context_length", .uint32(UInt32(c.contextLength)))
        source.set("llama.rope.freq_base", .float32(c.ropeBase))
        source.set("llama.attention.layer_norm_rms_epsilon", .float32(c.rmsNormEpsilon))
        let weights = TinyModel.weights(seed: 3)
        for entry in weights.layout.entries {
            source.addTensor(entry.name, dimensions: entry.shape.reversed(), values: weights.tensor(entry.name))
        }
        let folder = try TestFiles.temporaryDirectory("s2d-export")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourceURL = folder.appendingPathComponent("tiny.gguf")
        try source.write(to: sourceURL)
        let loaded = try TrainingWeights(gguf: GGUFFile(path: sourceURL.path))
        #expect(loaded.configuration == c && loaded.values == weights.values)

        var trained = loaded
        trained.merge(TinyModel.randomAdapter(LoRAConfiguration(rank: 2, alpha: 4), seed: 2).weights)
        let exportURL = folder.appendingPathComponent("trained.gguf")
        try trained.ggufWriter(metadataFrom: GGUFFile(path: sourceURL.path)).write(to: exportURL)
        let reread = try TrainingWeights(gguf: GGUFFile(path: exportURL.path))
        #expect(reread.values == trained.values && reread.values != weights.values)
    }
}
