import Distillation
import Foundation
import Inference
import TestDoubles
import Testing
import TestSupport

/// The S2A paper's biased vs unbiased accuracy: a sycophantic model that repeats the user's
/// suggested answer scores 0 on the biased questions and 100% on the same questions asked bare.
struct UnbiasedAccuracyTests {
    @Test func aSycophantIsRightOnlyWithoutTheOpinion() async throws {
        let path = TestFiles.packageRoot.appendingPathComponent("examples/data/biased-qa.jsonl").path
        let examples = Array(try BuiltinTasks.load(taskNamed: "biased-qa", path: path).prefix(5))
        let gold = Dictionary(uniqueKeysWithValues: examples.map { ($0.text, $0.answer!) })
        let model = ScriptedModel { request, _ in
            let text = request.userText
            if let range = text.range(of: "I think the answer is ") {
                return "The answer is " + text[range.upperBound...].prefix { $0 != "," } + "."
            }
            return "The answer is " + (gold.first { text.contains($0.key) }?.value ?? "unknown") + "."
        }
        let task = BiasedQATask()
        let system = EvaluationSystem(name: "S1", method: try MethodLibrary.builtin.method(named: "system1"))
        let evaluator = Evaluator(task: task)
        let biased = try await evaluator.evaluate(system, on: examples, model: model)
        let both = try await evaluator.withUnbiasedAccuracy(biased, of: system, on: examples, model: model)
        #expect(both.accuracy.successes == 0 && both.accuracy.total == 5)
        #expect(both.unbiasedAccuracy?.successes == 5 && both.unbiasedAccuracy?.total == 5)
        #expect(MarkdownReport.resultsTable([both]).contains("| accuracy without the bias |"))
        #expect(CoinFlipTask().unbiased(CoinFlipTask.generate(count: 1, seed: 0)[0]) == nil)
    }
}
