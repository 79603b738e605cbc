import Foundation
import Inference
import Testing
import TestSupport
import Transformer

enum SharedModel {
    static let result = Result { try TransformerModel(path: try TestFiles.smolLM2(), precision: .quantized) }
    static func get() throws -> TransformerModel { try result.get() }
}

/// Continuous batching: requests decoded together give what each gives alone.
@Suite struct TokenGeneratorTests {
    static let chat = [1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407, 19712, 8182, 2, 198,
                       1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531, 198]
    static let story = [6403, 1980, 253, 655]
    static let sampled = SamplingParameters(maxTokens: 12, temperature: 0.9, topP: 0.95, seed: 1234)

    @Test func greedyGenerationReproducesTheReferenceTokens() async throws {
        let generator = TokenGenerator(model: try SharedModel.get())
        let result = try await generator.generate(TokenRequest(prompt: Self.chat, parameters: .greedy(maxTokens: 16)))
        #expect(result.count == 1)
        #expect(result[0].tokens == [504, 3575, 282, 4649, 314, 7042, 30, 2, 198, 2, 1, 9690, 198, 2, 198, 1])
        #expect(result[0].finishReason == .length)
    }

    @Test func sampleIOfAnNSampleRequestEqualsASeparateRequestWithSeedPlusI() async throws {
        let generator = TokenGenerator(model: try SharedModel.get())
        let together = try await generator.generate(TokenRequest(prompt: Self.story, n: 3, parameters: Self.sampled))
        #expect(Set(together.map(\.tokens)).count > 1, "different seeds should give different samples")
        for i in 0..<3 {
            var parameters = Self.sampled
            parameters.seed = Self.sampled.seed + UInt64(i)
            let alone = try await generator.generate(TokenRequest(prompt: Self.story, parameters: parameters))
            #expect(alone[0] == together[i], "sample \(i)")
        }
        let greedy = try await generator.generate(TokenRequest(prompt: Self.story, n: 2, parameters: .greedy(maxTokens: 8)))
        #expect(greedy[0] == greedy[1])
    }

    @Test func concurrentRequestsGiveTheSameTokensAsAlone() async throws {
        let generator = TokenGenerator(model: try SharedModel.get(), maximumBatch: 8)
        let requests = [
            TokenRequest(prompt: Self.story, n: 2, parameters: Self.sampled),
            TokenRequest(prompt: Self.chat, n: 3, parameters: SamplingParameters(maxTokens: 10, temperature: 0.7, topK: 40, seed: 9)),
            TokenRequest(prompt: [504, 2365, 6354], parameters: .greedy(maxTokens: 6)),
            TokenRequest(prompt: Self.story, n: 4, parameters: SamplingParameters(maxTokens: 5, temperature: 1.2, seed: 77)),
        ]
        var alone: [[TokenSequence]] = []
        for request in requests { alone.append(try await generator.generate(request)) }
        let together = try await withThrowingTaskGroup(of: (Int, [TokenSequence]).self) { group in
            for (i, request) in requests.enumerated() { group.addTask { (i, try await generator.generate(request)) } }
            var results = [[TokenSequence]](repeating: [], count: requests.count)
            for try await (i, result) in group { results[i] = result }
            return results
        }
        #expect(together == alone)
    }

    @Test func stopTokensCallbacksAndMaxTokensEndSamples() async throws {
        let generator = TokenGenerator(model: try SharedModel.get())
        // Greedy on the chat prompt gives "The capital of France is Paris." then <|im_end|> (2).
        let stopped = try await generator.generate(TokenRequest(prompt: Self.chat, parameters: .greedy(maxTokens: 30), stopTokens: [2]))
        #expect(stopped[0].tokens == [504, 3575, 282, 4649, 314, 7042, 30, 2] && stopped[0].finishReason == .stop)
        let callback = try await generator.generate(TokenRequest(prompt: Self.chat, parameters: .greedy(maxTokens: 30), shouldStop: { $0.contains(4649) }))
        #expect(callback[0].tokens == [504, 3575, 282, 4649] && callback[0].finishReason == .stop)
        let streamed = Streamed()
        let short = try await generator.generate(TokenRequest(prompt: Self.chat, n: 2, parameters: .greedy(maxTokens: 3), onToken: { streamed.add($0, $1.token) }))
        #expect(short.allSatisfy { $0.tokens.count == 3 && $0.finishReason == .length })
        #expect(streamed.tokens(of: 0) == short[0].tokens && streamed.tokens(of: 1) == short[1].tokens)
    }

    @Test func logprobsAreReportedWhenAsked() async throws {
        let generator = TokenGenerator(model: try SharedModel.get())
        var parameters = SamplingParameters.greedy(maxTokens: 4)
        parameters.logprobs = true
        parameters.topLogprobs = 2
        let result = try await generator.generate(TokenRequest(prompt: Self.chat, parameters: parameters))
        #expect(result[0].logprobs.count == 4)
        for entry in result[0].logprobs {
            #expect(entry.logprob <= 0 && entry.top.count == 2 && entry.top[0].token == entry.token)
        }
    }

    @Test func aCancelledRequestEndsWithCancelledAndFreesItsPlace() async throws {
        let generator = TokenGenerator(model: try SharedModel.get())
        let task = Task { try await generator.generate(TokenRequest(prompt: Self.story, n: 2, parameters: .greedy(maxTokens: 2000))) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        await #expect(throws: GenerationError.cancelled) { try await task.value }
        // The generator goes on serving.
        let after = try await generator.generate(TokenRequest(prompt: Self.story, parameters: .greedy(maxTokens: 2)))
        #expect(after[0].tokens.count == 2)
    }

    @Test func badRequestsAreRefusedWithAReason() async throws {
        let generator = TokenGenerator(model: try SharedModel.get(), maximumLength: 64)
        await #expect(throws: GenerationError.emptyPrompt) { try await generator.generate(TokenRequest(prompt: [], parameters: .greedy())) }
        await #expect(throws: GenerationError.tokenOutOfRange(token: 50000, vocabularySize: 49152)) {
            try await generator.generate(TokenRequest(prompt: [50000], parameters: .greedy()))
        }
        await #expect(throws: GenerationError.unknownAdapter("nope")) {
            try await generator.generate(TokenRequest(prompt: [1], parameters: .greedy(), adapter: "nope"))
        }
        let long = try await generator.generate(TokenRequest(prompt: Array(repeating: 198, count: 60), parameters: .greedy(maxTokens: 100)))
        #expect(long[0].tokens.count == 5 && long[0].finishReason == .length)
    }
}

/// Tokens received through `onToken`, per sample.
final class Streamed: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [Int: [Int]] = [:]
    func add(_ sample: Int, _ token: Int) {
        lock.lock()
        received[sample, default: []].append(token)
        lock.unlock()
    }
    func tokens(of sample: Int) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        return received[sample] ?? []
    }
}
