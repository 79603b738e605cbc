import Foundation
import Inference

/// One line of `rejected.jsonl`: an input curation did not keep, and why.
public struct RejectedRecord: Sendable, Hashable, Codable {
    /// The input's position in the run.
    public var index: Int
    /// The input's `TaskExample.id`.
    public var id: String
    /// The input as the task asks it.
    public var input: String
    /// Why it was rejected, in words.
    public var reason: String
    /// The kind of rejection (see `Rejection.kind`).
    public var kind: String
    /// The vote the decision was made on.
    public var vote: VoteTally
}

/// What one invocation of the curate stage did.
public struct CurateReport: Sendable, Hashable, Codable {
    /// The statistics written to stats.json.
    public var stats: CurationStats
    /// Paths of the exports.
    public var distillFile: String
    public var rejectedFile: String
    public var statsFile: String
    /// The accepted inputs' winning System 2 outputs (`CuratedRationale`); nil in reports from
    /// before the file existed.
    public var rationalesFile: String?
    /// Model calls made by this invocation: 0 for the vote; universal self-consistency's
    /// selection calls not already in the run store.
    public var modelCalls: Int
}

/// How the curate stage decides an input's answer.
public enum CurationMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Self-consistency vote: the most frequent answer, if it reaches the threshold without a tie.
    case vote
    /// Universal self-consistency: the model picks the most consistent of the N free-form
    /// responses (for answers that do not vote by string equality); its calls go through the run store.
    case usc

    /// Why answers of `kind` cannot be curated this way, or nil. Responses (`.response`, whole
    /// free-form texts) rarely agree word for word, so counting them as votes — the vote
    /// itself, adaptive voting, the perturbation check — would keep almost nothing: they are
    /// curated by universal self-consistency only.
    public func refusal(answerKind kind: AnswerKind, adaptive: Bool = false, perturb: Bool = false) -> PipelineError? {
        guard kind == .response else { return nil }
        let why = "answers of kind response (free-form texts) rarely agree word for word"
        if perturb { return .invalidOption(name: "--perturb", reason: "\(why), so a perturbation cannot be checked by a vote") }
        if adaptive { return .invalidOption(name: "--adaptive", reason: "\(why), so no vote is decided early") }
        if self == .vote { return .invalidOption(name: "--curation", reason: "\(why): curate them with --curation usc, which trains on the response the model chose") }
        return nil
    }
}

/// The curate stage: votes over each input's stored samples, keeps inputs whose answer wins
/// with at least `minAgreement` of N, and writes the exports atomically and deterministically,
/// in input order: `distill.jsonl` (System 1 prompt → final answer only), `rationales.jsonl`
/// (the same records with the System 2 output that won, for stepwise internalization),
/// `rejected.jsonl`, `stats.json`.
public struct CurateStage: Sendable {
    /// The stage's name in the stages table.
    public static let name = "curate"
    /// The export file names in the run directory.
    public static let distillFileName = "distill.jsonl"
    public static let rejectedFileName = "rejected.jsonl"
    public static let statsFileName = "stats.json"

    /// The run.
    public let run: DistillationRun
    /// The agreement threshold used (by the vote).
    public let minAgreement: Double
    /// Vote, or universal self-consistency.
    public let mode: CurationMode
    /// The selection prompt and token bound of `.usc`.
    public let universal: UniversalSelfConsistency
    /// Selection calls in flight at once in `.usc` mode (a batching model's occupancy).
    public var concurrency: Int

    /// Curation of `run` with `minAgreement` (the run's own threshold when nil). A run whose
    /// results depend on its threshold (adaptive or perturbed) refuses another one. `.usc` mode
    /// ignores the threshold and refuses runs generated with perturbations (their check is a vote).
    public init(
        run: DistillationRun, minAgreement: Double? = nil, mode: CurationMode = .vote,
        universal: UniversalSelfConsistency = UniversalSelfConsistency(), concurrency: Int = 8
    ) throws {
        self.mode = mode
        self.universal = universal
        self.concurrency = max(1, concurrency)
        if let kind = run.settings.customTask?.answerKind,
           let refusal = mode.refusal(answerKind: kind, adaptive: run.settings.adaptive, perturb: run.settings.perturb) {
            throw refusal
        }
        if mode == .usc {
            if run.settings.perturb {
                throw PipelineError.invalidOption(
                    name: "--curation usc", reason: "\(run.directory.path) was generated with --perturb, whose check is a vote; curate it by vote")
            }
            if let minAgreement, minAgreement != run.settings.minAgreement {
                throw PipelineError.invalidOption(name: "--min-agreement", reason: "has no effect with --curation usc (the model chooses, nothing is counted)")
            }
        }
        let threshold = minAgreement ?? run.settings.minAgreement
        guard threshold > 0, threshold <= 1 else {
            throw PipelineError.invalidOption(name: "--min-agreement", reason: "must be in (0, 1] (got \(threshold))")
        }
        if run.settings.thresholdIsFixed, threshold != run.settings.minAgreement {
            throw run.mismatch(
                field: "min-agreement (fixed at generation by --adaptive/--perturb)", stored: "\(run.settings.minAgreement)", requested: "\(threshold)")
        }
        self.run = run
        self.minAgreement = threshold
    }

    /// Decides every input, writes the three exports, records the stage; returns what it
    /// wrote. `.usc` needs `model`, the run's model (its identifier must match the run's);
    /// its selection calls are cached in the run store, so a re-run makes none.
    public func curate(model: (any LanguageModel)? = nil) async throws -> CurateReport {
        let settings = run.settings
        let task = try settings.makeTask()
        let store = run.store
        let items = try await store.items(GeneratedItem.self, stage: GenerateStage.name).map(\.payload).sorted { $0.index < $1.index }
        guard !items.isEmpty else { throw PipelineError.nothingGenerated(run: run.directory.path) }
        try await store.beginStage(Self.name)
        let policy = ConsistencyPolicy(samples: settings.samples, minAgreement: minAgreement)
        var universalDecisions: [UniversalDecision]? = nil
        var modelCalls = 0
        if mode == .usc {
            guard let model else { throw PipelineError.invalidOption(name: "--curation usc", reason: "needs the run's model to choose responses") }
            guard model.identifier == settings.model else {
                throw run.mismatch(field: "model", stored: settings.model, requested: model.identifier)
            }
            let cached = CachingLanguageModel(wrapping: model, store: store)
            universalDecisions = try await selectAll(items: items, task: task, model: cached)
            modelCalls = cached.statistics.modelCalls
        }
        var selectionCost = CurationStats.StageCost()
        var unanimous = 0, unselected = 0

        var distill: [String] = []
        var rationales: [String] = []
        var rejected: [String] = []
        var reasons: [String: Int] = [:]
        var distribution: [String: Int] = [:]
        var withGold = 0, correct = 0
        var cost = CurationStats.StageCost()
        for (position, item) in items.enumerated() {
            let result = item.result
            let decision: CurationDecision
            if let u = universalDecisions?[position] {
                decision = u.decision
                if let call = u.selection?.call {
                    selectionCost.modelCalls += 1
                    selectionCost.generatedTokens += call.generatedTokens
                    selectionCost.promptTokens += call.promptTokens
                } else if decision.isAccepted {
                    unanimous += 1
                }
                if case .noSelection? = decision.rejection { unselected += 1 }
            } else {
                decision = settings.thresholdIsFixed
                    ? result.decision
                    : SelfConsistency.vote(result.traces.map(\.answer), task: task, policy: policy)
            }
            let top = decision.votes.entries.first?.votes ?? 0
            distribution["\(top)/\(result.traces.count)", default: 0] += 1
            cost.generatedTokens += item.generatedTokens
            cost.promptTokens += item.promptTokens
            cost.modelCalls += item.sampleCalls
            cost.samplesDrawn += item.samplesDrawn
            cost.samplesSaved += result.samplesSaved
            if let answer = decision.answer {
                let record = try TrainingRecord(task: task, example: item.example, answer: answer)
                distill.append(try record.jsonLine())
                let chosen = universalDecisions?[position].selection?.index
                if let winner = CuratedRationale.winner(of: result.traces, answer: answer, chosen: chosen, task: task) {
                    let line = CuratedRationale(
                        index: item.index, id: item.example.id, sampleIndex: winner.sampleIndex, messages: record.messages,
                        rationale: winner.finalOutput)
                    rationales.append(String(decoding: try AtomicFile.canonicalJSON(line), as: UTF8.self))
                }
                if item.example.answer != nil {
                    withGold += 1
                    if task.isCorrect(answer, for: item.example) { correct += 1 }
                }
            } else if let rejection = decision.rejection {
                reasons[rejection.kind, default: 0] += 1
                let line = RejectedRecord(
                    index: item.index, id: item.example.id, input: task.prompt(for: item.example), reason: rejection.description,
                    kind: rejection.kind, vote: decision.votes)
                rejected.append(String(decoding: try AtomicFile.canonicalJSON(line), as: UTF8.self))
            }
        }
        let generateComplete = try await store.isStageFinished(GenerateStage.name)
        let stats = CurationStats(
            task: settings.task, method: settings.method, model: settings.model, samples: settings.samples, minAgreement: minAgreement,
            inputs: items.count, accepted: distill.count, rejected: rejected.count,
            acceptanceRate: items.isEmpty ? 0 : Double(distill.count) / Double(items.count),
            rejectionReasons: reasons, voteDistribution: distribution, acceptedWithGold: withGold, acceptedCorrect: correct,
            stages: [GenerateStage.name: cost, Self.name: selectionCost], generateComplete: generateComplete, mode: mode.rawValue,
            universal: mode == .usc
                ? .init(selectionCalls: selectionCost.modelCalls, decidedWithoutCall: unanimous, unselected: unselected) : nil)

        let distillURL = run.file(Self.distillFileName)
        let rejectedURL = run.file(Self.rejectedFileName)
        let statsURL = run.file(Self.statsFileName)
        let rationalesURL = run.file(CuratedRationale.fileName)
        try AtomicFile.writeLines(distill, to: distillURL)
        try AtomicFile.writeLines(rationales, to: rationalesURL)
        try AtomicFile.writeLines(rejected, to: rejectedURL)
        try AtomicFile.writeJSON(stats, to: statsURL)
        let report = CurateReport(
            stats: stats, distillFile: distillURL.path, rejectedFile: rejectedURL.path, statsFile: statsURL.path,
            rationalesFile: rationalesURL.path, modelCalls: modelCalls)
        try await store.finishStage(Self.name, stats: report)
        return report
    }

    /// Universal self-consistency on every item, `concurrency` at a time, in item order.
    private func selectAll(items: [GeneratedItem], task: any DistillationTask, model: any LanguageModel) async throws -> [UniversalDecision] {
        let universal = self.universal
        let adapter = run.settings.adapterRequestName
        return try await items.concurrentMap(limit: concurrency) { item in
            try await universal.decide(model: model, task: task, example: item.example, traces: item.result.traces, adapter: adapter)
        }
    }
}
