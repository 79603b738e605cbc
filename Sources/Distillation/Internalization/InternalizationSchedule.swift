import Inference

/// Stepwise internalization (Deng, Choi, Shieber 2024, arXiv 2405.14838) as a distillation
/// schedule: instead of jumping from System 2's reasoning to the bare answer, System 1 is
/// fine-tuned in stages on the curated System 2 outputs themselves, under the System 1 prompt,
/// with more of the reasoning removed from the front at each stage, until the last stage
/// trains on the final answer alone. Each stage is its own fine-tune (a fresh optimizer)
/// continuing from the previous stage's adapter.
///
/// Stage `k` of `stages` (0-based): for `k < stages − 1`, every rationale loses its first
/// `k × stepsPerStage + o` reasoning steps, `o` the example's removal-smoothing offset at that
/// stage; a rationale with at most its last step left (the one that states the answer) becomes
/// the answer alone. The last stage is the answer alone for every example, the same record as
/// direct distillation's, and trains `finalStageEpochs` epochs.
///
/// Without a stage count the schedule has one stage per `stepsPerStage` steps of the longest
/// curated rationale, then the answer-only stage (`resolved(forLongest:)`): every step is
/// removed on its own before the answer stands alone, as in the paper.
///
/// Pure: the targets depend only on the schedule, the curated records and the seed.
public struct InternalizationSchedule: Sendable, Hashable, Codable {
    /// Stages, the last one answer-only (at least 2); nil: as many as the longest rationale needs.
    public var stages: Int?
    /// Reasoning steps each stage removes beyond the previous one (at least 1).
    public var stepsPerStage: Int
    /// Epochs of each stage's fine-tune but the last.
    public var epochsPerStage: Int
    /// Epochs of the last, answer-only stage.
    public var finalStageEpochs: Int
    /// The random extra removal per example and stage.
    public var smoothing: RemovalSmoothing

    public init(
        stages: Int? = nil, stepsPerStage: Int = 1, epochsPerStage: Int = 1, finalStageEpochs: Int = 2,
        smoothing: RemovalSmoothing = RemovalSmoothing()
    ) {
        self.stages = stages
        self.stepsPerStage = stepsPerStage
        self.epochsPerStage = epochsPerStage
        self.finalStageEpochs = finalStageEpochs
        self.smoothing = smoothing
    }

    enum CodingKeys: String, CodingKey { case stages, stepsPerStage, epochsPerStage, finalStageEpochs, smoothing }

    /// A schedule saved before `finalStageEpochs` existed trained its last stage like the others.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stages = try c.decodeIfPresent(Int.self, forKey: .stages)
        stepsPerStage = try c.decode(Int.self, forKey: .stepsPerStage)
        epochsPerStage = try c.decode(Int.self, forKey: .epochsPerStage)
        finalStageEpochs = try c.decodeIfPresent(Int.self, forKey: .finalStageEpochs) ?? epochsPerStage
        smoothing = try c.decode(RemovalSmoothing.self, forKey: .smoothing)
    }

    /// A short name of the schedule's settings (8 hex digits of their hash), for names of runs
    /// made under it.
    public var signature: String {
        let stageText = stages.map(String.init) ?? "auto"
        let text = "stages=\(stageText) steps=\(stepsPerStage) epochs=\(epochsPerStage) final=\(finalStageEpochs) lambda=\(smoothing.lambda)"
        return String(ContentHash(hashing: text).hex.prefix(8))
    }

    /// Bounds far beyond any useful schedule, so that counts of removed steps cannot overflow.
    public static let maximumStages = 1000
    public static let maximumStepsPerStage = 10_000

    /// Refuses values no schedule can run with, naming the `s2d distill` flag.
    public func validate() throws {
        func check(_ ok: Bool, _ flag: String, _ reason: String) throws {
            if !ok { throw PipelineError.invalidOption(name: flag, reason: reason) }
        }
        if let stages {
            try check(stages >= 2, "--stages", "must be ≥ 2: at least one stage with reasoning, then the answer-only stage (got \(stages))")
            try check(stages <= Self.maximumStages, "--stages", "must be ≤ \(Self.maximumStages) (got \(stages))")
        }
        try check(
            (1...Self.maximumStepsPerStage).contains(stepsPerStage), "--steps-per-stage",
            "must be in 1...\(Self.maximumStepsPerStage) (got \(stepsPerStage))")
        try check(epochsPerStage >= 1, "--stage-epochs", "must be ≥ 1 (got \(epochsPerStage))")
        try check(finalStageEpochs >= 1, "--final-stage-epochs", "must be ≥ 1 (got \(finalStageEpochs))")
        try check(
            smoothing.lambda > 0 && smoothing.lambda.isFinite, "--removal-smoothing",
            "λ must be a positive number (got \(smoothing.lambda)); a large λ such as 100 means almost no offsets")
    }

    /// This schedule with its stage count fixed for rationales of at most `longest` steps: as
    /// given, or one stage per `stepsPerStage` steps (at least one) and the answer-only stage.
    public func resolved(forLongest longest: Int) -> InternalizationSchedule {
        var schedule = self
        schedule.stages = stages ?? min(max(1, (longest + stepsPerStage - 1) / stepsPerStage) + 1, Self.maximumStages)
        return schedule
    }

    /// The schedule resolved for `rationales` as `method` cuts them into steps.
    public func resolved(for rationales: [CuratedRationale], method: Method) -> InternalizationSchedule {
        resolved(forLongest: rationales.map { ReasoningSteps(rationaleOf: $0.rationale, method: method).count }.max() ?? 0)
    }

    /// The stage count of a resolved schedule.
    public var stageCount: Int {
        guard let stages else { preconditionFailure("the schedule's stage count is not resolved: call resolved(for:method:) first") }
        return stages
    }

    /// The last stage's index: it trains on the answer alone.
    public var lastStage: Int { stageCount - 1 }

    /// The steps stage `k` removes from every rationale before the offset; nil on the last
    /// stage, which keeps none.
    public func stepsRemoved(atStage k: Int) -> Int? {
        precondition((0..<stageCount).contains(k), "stage \(k) is outside 0..<\(stageCount)")
        return k == lastStage ? nil : k * stepsPerStage
    }

    /// The epochs of stage `k`'s fine-tune.
    public func epochs(atStage k: Int) -> Int { k == lastStage ? finalStageEpochs : epochsPerStage }

    /// The removal-smoothing offset of example `exampleID` at stage `k`, drawn from the stream
    /// seeded like sample `k` of that input (`SampleSeed`): the same on every re-run, and
    /// unrelated across examples and stages.
    public func offset(stage k: Int, exampleID: String, seed: UInt64) -> Int {
        smoothing.offset(seed: SampleSeed.seed(runSeed: seed, inputID: exampleID, sampleIndex: k))
    }

    /// The training target of one example at stage `k`: `rationale` without its removed
    /// steps, or `answer` when at most the last step is left or on the last stage.
    public func target(stage k: Int, rationale: ReasoningSteps, answer: String, exampleID: String, seed: UInt64) -> InternalizationTarget {
        guard let base = stepsRemoved(atStage: k) else {
            return InternalizationTarget(text: answer, stepsRemoved: rationale.count, offset: 0, answerOnly: true)
        }
        let offset = offset(stage: k, exampleID: exampleID, seed: seed)
        let removed = base + offset
        if removed >= rationale.count - 1 {
            return InternalizationTarget(text: answer, stepsRemoved: rationale.count, offset: offset, answerOnly: true)
        }
        return InternalizationTarget(text: rationale.removingFirst(removed), stepsRemoved: removed, offset: offset, answerOnly: false)
    }

    /// Stage `k`'s training set: each curated record's System 1 prompt answered by its target,
    /// the rationale cut into steps as `method` writes them (`ReasoningSteps(rationaleOf:method:)`).
    public func examples(stage k: Int, rationales: [CuratedRationale], method: Method, seed: UInt64) -> [InternalizationExample] {
        rationales.map { curated in
            let steps = ReasoningSteps(rationaleOf: curated.rationale, method: method)
            let target = target(stage: k, rationale: steps, answer: curated.answer, exampleID: curated.id, seed: seed)
            let record = TrainingRecord(messages: Array(curated.messages.dropLast()) + [.assistant(target.text)])
            return InternalizationExample(id: curated.id, record: record, target: target)
        }
    }
}

/// One example's target at one stage.
public struct InternalizationTarget: Sendable, Hashable, Codable {
    /// What System 1 is trained to reply.
    public var text: String
    /// Reasoning steps removed from the front (all of them when `answerOnly`).
    public var stepsRemoved: Int
    /// The removal-smoothing offset drawn for this example and stage (0 on the last stage).
    public var offset: Int
    /// The reply is the final answer alone.
    public var answerOnly: Bool

    public init(text: String, stepsRemoved: Int, offset: Int, answerOnly: Bool) {
        self.text = text
        self.stepsRemoved = stepsRemoved
        self.offset = offset
        self.answerOnly = answerOnly
    }
}

/// One training example of a stage: the input's id, its record, and how the target was made.
public struct InternalizationExample: Sendable, Hashable {
    public var id: String
    public var record: TrainingRecord
    public var target: InternalizationTarget
}

extension ReasoningSteps {
    /// The steps of a curated System 2 output of `method`: the lines of the program in it for a
    /// program method (`answer_from: program`; the whole output when it holds no program block),
    /// its sentences otherwise.
    public init(rationaleOf output: String, method: Method) {
        switch method.answerFrom ?? .text {
        case .program: self.init(ProgramExtraction.program(in: output) ?? output, unit: .line)
        case .text, .scoreSum: self.init(output, unit: .sentence)
        }
    }
}
