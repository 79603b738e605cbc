import Distillation
import Foundation
import Inference
import TestDoubles
import Testing
import TestSupport

/// `bsm-sum`, BSM as its paper runs it: per-criterion 1-5 scores summed (no merge call), judged
/// in both orders, a tie when the verdicts differ by position — on hand-made judges.
struct BSMScoreSumTests {
    @Test func scoresAreSummedPerResponseAndEqualSumsAreATie() {
        #expect(ScoreSum.verdict(["Response A: 5/5, Response B: 1/5"]) == "A")
        #expect(ScoreSum.verdict(["Response A: 4/5, Response B: 2/5", "Response A: 3/5, Response B: 5/5"]) == "tie")
        #expect(ScoreSum.verdict(["A is clear. Response A: 2/5, Response B: 3/5", "Response A: 4, Response B: 4"]) == "B")
        // An evaluation that scores one response only is left out; none scored is no verdict.
        #expect(ScoreSum.verdict(["Response A: 5/5", "Response A: 1/5, Response B: 2/5"]) == "B")
        #expect(ScoreSum.verdict(["Both are fine.", ""]) == nil)
    }

    static let criteria = "1. Correctness: is it right\n2. Clarity: is it easy to follow"

    /// Runs `bsm-sum` on the first judging example with `score` answering each criterion.
    func judge(_ score: @escaping @Sendable (_ a: String, _ b: String) -> String) async throws -> (MethodTrace, TaskExample, ScriptedModel) {
        let example = try #require(try ConsistencyUnderPerturbationTests.examples().first)
        let model = ScriptedModel { request, _ in
            guard request.userText.contains("[Response A]") else { return Self.criteria }
            let (a, b) = ConsistencyUnderPerturbationTests.responses(request)
            return "Both address the question.\n" + score(a, b)
        }
        let runner = MethodRunner(method: try MethodLibrary.builtin.method(named: "bsm-sum"), task: PairwiseJudgeTask())
        let trace = try await runner.run(model: model, example: example, parameters: SamplingParameters(maxTokens: 64, temperature: 0))
        return (trace, example, model)
    }

    @Test func aJudgeThatReadsTheResponsesGivesTheSameVerdictInBothOrders() async throws {
        // Prefers the alphabetically first response, wherever it is shown.
        let (trace, example, model) = try await judge { a, b in a < b ? "Response A: 5/5, Response B: 2/5" : "Response A: 2/5, Response B: 5/5" }
        let (a, b) = (example.responses.first ?? "", example.responses.last ?? "")
        #expect(!a.isEmpty && !b.isEmpty)
        #expect(trace.answer == (a < b ? "A" : "B"))
        // Two orders × (branch + one evaluation per criterion), and no merge call.
        #expect(trace.calls.count == 6 && trace.calls.allSatisfy { $0.step == "branch" || $0.step == "solve" })
        #expect(await model.requests.count == 6)
    }

    @Test func aJudgeThatFavoursAPositionIsATie() async throws {
        let (trace, _, _) = try await judge { _, _ in "Response A: 5/5, Response B: 1/5" }
        #expect(trace.answer == "tie")
    }

    @Test func theMethodFileRoundTripsAndScoreSumNeedsAForEachStep() throws {
        let method = try MethodLibrary.builtin.method(named: "bsm-sum")
        #expect(method.answerFrom == .scoreSum && method.bothOrders == true)
        #expect(try MethodYAML.parse(try MethodYAML.serialize(method), file: "bsm-sum.yaml") == method)
        // Methods without the new keys keep their content hash (runs made before resume).
        let bsm = try MethodLibrary.builtin.method(named: "bsm")
        let encoded = String(decoding: try JSONEncoder().encode(bsm), as: UTF8.self)
        #expect(bsm.bothOrders == nil && !encoded.contains("bothOrders"))
        let bad = "name: x\nanswer_from: score_sum\nsteps:\n  - name: only\n    prompt: \"{input}\"\n"
        #expect(throws: MethodError.self) { try MethodYAML.parse(bad, file: "x.yaml") }
    }
}
