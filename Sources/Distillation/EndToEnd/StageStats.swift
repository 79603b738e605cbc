import Inference

/// What the teach stage did: fine-tuned on gold rationales (chains of thought or programs) under the System 2 prompt.
public struct TeachStats: Sendable, Hashable, Codable {
    public init(examples: Int, fineTune: FineTuneReport, cost: StageCost) {
        self.examples = examples
        self.fineTune = fineTune
        self.cost = cost
    }

    public var examples: Int
    public var fineTune: FineTuneReport
    public var cost: StageCost
}

/// What generate + curate did on the unlabeled inputs.
public struct CurateStats: Sendable, Hashable, Codable {
    public init(inputs: Int, accepted: Int, acceptedCorrect: Int, voteHistogram: [Int], rejections: [String: Int], cost: StageCost) {
        self.inputs = inputs
        self.accepted = accepted
        self.acceptedCorrect = acceptedCorrect
        self.voteHistogram = voteHistogram
        self.rejections = rejections
        self.cost = cost
    }

    public var inputs: Int
    public var accepted: Int
    /// Accepted inputs whose voted answer equals the (hidden) gold label: the curated labels' accuracy.
    public var acceptedCorrect: Int
    /// `voteHistogram[v]`: inputs whose winning answer had v votes (v = 0…samples).
    public var voteHistogram: [Int]
    /// Rejections by reason kind (no answer, below threshold, tie, ...).
    public var rejections: [String: Int]
    public var cost: StageCost

    public var acceptanceRate: Double { inputs == 0 ? 0 : Double(accepted) / Double(inputs) }
}

/// What the distillation training did.
public struct TrainStats: Sendable, Hashable, Codable {
    public init(records: Int, fineTune: FineTuneReport, cost: StageCost, internalization: InternalizationStats? = nil) {
        self.records = records
        self.fineTune = fineTune
        self.cost = cost
        self.internalization = internalization
    }

    public var records: Int
    /// The fine-tune; with internalization, its stages end to end (steps and loss curve continued).
    public var fineTune: FineTuneReport
    public var cost: StageCost
    /// The stage schedule and each stage's training, when the schedule was `.internalize`.
    public var internalization: InternalizationStats?
}

/// The evaluation of every system on the test split.
public struct EvalStats: Sendable, Hashable, Codable {
    public init(
        task: String, systems: [SystemEvaluation], router: [Router.Point], agreementRouter: [Router.Point]? = nil,
        verdict: DistillabilityVerdict?, cost: StageCost
    ) {
        self.task = task
        self.systems = systems
        self.router = router
        self.agreementRouter = agreementRouter
        self.verdict = verdict
        self.cost = cost
    }

    public var task: String
    public var systems: [SystemEvaluation]
    /// The router's curve over thresholds of the answer-probability signal.
    public var router: [Router.Point]
    /// The router's curve over thresholds of the 2-sample agreement signal (nil in runs evaluated before it existed).
    public var agreementRouter: [Router.Point]?
    public var verdict: DistillabilityVerdict?
    public var cost: StageCost
}

/// Base and distilled System 1 on a task that was not distilled.
public struct RegressionStats: Sendable, Hashable, Codable {
    public init(task: String, systems: [SystemEvaluation], change: Double, significantDrop: Bool, cost: StageCost) {
        self.task = task
        self.systems = systems
        self.change = change
        self.significantDrop = significantDrop
        self.cost = cost
    }

    public var task: String
    public var systems: [SystemEvaluation]
    /// Distilled minus base accuracy (negative is a drop).
    public var change: Double
    /// The drop is larger than the base's interval allows.
    public var significantDrop: Bool
    public var cost: StageCost
}

/// The cost of one stage: wall time, new model calls and generated (or trained) tokens.
public struct StageCost: Sendable, Hashable, Codable {
    public var stage: String
    public var seconds: Double
    public var modelCalls: Int
    public var tokens: Int

    public init(stage: String, seconds: Double, modelCalls: Int, tokens: Int) {
        self.stage = stage
        self.seconds = seconds
        self.modelCalls = modelCalls
        self.tokens = tokens
    }
}

/// Everything a report shows; written as eval.json.
public struct RunReport: Sendable, Hashable, Codable {
    public var configuration: EndToEndConfiguration
    public var teach: TeachStats?
    public var curate: CurateStats?
    public var train: TrainStats?
    public var eval: EvalStats?
    public var regression: RegressionStats?
    /// Distilled System 1 against the number of curated inputs (`s2d distill --curve`).
    public var curve: CurveStats?

    public init(
        configuration: EndToEndConfiguration, teach: TeachStats? = nil, curate: CurateStats? = nil, train: TrainStats? = nil,
        eval: EvalStats? = nil, regression: RegressionStats? = nil, curve: CurveStats? = nil
    ) {
        self.configuration = configuration
        self.teach = teach
        self.curate = curate
        self.train = train
        self.eval = eval
        self.regression = regression
        self.curve = curve
    }

    /// Why there is no distilled System 1, when curation accepted nothing (nil otherwise).
    public var nothingToDistil: String? {
        guard let curate, curate.accepted == 0 else { return nil }
        return "Nothing to distil: none of the \(curate.inputs) unlabeled inputs passed the self-consistency vote (agreement ≥ "
            + "\(configuration.minAgreement) of \(configuration.samples) samples), so distilled System 1 was not trained; "
            + "raise --samples, lower --min-agreement or teach System 2 first."
    }

    /// Stage costs in pipeline order.
    public var costs: [StageCost] {
        [teach?.cost, curate?.cost, train?.cost, eval?.cost, regression?.cost].compactMap { $0 }
    }
}
