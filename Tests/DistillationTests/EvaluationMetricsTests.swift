import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

/// Accuracy intervals and per-input cost counting of the evaluation.
@Suite struct EvaluationMetricsTests {
    @Test func wilsonIntervalMatchesTheClosedForm() {
        // Reference values from the closed form evaluated independently (Python, z = 1.96).
        let half = ProportionEstimate(successes: 5, total: 10)
        #expect(abs(half.lower - 0.236590) < 1e-5 && abs(half.upper - 0.763410) < 1e-5)
        let p44 = ProportionEstimate(successes: 44, total: 100)
        #expect(abs(p44.rate - 0.44) < 1e-12)
        #expect(abs(p44.lower - 0.346719) < 1e-5 && abs(p44.upper - 0.537721) < 1e-5)
    }

    @Test func wilsonIntervalStaysInsideZeroOneAtTheExtremes() {
        let none = ProportionEstimate(successes: 0, total: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.277540) < 1e-5)
        let all = ProportionEstimate(successes: 10, total: 10)
        #expect(all.upper == 1 && abs(all.lower - 0.722460) < 1e-5)
        let empty = ProportionEstimate(successes: 0, total: 0)
        #expect(empty.lower == 0 && empty.upper == 1 && empty.rate == 0)
    }

    @Test func majorityEvaluationCountsEveryGeneratedTokenAndCall() async throws {
        // Sample 0 and 1 say yes, sample 2 says no: majority yes. Tokens are words.
        let model = ScriptedModel { _, i in i == 2 ? "so the answer is no" : "the answer is yes" }
        let example = CoinFlipTask.example(actions: [("Ka", false)], id: "x")
        let method = try MethodLibrary.builtin.method(named: "cot")
        let system = EvaluationSystem(name: "S2", method: method, samples: 3)
        let r = try await Evaluator(task: CoinFlipTask()).evaluate(system, on: [example], model: model)
        #expect(r.predictions[0].answer == "yes")
        #expect(r.predictions[0].correct)
        #expect(r.predictions[0].generatedTokens == 4 + 4 + 5)
        #expect(r.predictions[0].calls == 3)
        #expect(r.meanGeneratedTokens == 13)
        #expect(r.accuracy.successes == 1)
        #expect(abs(r.predictions[0].confidence! - 2.0 / 3.0) < 1e-12)
    }

    @Test func greedyEvaluationAveragesTokensAndScoresAgainstGold() async throws {
        let model = ScriptedModel { request, _ in request.userText.contains("Ka flips") ? "No" : "Yes it is heads" }
        let examples = [
            CoinFlipTask.example(actions: [("Ka", true)], id: "a"),   // gold no, model "No"
            CoinFlipTask.example(actions: [("Bo", true)], id: "b"),   // gold no, model "Yes it is heads"
        ]
        let system = EvaluationSystem(name: "S1", method: try MethodLibrary.builtin.method(named: "system1"))
        let r = try await Evaluator(task: CoinFlipTask()).evaluate(system, on: examples, model: model)
        #expect(r.accuracy.successes == 1 && r.accuracy.total == 2)
        #expect(r.meanGeneratedTokens == 2.5)
        #expect(r.meanCalls == 1)
        #expect(r.predictions.map(\.exampleID) == ["a", "b"])
    }

    @Test func confidenceIsTheProbabilityOfTheWholeAnswer() async throws {
        let model = LogprobModel(text: "Yes", logprobs: [log(0.9), log(0.5)])
        let example = CoinFlipTask.example(actions: [("Ka", false)], id: "x")
        let system = EvaluationSystem(name: "S1", method: try MethodLibrary.builtin.method(named: "system1"), withConfidence: true)
        let r = try await Evaluator(task: CoinFlipTask()).evaluate(system, on: [example], model: model)
        #expect(abs(r.predictions[0].confidence! - 0.45) < 1e-9)
        #expect(r.predictions[0].correct)
    }
}

/// Answers every request with one text and fixed per-token log-probabilities.
struct LogprobModel: LanguageModel {
    let identifier = "logprob"
    let text: String
    let logprobs: [Double]

    func generate(_ request: GenerationRequest) async throws -> GenerationResponse {
        let c = Completion(
            text: text, finishReason: .stop, generatedTokens: logprobs.count,
            logprobs: request.parameters.logprobs ? logprobs.map { TokenLogprob(token: "t", logprob: $0) } : nil)
        return GenerationResponse(completions: Array(repeating: c, count: request.n), usage: Usage(), model: identifier)
    }
}
