import Foundation
import Inference

/// `s2d eval` without a distillation run: System 1 and System 2 of a task on a labeled split,
/// plus distilled System 1 when an adapter is given, with the verdict and both router curves.
public struct EvaluationPlan: Sendable {
    /// The task of the labeled examples.
    public var task: any DistillationTask
    /// The System 2 method.
    public var method: Method
    /// System 2: 1 = greedy, k = majority over k samples at `temperature`.
    public var system2Samples: Int
    public var temperature: Double
    /// Token bound of System 2's calls.
    public var maxTokens: Int
    /// The adapter name System 1 and System 2 use (a taught model); nil is the base model.
    public var teacherAdapter: String?
    /// The adapter name of distilled System 1; nil leaves that row out.
    public var distilledAdapter: String?
    /// System 2 runs on a separate teacher model (`evaluate(on:model:teacher:)`), System 1 and
    /// distilled System 1 on the student, as `s2d distill --teacher` evaluates.
    public var separateTeacher: Bool
    /// Seed of every sample.
    public var seed: UInt64

    public init(
        task: any DistillationTask, method: Method, system2Samples: Int = 1, temperature: Double = 0.7, maxTokens: Int = 120,
        teacherAdapter: String? = nil, distilledAdapter: String? = nil, separateTeacher: Bool = false, seed: UInt64 = 0
    ) {
        self.separateTeacher = separateTeacher
        self.task = task
        self.method = method
        self.system2Samples = max(1, system2Samples)
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.teacherAdapter = teacherAdapter
        self.distilledAdapter = distilledAdapter
        self.seed = seed
    }

    /// The rows: System 1, System 2, and distilled System 1 when an adapter is given. With a
    /// teacher adapter, the base model's System 1 comes first: it is the fast baseline, since a
    /// taught model may write its reasoning even under the System 1 prompt. With a separate
    /// teacher: student System 1, teacher System 2, distilled System 1.
    public func systems() throws -> [EvaluationSystem] {
        let system1 = MethodLibrary.system1(for: task.answerKind)
        let system2Name = "System 2 (\(method.name)\(system2Samples > 1 ? ", maj@\(system2Samples)" : ""))"
        var out: [EvaluationSystem] = []
        if separateTeacher {
            out = [
                EvaluationSystem(name: "Student System 1", method: system1, adapter: nil, maxTokens: 48, withConfidence: true),
                EvaluationSystem(
                    name: "Teacher " + system2Name, method: method, samples: system2Samples, temperature: temperature, maxTokens: maxTokens,
                    onTeacher: true),
            ]
        } else {
            if teacherAdapter != nil {
                out.append(EvaluationSystem(name: "Base System 1", method: system1, adapter: nil, maxTokens: 48, withConfidence: true))
            }
            out += [
                EvaluationSystem(
                    name: teacherAdapter != nil ? "System 1 (taught)" : "System 1", method: system1, adapter: teacherAdapter, maxTokens: 48,
                    withConfidence: true),
                EvaluationSystem(
                    name: system2Name, method: method, adapter: teacherAdapter, samples: system2Samples, temperature: temperature,
                    maxTokens: maxTokens),
            ]
        }
        if let distilledAdapter {
            out.append(EvaluationSystem(
                name: "Distilled System 1", method: system1, adapter: distilledAdapter, temperature: temperature, maxTokens: 48,
                withConfidence: true, agreementSamples: 2))
        }
        return out
    }

    /// Evaluates every system on `examples` (those with a gold answer) through `model` (System 2
    /// through `teacher` with `separateTeacher`), with the task's own metrics where it has them
    /// (% inconsistent under its perturbation, accuracy without the bias); the verdict and
    /// router curves need the distilled row. `log` gets one line per system.
    public func evaluate(
        on examples: [TaskExample], model: any LanguageModel, teacher: (any LanguageModel)? = nil,
        log: @Sendable (String) -> Void = { _ in }
    ) async throws -> EvalStats {
        if separateTeacher, teacher == nil {
            throw PipelineError.invalidOption(name: "--teacher", reason: "the plan evaluates System 2 on a teacher model, and none was given")
        }
        let start = ContinuousClock.now
        let evaluator = Evaluator(task: task, seed: seed)
        var results: [SystemEvaluation] = []
        var reused: Set<Int> = []
        for system in try systems() {
            var r: SystemEvaluation
            let system1 = MethodLibrary.system1(for: task.answerKind).name
            if !system.onTeacher, system.method.name == system1, system.samples == 1,
               let same = results.last(where: { $0.method == system1 && $0.adapter == system.adapter }) {
                // `--method system1`: System 2 is System 1 on the same model; evaluating it again
                // would only double the calls.
                r = same
                r.name = system.name
                reused.insert(results.count)
            } else {
                r = try await evaluator.evaluateWithTaskMetrics(system, on: examples, model: system.onTeacher ? teacher ?? model : model)
            }
            log("eval: " + r.summaryLine)
            results.append(r)
        }
        var router: [Router.Point] = []
        var agreementRouter: [Router.Point]?
        var verdict: DistillabilityVerdict?
        if distilledAdapter != nil, let distilled = results.last {
            let system2 = results[results.count - 2]
            router = Router.sweep(system1: distilled.predictions, system2: system2.predictions)
            agreementRouter = Router.sweep(system1: distilled.predictions, system2: system2.predictions, signal: .agreement)
            verdict = DistillabilityVerdict(task: task.name, system1: results[0], system2: system2, distilled: distilled)
        }
        let evaluated = results.indices.filter { !reused.contains($0) }.map { results[$0] }
        let tokens = evaluated.reduce(0) { $0 + $1.predictions.reduce(0) { $0 + $1.generatedTokens + ($1.agreementTokens ?? 0) } }
        let calls = evaluated.reduce(0) { $0 + $1.predictions.reduce(0) { $0 + $1.calls } }
        return EvalStats(
            task: task.name, systems: results, router: router, agreementRouter: agreementRouter, verdict: verdict,
            cost: StageCost(stage: "eval", seconds: Evaluator.seconds(since: start), modelCalls: calls, tokens: tokens))
    }
}
