import Kernels
import Testing
import TestSupport
import Transformer

/// Greedy decoding with the KV cache reproduces HF transformers' greedy tokens (greedy.json).
@Suite struct GreedyDecodingTests {
    static func cases(_ model: ReferenceModel) throws -> [(prompt: [Int], greedy: [Int])] {
        let json = try TestFiles.referenceJSON("\(model)/greedy.json")
        guard let cases = json["cases"] as? [[String: Any]] else { throw TestFileError("greedy.json: no cases") }
        return try cases.map { c in
            guard let prompt = c["prompt_ids"] as? [Int], let greedy = c["greedy_ids"] as? [Int] else { throw TestFileError("greedy.json: malformed case") }
            return (prompt, greedy)
        }
    }

    @Test(arguments: ReferenceModel.allCases)
    func float32GreedyTokensMatchTheReferenceForSixteenSteps(model: ReferenceModel) async throws {
        try await check(model, .float32, path: .active)
    }

    /// The int8 kernels on every variant this CPU can run.
    @Test(arguments: ReferenceModel.allCases, KernelPath.supported)
    func quantizedGreedyTokensMatchTheReferenceForSixteenSteps(model: ReferenceModel, path: KernelPath) async throws {
        try await check(model, .quantized, path: path)
    }

    /// Decodes on a thread of its own (see ReferenceLogitsTests: the cooperative pool stays free).
    func check(_ reference: ReferenceModel, _ precision: Precision, path: KernelPath) async throws {
        let model = try await onOwnThread { withMemoryHeavyWork { Result { try SharedModels.model(precision, reference) } } }.get()
        let steps = 16
        for (index, reference) in try Self.cases(reference).enumerated() {
            let promptIDs = reference.prompt
            let generated = await onOwnThread { withMemoryHeavyWork {
                let cache = KVCache(configuration: model.configuration, threads: 1, kernelPath: path)
                let slot = cache.allocateSlot()
                let prompt = promptIDs.enumerated().map { BatchRow(slot: slot, token: $1, position: $0, wantsLogits: $0 == promptIDs.count - 1) }
                var logits = model.forward(prompt, cache: cache, mode: .throughput)
                var generated: [Int] = []
                for step in 0..<steps {
                    let token = argmax(logits.row(0))
                    generated.append(token)
                    logits = model.forward([BatchRow(slot: slot, token: token, position: promptIDs.count + step)], cache: cache)
                }
                return generated
            } }
            #expect(generated == Array(reference.greedy.prefix(steps)), "\(model.configuration.architecture) \(precision) \(path) case \(index)")
        }
    }
}
