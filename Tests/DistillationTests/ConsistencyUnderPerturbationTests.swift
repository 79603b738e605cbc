import Distillation
import Foundation
import Inference
import TestDoubles
import Testing
import TestSupport

/// The BSM paper's "% inconsistent": the judge's verdict when the two responses are swapped,
/// mapped back, against its verdict in the original order — on hand-made judges whose
/// inconsistency is known.
struct ConsistencyUnderPerturbationTests {
    static func examples() throws -> [TaskExample] {
        Array(try PairwiseJudgeTask.loadMTBench(path: TestFiles.packageRoot.appendingPathComponent("examples/data/pairwise-judge.jsonl").path).prefix(6))
    }

    /// The two responses of a judging prompt, in the order shown.
    static func responses(_ request: GenerationRequest) -> (a: String, b: String) {
        let text = request.userText
        let a = text.components(separatedBy: "[Response A]\n")[1].components(separatedBy: "\n\n[Response B]")[0]
        let b = text.components(separatedBy: "[Response B]\n")[1].components(separatedBy: "\n\n")[0]
        return (a, b)
    }

    func evaluate(_ judge: @escaping @Sendable (GenerationRequest) -> String) async throws -> SystemEvaluation {
        let task = PairwiseJudgeTask()
        let system = EvaluationSystem(name: "judge", method: try MethodLibrary.builtin.method(named: "system1"))
        let model = ScriptedModel { request, _ in judge(request) }
        let evaluator = Evaluator(task: task)
        let examples = try Self.examples()
        let plain = try await evaluator.evaluate(system, on: examples, model: model)
        return try await evaluator.withConsistency(plain, of: system, on: examples, model: model)
    }

    @Test func aJudgeThatAlwaysPicksTheFirstResponseIsInconsistentEverywhere() async throws {
        let r = try await evaluate { _ in "[[A]]" }
        let c = try #require(r.consistency)
        #expect(c.perturbation == "swap-responses")
        #expect(c.consistent.total == 6 && c.consistent.successes == 0 && c.inconsistent == 1)
        let table = MarkdownReport.resultsTable([r])
        #expect(table.contains("| inconsistent (swap-responses) |") && table.contains("| 100.0% of 6 |"), "\(table)")
    }

    @Test func aJudgeThatReadsTheResponsesNotTheirOrderIsConsistent() async throws {
        // Prefers the alphabetically first response, wherever it is shown.
        let r = try await evaluate { request in
            let (a, b) = Self.responses(request)
            return a < b ? "[[A]]" : "[[B]]"
        }
        let c = try #require(r.consistency)
        #expect(c.consistent.successes == 6 && c.inconsistent == 0)
    }

    @Test func anUnparsedAnswerCountsAsInconsistentAndTasksWithoutPerturbationsAreUnchanged() async throws {
        // Answers only when the responses are in alphabetical order: the swapped input of each
        // example then gets no verdict on one side or the other.
        let r = try await evaluate { request in
            let (a, b) = Self.responses(request)
            return a < b ? "[[A]]" : "I cannot tell."
        }
        #expect(r.consistency?.consistent.successes == 0)

        let coin = CoinFlipTask.generate(count: 3, seed: 1)
        let system = EvaluationSystem(name: "S1", method: try MethodLibrary.builtin.method(named: "system1"))
        let model = ScriptedModel { _, _ in "yes" }
        let plain = try await Evaluator(task: CoinFlipTask()).evaluate(system, on: coin, model: model)
        let same = try await Evaluator(task: CoinFlipTask()).withConsistency(plain, of: system, on: coin, model: model)
        #expect(same == plain && same.consistency == nil)
    }
}
