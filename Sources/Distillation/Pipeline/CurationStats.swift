/// `stats.json`: what curation kept and what the run cost. Every number is derived from the
/// stored results, never from one invocation's counters, so an interrupted-and-resumed run
/// writes the same bytes as an uninterrupted one. (What each invocation itself called is in
/// its `GenerateReport` / `CurateReport` and in the stages table.)
public struct CurationStats: Sendable, Hashable, Codable {
    /// The run's task, method, model, N and the threshold curation used.
    public var task: String
    public var method: String
    public var model: String
    public var samples: Int
    public var minAgreement: Double
    /// Inputs with generated results.
    public var inputs: Int
    public var accepted: Int
    public var rejected: Int
    /// accepted / inputs (0 when there are none).
    public var acceptanceRate: Double
    /// Rejections by kind (`below-threshold`, `tie`, `no-answer`, `threshold-unreachable`, `perturbation-disagreement`).
    public var rejectionReasons: [String: Int]
    /// Inputs by the winner's share of the vote, as "VOTES/SAMPLES" (e.g. "7/8").
    public var voteDistribution: [String: Int]
    /// Accepted inputs that have a gold answer, and how many of those the curated answer gets right
    /// (labels are not used to curate; this measures the curation).
    public var acceptedWithGold: Int
    public var acceptedCorrect: Int
    /// Token and call totals per stage.
    public var stages: [String: StageCost]
    /// Whether the generate stage had results for every input when curation ran.
    public var generateComplete: Bool
    /// How answers were chosen: `vote` or `usc` (universal self-consistency).
    public var mode: String
    /// What universal self-consistency did (nil for the vote).
    public var universal: UniversalStats?

    /// Universal self-consistency's selections over the run.
    public struct UniversalStats: Sendable, Hashable, Codable {
        /// Inputs where the model was asked to choose (also in `stages["curate"].modelCalls`).
        public var selectionCalls: Int
        /// Inputs accepted without a call: one sample, or every sample gave the same answer.
        public var decidedWithoutCall: Int
        /// Inputs rejected because the reply named no response or the chosen one had no answer.
        public var unselected: Int

        public init(selectionCalls: Int, decidedWithoutCall: Int, unselected: Int) {
            self.selectionCalls = selectionCalls
            self.decidedWithoutCall = decidedWithoutCall
            self.unselected = unselected
        }
    }

    /// Tokens and model calls a stage spent over the whole run.
    public struct StageCost: Sendable, Hashable, Codable {
        /// Tokens the model generated, intermediate reasoning included.
        public var generatedTokens: Int
        /// Prompt tokens of the stage's requests.
        public var promptTokens: Int
        /// Model generations the stage's results consist of (one per sample per step).
        public var modelCalls: Int
        /// Samples drawn (on inputs and their perturbations).
        public var samplesDrawn: Int
        /// Samples adaptive voting did not need to draw.
        public var samplesSaved: Int

        public init(generatedTokens: Int = 0, promptTokens: Int = 0, modelCalls: Int = 0, samplesDrawn: Int = 0, samplesSaved: Int = 0) {
            self.generatedTokens = generatedTokens
            self.promptTokens = promptTokens
            self.modelCalls = modelCalls
            self.samplesDrawn = samplesDrawn
            self.samplesSaved = samplesSaved
        }
    }
}

extension Rejection {
    /// A short name of the kind of rejection, for counting.
    public var kind: String {
        switch self {
        case .noAnswer: "no-answer"
        case .belowThreshold: "below-threshold"
        case .tie: "tie"
        case .thresholdUnreachable: "threshold-unreachable"
        case .perturbationDisagreement: "perturbation-disagreement"
        case .noSelection: "no-selection"
        }
    }
}
