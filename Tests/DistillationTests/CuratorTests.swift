import Distillation
import Inference
import TestDoubles
import Testing

struct CuratorTests {
    let task = LastLetterTask()
    let ex = LastLetterTask.example(words: ["Elon", "Musk"], id: "e")

    /// Answers "nk" for seeds whose value mod 8 is below `right`, otherwise something else.
    func model(right: UInt64) -> ScriptedModel {
        ScriptedModel { req, i in
            let seed = req.parameters.seed &+ UInt64(i)
            return seed % 8 < right ? "The answer is nk." : "The answer is x\(seed)."
        }
    }

    @Test func fullVoteAcceptsAndWritesTheRecord() async throws {
        let curator = Curator(runner: MethodRunner(method: try MethodLibrary.builtin.method(named: "cot"), task: task), policy: ConsistencyPolicy(samples: 8, minAgreement: 0.625))
        let result = try await curator.curate(model: model(right: 5), example: ex, parameters: SamplingParameters(seed: 0))
        #expect(result.decision.answer == "nk")
        #expect(result.traces.count == 8)
        #expect(result.samplesSaved == 0)
        #expect(result.record?.messages.last == .assistant("nk"))
        #expect(result.generatedTokens == 8 * 4)
        let rejected = try await curator.curate(model: model(right: 4), example: ex, parameters: SamplingParameters(seed: 0))
        #expect(rejected.decision.rejection == .belowThreshold(top: "nk", votes: 4, required: 5))
        #expect(rejected.record == nil)
    }

    @Test func adaptiveCurationStopsEarlyWithTheSameDecision() async throws {
        let runner = MethodRunner(method: try MethodLibrary.builtin.method(named: "cot"), task: task)
        let policy = ConsistencyPolicy(samples: 8, minAgreement: 0.625)
        let m = model(right: 8)
        let result = try await Curator(runner: runner, policy: policy, adaptive: true).curate(model: m, example: ex, parameters: SamplingParameters(seed: 0))
        #expect(result.decision.answer == "nk")
        #expect(result.traces.count == 5)
        #expect(result.samplesSaved == 3)
        // The 5 votes an acceptance needs come in one request, and they decide.
        #expect(await m.requests.map(\.n) == [5])
        // Chunks of 6: the first request draws six, the sixth counted as drawn.
        let chunked = try await Curator(runner: runner, policy: policy, adaptive: true, chunk: 6)
            .curate(model: model(right: 8), example: ex, parameters: SamplingParameters(seed: 0))
        #expect(chunked.traces.map(\.sampleIndex) == [0, 1, 2, 3, 4, 5])
        #expect(chunked.samplesSaved == 2)
    }

    @Test func positionBiasedJudgesAreRejectedByTheSwap() async throws {
        let judge = PairwiseJudgeTask()
        let pair = TaskExample(id: "p", text: "What is 2+2?", responses: ["4", "5"])
        let runner = MethodRunner(method: try MethodLibrary.builtin.method(named: "system1"), task: judge)
        let curator = Curator(runner: runner, policy: ConsistencyPolicy(samples: 3, minAgreement: 0.6), checkPerturbations: true)
        // Always "A", whatever is shown first.
        let biased = ScriptedModel { _, _ in "[[A]]" }
        let r1 = try await curator.curate(model: biased, example: pair, parameters: SamplingParameters(seed: 0))
        #expect(r1.decision.rejection == .perturbationDisagreement(perturbation: "swap-responses", original: "A", perturbed: "B"))
        #expect(r1.perturbations.count == 1)
        #expect(r1.record == nil)
        // Picks the response that says 4, wherever it is.
        let fair = ScriptedModel { req, _ in req.userText.contains("[Response A]\n4") ? "[[A]]" : "[[B]]" }
        let r2 = try await curator.curate(model: fair, example: pair, parameters: SamplingParameters(seed: 0))
        #expect(r2.decision.answer == "A")
        #expect(r2.perturbations.first?.decision.answer == "B")
        #expect(r2.record?.messages.last == .assistant("[[A]]"))
    }
}
