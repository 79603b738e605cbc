import Kernels
import Transformer

/// A tiny random Llama for tests: 2 layers, hidden 32, 4 heads / 2 KV heads, FFN 64, vocab 50.
enum TinyModel {
    static let configuration = ModelConfiguration(
        layerCount: 2, hiddenSize: 32, feedForwardSize: 64, headCount: 4, kvHeadCount: 2,
        vocabularySize: 50, contextLength: 64, ropeBase: 10000, rmsNormEpsilon: 1e-5)

    static func weights(seed: UInt64 = 7) -> TrainingWeights {
        TrainingWeights.random(configuration: configuration, seed: seed, scale: 0.3)
    }

    /// `count` random sequences of `length` tokens, every token after the first a target.
    static func sequences(_ count: Int, length: Int, seed: UInt64) -> [TrainingSequence] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            TrainingSequence(tokens: (0..<length).map { _ in Int(generator.next() % 50) })
        }
    }

    /// A LoRA adapter with random (non-zero) A and B, so that every gradient path is live.
    static func randomAdapter(_ settings: LoRAConfiguration, seed: UInt64) -> LoRAParameters {
        var adapter = LoRAParameters(configuration: settings, model: configuration, seed: seed)
        var generator = SplitMix64(seed: seed &+ 1)
        for index in adapter.values.indices { adapter.values[index] = generator.uniform(0.2) }
        return adapter
    }
}
