import Foundation
import Inference

/// Runs systems on a labeled split through a `LanguageModel`, all inputs concurrently (the
/// embedded engine batches them), and scores the parsed answers against the gold ones.
public struct Evaluator: Sendable {
    public var task: any DistillationTask
    /// The run seed of the samples: sample j of input x of a k-sample system uses
    /// `SampleSeed.seed(runSeed: seed, inputID: x.id, sampleIndex: j)`.
    public var seed: UInt64

    public init(task: any DistillationTask, seed: UInt64 = 0) {
        self.task = task
        self.seed = seed
    }

    /// `system` on every example (examples without a gold answer are skipped).
    public func evaluate(_ system: EvaluationSystem, on examples: [TaskExample], model: any LanguageModel) async throws -> SystemEvaluation {
        let labeled = examples.filter { $0.answer != nil }
        let start = ContinuousClock.now
        let predictions = try await labeled.concurrentMap { try await predict(system, example: $0, model: model) }
        return SystemEvaluation(
            name: system.name, method: system.method.name, adapter: system.adapter, samples: system.samples,
            predictions: predictions, wallSeconds: Self.seconds(since: start)
        ).withCategories(labeled.map { $0.fields["category"] })
    }

    /// One input: a single greedy call (with log-probabilities when asked) or k samples and a vote.
    func predict(_ system: EvaluationSystem, example: TaskExample, model: any LanguageModel) async throws -> EvaluatedPrediction {
        let gold = example.answer ?? ""
        let runner = MethodRunner(method: system.method, task: task, adapter: system.adapter)
        let start = ContinuousClock.now
        if system.samples == 1, system.withConfidence, system.method.steps.count == 1, let step = system.method.steps.first {
            var p = step.parameters(from: SamplingParameters.greedy(maxTokens: system.maxTokens))
            p.temperature = 0
            p.seed = seed
            p.logprobs = true
            let prompt = try runner.prompt(for: step, variables: task.templateVariables(for: example))
            let response = try await model.generate(GenerationRequest(prompt: prompt, n: 1, parameters: p, adapter: system.adapter))
            let c = response.completions.first
            let text = c?.text ?? ""
            let answer = task.parseAnswer(text, for: example)
            let confidence = c?.logprobs.map { tokens in exp(tokens.reduce(0.0) { sum, t in sum + t.logprob }) }
            // The answer's own cost; the agreement samples are the router's, counted apart.
            let latency = Self.seconds(since: start)
            var agreement: Double?
            var agreementTokens: Int?
            if system.agreementSamples > 0 {
                // Seeds per input, as for every sample (`SampleSeed`), from a run seed offset from
                // the k-sample systems' so the two kinds of samples do not share streams.
                let params = SamplingParameters(maxTokens: system.maxTokens, temperature: system.temperature, seed: seed &+ 1000)
                let traces = try await runner.samples(model: model, example: example, parameters: params, count: system.agreementSamples)
                let agreeing = traces.filter { t in
                    guard let a = t.answer, let answer else { return false }
                    return task.answersMatch(task.voteKey(a), task.voteKey(answer))
                }.count
                agreement = Double(agreeing) / Double(traces.count)
                agreementTokens = traces.reduce(0) { $0 + $1.generatedTokens }
            }
            return EvaluatedPrediction(
                exampleID: example.id, gold: gold, answer: answer, correct: answer.map { task.isCorrect($0, for: example) } ?? false,
                generatedTokens: c?.generatedTokens ?? 0, calls: 1, latencySeconds: latency,
                confidence: confidence, output: text, agreement: agreement, agreementTokens: agreementTokens)
        }
        var params = SamplingParameters(maxTokens: system.maxTokens, temperature: system.samples == 1 ? 0 : system.temperature, seed: seed)
        if system.samples == 1 { params.temperature = 0 }
        let traces = try await runner.samples(model: model, example: example, parameters: params, count: system.samples)
        let tally = VoteTally(answers: traces.map { $0.answer.map(task.voteKey) })
        let answer = tally.entries.first?.answer
        let tokens = traces.reduce(0) { $0 + $1.calls.reduce(0) { $0 + $1.generatedTokens } }
        let calls = traces.reduce(0) { $0 + $1.calls.count }
        return EvaluatedPrediction(
            exampleID: example.id, gold: gold, answer: answer, correct: answer.map { task.isCorrect($0, for: example) } ?? false,
            generatedTokens: tokens, calls: calls, latencySeconds: Self.seconds(since: start),
            confidence: system.samples > 1 ? Double(tally.entries.first?.votes ?? 0) / Double(system.samples) : nil,
            output: traces.first?.finalOutput ?? "")
    }

    /// `system` on `examples` with the task's own metrics where it has them: consistency under
    /// its perturbation (`withConsistency`) and accuracy without the bias (`withUnbiasedAccuracy`).
    public func evaluateWithTaskMetrics(_ system: EvaluationSystem, on examples: [TaskExample], model: any LanguageModel) async throws -> SystemEvaluation {
        let r = try await evaluate(system, on: examples, model: model)
        return try await withUnbiasedAccuracy(try await withConsistency(r, of: system, on: examples, model: model), of: system, on: examples, model: model)
    }

    /// `evaluation` (of `system` on `examples`) with its consistency under the task's first
    /// perturbation of each input: `system` answers the perturbed inputs too (one more prediction
    /// per input). Unchanged when the task perturbs none of them.
    public func withConsistency(
        _ evaluation: SystemEvaluation, of system: EvaluationSystem, on examples: [TaskExample], model: any LanguageModel
    ) async throws -> SystemEvaluation {
        let answers = Dictionary(evaluation.predictions.map { ($0.exampleID, $0.answer) }, uniquingKeysWith: { first, _ in first })
        let perturbed = examples.filter { $0.answer != nil }.compactMap { example in
            task.perturbations(of: example, seed: seed).first.map { (example, $0) }
        }
        guard !perturbed.isEmpty else { return evaluation }
        let consistent = try await perturbed.concurrentMap { example, perturbation in
            let prediction = try await predict(system, example: perturbation.example, model: model)
            return PerturbationConsistency.check(original: answers[example.id] ?? nil, perturbed: [(perturbation, prediction.answer)], task: task).isAccepted
        }
        var result = evaluation
        result.consistency = ConsistencyUnderPerturbation(
            perturbation: ConsistencyUnderPerturbation.kind(of: perturbed[0].1.name),
            consistent: ProportionEstimate(successes: consistent.filter { $0 }.count, total: consistent.count))
        return result
    }

    /// `evaluation` with `system`'s accuracy on the unbiased form of each input
    /// (`DistillationTask.unbiased`); unchanged when the task has none.
    public func withUnbiasedAccuracy(
        _ evaluation: SystemEvaluation, of system: EvaluationSystem, on examples: [TaskExample], model: any LanguageModel
    ) async throws -> SystemEvaluation {
        let unbiased = examples.filter { $0.answer != nil }.compactMap(task.unbiased)
        guard !unbiased.isEmpty else { return evaluation }
        var result = evaluation
        result.unbiasedAccuracy = try await evaluate(system, on: unbiased, model: model).accuracy
        return result
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
