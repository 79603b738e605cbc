import Inference

/// Everything curation learned about one input.
public struct CurationResult: Sendable, Hashable, Codable {
    /// The verdict (after the perturbation check when one was asked for).
    public var decision: CurationDecision
    /// The samples drawn on the input, in index order.
    public var traces: [MethodTrace]
    /// Per perturbation: its name, its vote, and its samples.
    public var perturbations: [PerturbationRun]
    /// Samples not drawn on the input because adaptive voting stopped early.
    public var samplesSaved: Int
    /// The distill.jsonl line when accepted.
    public var record: TrainingRecord?
    /// The universal self-consistency selection call, when the decision was made by one.
    public var selection: CallRecord? = nil

    /// One perturbed input's vote.
    public struct PerturbationRun: Sendable, Hashable, Codable {
        /// The perturbation's name (`swap-responses`, `shuffle-options[…]`).
        public var name: String
        /// The vote on the perturbed input, in its own terms (not mapped back).
        public var decision: CurationDecision
        /// The samples on the perturbed input.
        public var traces: [MethodTrace]
    }

    /// Generated tokens over every sample, perturbed inputs included.
    public var generatedTokens: Int {
        (traces + perturbations.flatMap(\.traces)).reduce(0) { $0 + $1.generatedTokens } + (selection?.generatedTokens ?? 0)
    }
}

/// The label-free curation of one input: sample a System 2 method N times, vote (optionally
/// stopping early), and optionally require the vote winner to survive the task's perturbations.
public struct Curator: Sendable {
    /// The System 2 method bound to its task.
    public var runner: MethodRunner
    /// N and the agreement threshold.
    public var policy: ConsistencyPolicy
    /// Stop sampling once the vote's outcome is fixed; samples are drawn `chunk` at a time.
    public var adaptive: Bool
    /// Samples per request in adaptive mode (1 saves the most calls, larger batches better).
    public var chunk: Int
    /// Also vote on each perturbed input (same policy) and require the mapped-back winners to agree.
    public var checkPerturbations: Bool
    /// The System 1 method whose prompt the training record uses (the built-in when nil).
    public var system1: Method?
    /// When set, the input's answer is chosen by universal self-consistency (the model picks the
    /// most consistent sample) instead of the vote; perturbed inputs are still voted on.
    public var universal: UniversalSelfConsistency?

    public init(
        runner: MethodRunner, policy: ConsistencyPolicy, adaptive: Bool = false, chunk: Int = 1,
        checkPerturbations: Bool = false, system1: Method? = nil, universal: UniversalSelfConsistency? = nil
    ) {
        self.runner = runner
        self.policy = policy
        self.adaptive = adaptive
        self.chunk = max(1, chunk)
        self.checkPerturbations = checkPerturbations
        self.system1 = system1
        self.universal = universal
    }

    /// Curates `example`. `seed` in `parameters` is the run seed the samples' seeds are derived
    /// from (`SampleSeed`: per input id and sample index); the task's perturbations are made
    /// with seed + 1000 and sampled like any input, under their own ids.
    public func curate(model: any LanguageModel, example: TaskExample, parameters: SamplingParameters) async throws -> CurationResult {
        let task = runner.task
        var (vote, traces) = try await sampleAndVote(model: model, example: example, parameters: parameters)
        var selection: CallRecord?
        if let universal {
            let u = try await universal.decide(model: model, task: task, example: example, traces: traces, adapter: runner.adapter)
            vote = u.decision
            selection = u.selection?.call
        }
        var decision = vote
        var runs: [CurationResult.PerturbationRun] = []
        if checkPerturbations, vote.isAccepted {
            let perturbed = task.perturbations(of: example, seed: parameters.seed &+ 1000)
            var answers: [(perturbation: Perturbation, answer: String?)] = []
            for p in perturbed {
                let (d, t) = try await sampleAndVote(model: model, example: p.example, parameters: parameters)
                runs.append(.init(name: p.name, decision: d, traces: t))
                answers.append((p, d.answer))
            }
            decision = PerturbationConsistency.check(vote: vote, perturbed: answers, task: task)
        }
        let record = try decision.answer.map { try TrainingRecord(task: task, example: example, answer: $0, system1: system1) }
        return CurationResult(
            decision: decision, traces: traces, perturbations: runs,
            samplesSaved: adaptive ? policy.samples - traces.count : 0, record: record, selection: selection)
    }

    func sampleAndVote(model: any LanguageModel, example: TaskExample, parameters: SamplingParameters) async throws -> (CurationDecision, [MethodTrace]) {
        let task = runner.task
        if !adaptive {
            let traces = try await runner.samples(model: model, example: example, parameters: parameters, count: policy.samples)
            return (SelfConsistency.vote(traces.map(\.answer), task: task, policy: policy), traces)
        }
        var traces: [MethodTrace] = []
        let (decision, _) = try await AdaptiveVote.run(policy: policy, chunk: chunk) { range in
            let t = try await runner.samples(model: model, example: example, parameters: parameters, indices: range)
            traces += t
            return t.map { $0.answer.map(task.voteKey) }
        }
        return (decision, traces)
    }
}
