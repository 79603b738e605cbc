import ArgumentParser
import Inference

/// Sampling flags shared by the commands that generate.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Sampling temperature; 0 is greedy decoding.") var temperature = 0.7
    @Option(name: .customLong("top-p"), help: "Nucleus sampling mass.") var topP = 1.0
    @Option(name: .customLong("top-k"), help: "Keep only the k most likely tokens (0: all).") var topK = 0
    @Option(help: "Random seed: sample i of a single prompt uses seed + i; with --task, sample j of an input uses a seed derived from (seed, the input's id, j).") var seed: UInt64 = 0
    @Option(name: .customLong("max-tokens"), help: "Most tokens generated per sample.") var maxTokens = 256
    @Option(help: "Stop before this string (repeatable).") var stop: [String] = []

    var parameters: SamplingParameters {
        SamplingParameters(
            maxTokens: maxTokens, temperature: temperature, topK: topK > 0 ? topK : nil, topP: topP, seed: seed, stop: stop)
    }

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be ≥ 0 (got \(temperature))") }
        guard topP > 0, topP <= 1 else { throw ValidationError("--top-p must be in (0, 1] (got \(topP))") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be ≥ 0 (got \(maxTokens))") }
    }
}
