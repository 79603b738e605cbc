import Foundation
import Inference

/// What stepwise internalization did: the schedule and each stage's training.
public struct InternalizationStats: Sendable, Hashable, Codable {
    public var schedule: InternalizationSchedule
    /// The stages in order.
    public var stages: [InternalizationStageStats]

    public init(schedule: InternalizationSchedule, stages: [InternalizationStageStats]) {
        self.schedule = schedule
        self.stages = stages
    }

    /// The stages' fine-tunes as one: steps and the loss curve continue across stages (each
    /// stage's steps shifted by the steps before it), tokens and seconds add up.
    public var combinedFineTune: FineTuneReport? {
        guard let last = stages.last else { return nil }
        var steps = 0, tokens = 0, seconds = 0.0
        var curve: [FineTuneReport.LossPoint] = []
        var evalCurve: [FineTuneReport.LossPoint] = []
        for stage in stages {
            let f = stage.fineTune
            curve += f.lossCurve.map { .init(step: $0.step + steps, loss: $0.loss) }
            evalCurve += f.evalLossCurve.map { .init(step: $0.step + steps, loss: $0.loss) }
            steps += f.steps
            tokens += f.trainedTokens
            seconds += f.seconds
        }
        return FineTuneReport(
            adapter: last.fineTune.adapter, steps: steps, trainedTokens: tokens, seconds: seconds, lossCurve: curve, evalLossCurve: evalCurve)
    }
}

/// One internalization stage: what its targets were and how its fine-tune went.
public struct InternalizationStageStats: Sendable, Hashable, Codable {
    /// 0-based stage index.
    public var stage: Int
    /// Steps the stage removes before smoothing offsets; nil on the last (answer-only) stage.
    public var stepsRemoved: Int?
    public var epochs: Int
    /// Training examples (one per curated input).
    public var examples: Int
    /// Examples whose target was the answer alone (every one on the last stage).
    public var answerOnly: Int
    /// Examples a removal-smoothing offset took further.
    public var withOffset: Int
    /// Mean reasoning steps removed per example.
    public var meanStepsRemoved: Double
    /// The adapter the stage started from (nil: the base model).
    public var initialAdapter: String?
    public var fineTune: FineTuneReport
    public var cost: StageCost

    public init(
        stage: Int, stepsRemoved: Int?, epochs: Int, examples: Int, answerOnly: Int, withOffset: Int, meanStepsRemoved: Double,
        initialAdapter: String?, fineTune: FineTuneReport, cost: StageCost
    ) {
        self.stage = stage
        self.stepsRemoved = stepsRemoved
        self.epochs = epochs
        self.examples = examples
        self.answerOnly = answerOnly
        self.withOffset = withOffset
        self.meanStepsRemoved = meanStepsRemoved
        self.initialAdapter = initialAdapter
        self.fineTune = fineTune
        self.cost = cost
    }

    /// The stage's loss at its first and last step (NaN without a curve).
    public var firstLoss: Double { fineTune.lossCurve.first?.loss ?? .nan }
    public var lastLoss: Double { fineTune.lossCurve.last?.loss ?? .nan }
}
