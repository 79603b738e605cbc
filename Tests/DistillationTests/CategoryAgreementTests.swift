import Distillation
import Foundation
import Inference
import TestDoubles
import Testing
import TestSupport

/// Agreement with human judges per MT-bench category: the loader names each judgment's category
/// (from `category`, or MT-bench's question id), and the evaluation breaks accuracy down by it.
struct CategoryAgreementTests {
    static func judgment(_ id: Int, winner: String, _ a: String, _ b: String) -> String {
        #"{"question_id": \#(id), "model_a": "x", "model_b": "y", "winner": "\#(winner)", "conversation_a": [{"role": "user", "content": "Q\#(id)"}, {"role": "assistant", "content": "\#(a)"}], "conversation_b": [{"role": "user", "content": "Q\#(id)"}, {"role": "assistant", "content": "\#(b)"}]}"#
    }

    @Test func accuracyIsBrokenDownByMTBenchCategory() async throws {
        #expect(PairwiseJudgeTask.mtBenchCategory(ofQuestion: 81) == "writing")
        #expect(PairwiseJudgeTask.mtBenchCategory(ofQuestion: 120) == "math")
        #expect(PairwiseJudgeTask.mtBenchCategory(ofQuestion: 160) == "humanities")
        #expect(PairwiseJudgeTask.mtBenchCategory(ofQuestion: 161) == nil)
        let directory = try TestFiles.temporaryDirectory("s2d-categories")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("judgments.jsonl")
        // The humans prefer "good" every time; the judge below always says A.
        let lines = [
            Self.judgment(81, winner: "model_b", "bad", "good"),  // writing: the judge disagrees
            Self.judgment(111, winner: "model_a", "good", "bad"),  // math: agrees
            Self.judgment(112, winner: "model_a", "good", "bad"),  // math: agrees
            #"{"question_id": 7, "category": "coding", "model_a": "x", "model_b": "y", "winner": "model_a", "conversation_a": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "good"}], "conversation_b": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "bad"}]}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let examples = try PairwiseJudgeTask.loadMTBench(path: file.path)
        #expect(examples.map { $0.fields["category"] } == ["writing", "math", "math", "coding"])

        let system = EvaluationSystem(name: "judge", method: try MethodLibrary.builtin.method(named: "system1"))
        let r = try await Evaluator(task: PairwiseJudgeTask()).evaluate(system, on: examples, model: ScriptedModel { _, _ in "[[A]]" })
        let byCategory = try #require(r.byCategory)
        #expect(byCategory["writing"]?.successes == 0 && byCategory["writing"]?.total == 1)
        #expect(byCategory["math"]?.successes == 2 && byCategory["math"]?.total == 2)
        #expect(byCategory["coding"]?.successes == 1)

        let report = MarkdownReport.render(RunReport(
            configuration: EndToEndConfiguration(task: "pairwise-judge", teachExamples: 0),
            eval: EvalStats(task: "pairwise-judge", systems: [r], router: [], verdict: nil, cost: StageCost(stage: "eval", seconds: 0, modelCalls: 0, tokens: 0))))
        #expect(report.contains("### By category") && report.contains("| math | 100.0%"), "\(report)")
    }
}
