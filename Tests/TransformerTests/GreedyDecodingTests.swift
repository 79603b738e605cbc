import Kernels
import Testing
import TestSupport
import Transformer

/// Greedy decoding with the KV cache reproduces HF transformers' greedy tokens (greedy.json).
@Suite struct GreedyDecodingTests {
    static func cases() throws -> [(prompt: [Int], greedy: [Int])] {
        let json = try TestFiles.referenceJSON("smollm2-135m-instruct/greedy.json")
        guard let cases = json["cases"] as? [[String: Any]] else { throw TestFileError("greedy.json: no cases") }
        return try cases.map { c in
            guard let prompt = c["prompt_ids"] as? [Int], let greedy = c["greedy_ids"] as? [Int] else { throw TestFileError("greedy.json: malformed case") }
            return (prompt, greedy)
        }
    }

    @Test func float32GreedyTokensMatchTheReferenceForSixteenSteps() throws {
        try check(.float32, path: .active)
    }

    /// The int8 kernels on every variant this CPU can run.
    @Test(arguments: KernelPath.supported)
    func quantizedGreedyTokensMatchTheReferenceForSixteenSteps(path: KernelPath) throws {
        try check(.quantized, path: path)
    }

    func check(_ precision: Precision, path: KernelPath) throws {
        let model = try SharedModels.model(precision)
        for (index, reference) in try Self.cases().enumerated() {
            let cache = KVCache(configuration: model.configuration, kernelPath: path)
            let slot = cache.allocateSlot()
            let prompt = reference.prompt.enumerated().map { BatchRow(slot: slot, token: $1, position: $0, wantsLogits: $0 == reference.prompt.count - 1) }
            var logits = model.forward(prompt, cache: cache, mode: .throughput)
            var generated: [Int] = []
            for step in 0..<16 {
                let token = argmax(logits.row(0))
                generated.append(token)
                logits = model.forward([BatchRow(slot: slot, token: token, position: reference.prompt.count + step)], cache: cache)
            }
            #expect(generated == Array(reference.greedy.prefix(16)), "\(precision) \(path) case \(index)")
        }
    }
}
