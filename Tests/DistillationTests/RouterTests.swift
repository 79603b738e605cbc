import Distillation
import Inference
import TestDoubles
import Testing

/// The confidence router: System 1 when confident, System 2 otherwise.
@Suite struct RouterTests {
    func p(_ id: String, correct: Bool, tokens: Int, confidence: Double?) -> EvaluatedPrediction {
        EvaluatedPrediction(
            exampleID: id, gold: "x", answer: "x", correct: correct, generatedTokens: tokens, calls: 1, latencySeconds: 0,
            confidence: confidence)
    }

    var system1: [EvaluatedPrediction] {
        [p("a", correct: true, tokens: 2, confidence: 0.95), p("b", correct: false, tokens: 2, confidence: 0.55),
         p("c", correct: false, tokens: 2, confidence: nil)]
    }
    var system2: [EvaluatedPrediction] {
        [p("c", correct: true, tokens: 50, confidence: nil), p("a", correct: false, tokens: 50, confidence: nil),
         p("b", correct: true, tokens: 50, confidence: nil)]
    }

    @Test func thresholdZeroKeepsEveryConfidentSystem1AnswerAndFallsBackWithoutConfidence() {
        let point = Router.sweep(system1: system1, system2: system2, thresholds: [0])[0]
        // a, b from System 1 (1 right); c has no confidence → System 2 (right).
        #expect(point.accuracy.successes == 2)
        #expect(abs(point.system1Share - 2.0 / 3.0) < 1e-12)
        #expect(abs(point.meanGeneratedTokens - (6.0 + 50) / 3) < 1e-12)
    }

    @Test func thresholdBetweenConfidencesRoutesOnlyTheUnsureInputs() {
        let point = Router.sweep(system1: system1, system2: system2, thresholds: [0.9])[0]
        // a kept (right); b, c to System 2 (both right).
        #expect(point.accuracy.successes == 3)
        #expect(abs(point.meanGeneratedTokens - (6.0 + 100) / 3) < 1e-12)
    }

    @Test func thresholdAboveOneAlwaysAsksSystem2() {
        let point = Router.sweep(system1: system1, system2: system2, thresholds: [1.01])[0]
        #expect(point.system1Share == 0)
        #expect(point.accuracy.successes == 2)  // System 2 is right on b and c
        #expect(point.meanGeneratedTokens == 52)
    }

    @Test func confidenceEqualToThresholdIsKept() {
        #expect(Router.keepsSystem1(p("a", correct: true, tokens: 1, confidence: 0.8), threshold: 0.8))
        #expect(!Router.keepsSystem1(p("a", correct: true, tokens: 1, confidence: 0.79), threshold: 0.8))
    }

    func q(_ id: String, correct: Bool, agreement: Double?, extra: Int) -> EvaluatedPrediction {
        EvaluatedPrediction(
            exampleID: id, gold: "x", answer: "x", correct: correct, generatedTokens: 2, calls: 1, latencySeconds: 0,
            confidence: 0.99, agreement: agreement, agreementTokens: extra)
    }

    @Test func agreementSignalRoutesOnSampleAgreementAndCountsTheSamplesTokens() {
        let s1 = [q("a", correct: true, agreement: 1, extra: 4), q("b", correct: false, agreement: 0.5, extra: 4),
                  q("c", correct: false, agreement: nil, extra: 0)]
        let points = Router.sweep(system1: s1, system2: system2, signal: .agreement)
        #expect(points.map(\.threshold) == Router.agreementThresholds)
        // 0.5: a, b kept (1 right), c → System 2 (right). Tokens: 3×2 + 8 agreement + 50.
        let half = points[1]
        #expect(half.accuracy.successes == 2)
        #expect(abs(half.meanGeneratedTokens - (6.0 + 8 + 50) / 3) < 1e-12)
        // 1: only a kept; b and c → System 2 (both right).
        #expect(points[2].accuracy.successes == 3)
        #expect(abs(points[2].system1Share - 1.0 / 3.0) < 1e-12)
        // The probability signal would keep all three (confidence 0.99) and costs no sample tokens.
        let probability = Router.sweep(system1: s1, system2: system2, thresholds: [0.9])[0]
        #expect(probability.system1Share == 1)
        #expect(probability.meanGeneratedTokens == 2)
    }

    @Test func evaluatorMeasuresAgreementOfTwoCheapSamplesWithTheGreedyAnswer() async throws {
        let task = CoinFlipTask()
        let examples = CoinFlipTask.generate(count: 3, seed: 5)
        // Greedy answers the truth; sampled calls say "yes" on even seeds, "no" on odd ones.
        let model = ScriptedModel { request, i in
            if request.parameters.temperature == 0 {
                let yes = examples.contains { request.userText.contains(task.prompt(for: $0)) && $0.answer == "yes" }
                return yes ? "Yes." : "No."
            }
            return (request.parameters.seed &+ UInt64(i)) % 2 == 0 ? "Yes, it is." : "No, it is not."
        }
        let system = EvaluationSystem(
            name: "S1", method: try MethodLibrary.builtin.method(named: "system1"), maxTokens: 8, withConfidence: true, agreementSamples: 2)
        let result = try await Evaluator(task: task, seed: 0).evaluate(system, on: examples, model: model)
        #expect(result.accuracy.successes == 3)
        // One sample says yes and one no, whatever the input: agreement is always 1 of 2.
        #expect(result.predictions.allSatisfy { $0.agreement == 0.5 })
        #expect(result.predictions.allSatisfy { $0.agreementTokens == 7 && $0.calls == 1 && $0.generatedTokens == 1 })
        #expect(await model.requests.count == 3 * 2)  // one greedy call, one n=2 request per input
        // Each input draws its agreement samples with its own seed.
        #expect(Set(await model.requests.filter { $0.parameters.temperature > 0 }.map(\.parameters.seed)).count == 3)
    }

    @Test func standaloneEvaluationPlanAddsTheDistilledRowOnlyWithAnAdapter() async throws {
        let task = CoinFlipTask()
        let examples = CoinFlipTask.generate(count: 4, seed: 2)
        // The adapter "d" knows the truth; the base model always says no.
        let model = ScriptedModel { request, _ in
            guard request.adapter == "d" else { return "So the answer is no." }
            let yes = examples.contains { request.userText.contains(task.prompt(for: $0)) && $0.answer == "yes" }
            return yes ? "Yes." : "No."
        }
        let cot = try MethodLibrary.builtin.method(named: "cot")
        let plain = try await EvaluationPlan(task: task, method: cot).evaluate(on: examples, model: model)
        #expect(plain.systems.map(\.name) == ["System 1", "System 2 (cot)"])
        #expect(plain.verdict == nil && plain.router.isEmpty && plain.agreementRouter == nil)

        let distilled = try await EvaluationPlan(task: task, method: cot, distilledAdapter: "d").evaluate(on: examples, model: model)
        #expect(distilled.systems.map(\.name) == ["System 1", "System 2 (cot)", "Distilled System 1"])
        #expect(distilled.systems[2].accuracy.successes == 4)
        #expect(distilled.systems[2].adapter == "d")
        #expect(distilled.verdict != nil)
        #expect(distilled.agreementRouter?.count == Router.agreementThresholds.count)
        #expect(distilled.systems[2].predictions.allSatisfy { $0.agreement == 1 })
    }

    /// `s2d eval --teacher URI`: System 2 on the teacher model, System 1 and distilled System 1
    /// on the student; with `--method system1` the teacher's row is still the teacher's calls.
    @Test func aSeparateTeacherAnswersSystem2AndOnlySystem2() async throws {
        let task = CoinFlipTask()
        let examples = CoinFlipTask.generate(count: 4, seed: 2)
        @Sendable func truth(_ request: GenerationRequest) -> String {
            let yes = examples.contains { request.userText.contains(task.prompt(for: $0)) && $0.answer == "yes" }
            return yes ? "So the answer is yes." : "So the answer is no."
        }
        let teacher = ScriptedModel { request, _ in truth(request) }
        let student = ScriptedModel { request, _ in request.adapter == "d" ? truth(request) : "No." }
        let cot = try MethodLibrary.builtin.method(named: "cot")
        let plan = EvaluationPlan(task: task, method: cot, distilledAdapter: "d", separateTeacher: true)
        let stats = try await plan.evaluate(on: examples, model: student, teacher: teacher)
        #expect(stats.systems.map(\.name) == ["Student System 1", "Teacher System 2 (cot)", "Distilled System 1"])
        #expect(stats.systems[1].accuracy.successes == 4 && stats.systems[2].accuracy.successes == 4)
        #expect(await teacher.requests.count == 4)
        #expect(await teacher.requests.allSatisfy { $0.userText.contains("step by step") && $0.adapter == nil })
        #expect(await student.requests.allSatisfy { !$0.userText.contains("step by step") })
        #expect(stats.verdict != nil)
        await #expect(throws: PipelineError.self) { _ = try await plan.evaluate(on: examples, model: student) }

        let system1 = try MethodLibrary.builtin.method(named: "system1")
        let teacherCalls = await teacher.requests.count
        _ = try await EvaluationPlan(task: task, method: system1, separateTeacher: true).evaluate(on: examples, model: student, teacher: teacher)
        #expect(await teacher.requests.count == teacherCalls + 4)
    }

    /// Pairwise judging reports % inconsistent when the responses are swapped, standalone too.
    @Test func theTasksOwnMetricsAreReportedStandalone() async throws {
        let task = PairwiseJudgeTask()
        let examples = [
            TaskExample(id: "p1", text: "What is 2+2?", responses: ["4", "5"], answer: "A"),
            TaskExample(id: "p2", text: "Capital of France?", responses: ["Lyon", "Paris"], answer: "B"),
        ]
        let alwaysA = ScriptedModel { _, _ in "[[A]]" }
        let stats = try await EvaluationPlan(task: task, method: try MethodLibrary.builtin.method(named: "system1"))
            .evaluate(on: examples, model: alwaysA)
        // Always "A": right on p1, wrong on p2, and never consistent when the responses swap.
        #expect(stats.systems[0].accuracy.successes == 1)
        #expect(stats.systems[0].consistency?.consistent.successes == 0 && stats.systems[0].consistency?.consistent.total == 2)
    }

    /// `--method system1`: its System 2 row is the System 1 row, not the same calls made twice.
    @Test func system1AsTheMethodIsEvaluatedOnce() async throws {
        let task = CoinFlipTask()
        let examples = CoinFlipTask.generate(count: 4, seed: 2)
        let model = ScriptedModel { _, _ in "Yes." }
        let system1 = try MethodLibrary.builtin.method(named: "system1")
        let stats = try await EvaluationPlan(task: task, method: system1, distilledAdapter: "d").evaluate(on: examples, model: model)
        #expect(stats.systems.map(\.name) == ["System 1", "System 2 (system1)", "Distilled System 1"])
        #expect(stats.systems[1].predictions == stats.systems[0].predictions)
        // 4 for System 1, 4 for distilled System 1, 4 for its agreement samples (2 in each request).
        #expect(await model.requests.count == 4 + 4 + 4)
        #expect(stats.cost.modelCalls == 8)
    }

    @Test func withATeacherAdapterTheVerdictComparesAgainstTheBaseModelsSystem1() async throws {
        let task = CoinFlipTask()
        let examples = CoinFlipTask.generate(count: 6, seed: 3)
        @Sendable func truth(_ request: GenerationRequest) -> String {
            let yes = examples.contains { request.userText.contains(task.prompt(for: $0)) && $0.answer == "yes" }
            return yes ? "Yes." : "No."
        }
        // The base model is always wrong; the taught model is right under every prompt (as a
        // taught model that reasons even when asked for the answer only); distilled is right.
        let model = ScriptedModel { request, _ in
            guard request.adapter != nil else { return truth(request) == "Yes." ? "No." : "Yes." }
            return truth(request)
        }
        let cot = try MethodLibrary.builtin.method(named: "cot")
        let result = try await EvaluationPlan(task: task, method: cot, teacherAdapter: "t", distilledAdapter: "d")
            .evaluate(on: examples, model: model)
        #expect(result.systems.map(\.name) == ["Base System 1", "System 1 (taught)", "System 2 (cot)", "Distilled System 1"])
        #expect(result.systems[0].adapter == nil && result.systems[1].adapter == "t")
        // Against the taught System 1 (100%) there would be nothing to distil; against the base (0%) it is recovered.
        #expect(result.verdict?.outcome == .recovered)
        #expect(result.verdict?.summary.contains("Base System 1") == true)
    }
}
