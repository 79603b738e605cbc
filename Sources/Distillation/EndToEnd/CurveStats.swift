import Foundation
import Inference

/// Distilled System 1 against the number of curated inputs it was trained on: one point per
/// (schedule, size), each a fine-tune on the first `size` curated inputs and an evaluation on
/// the run's test split.
public struct CurveStats: Sendable, Hashable, Codable {
    public var points: [CurvePoint]

    public init(points: [CurvePoint]) { self.points = points }
}

/// One point of the curve.
public struct CurvePoint: Sendable, Hashable, Codable {
    public var schedule: DistillationSchedule
    /// Curated inputs trained on.
    public var inputs: Int
    /// Distilled System 1 on the test split.
    public var accuracy: ProportionEstimate
    public var meanGeneratedTokens: Double
    public var trainSeconds: Double
    public var evalSeconds: Double
    /// True for the point the run's own train stage made (not trained again).
    public var fromTrainStage: Bool
    /// An internalize point's stage schedule, resolved (its stage count fixed); nil for direct.
    public var internalization: InternalizationSchedule?

    public init(
        schedule: DistillationSchedule, inputs: Int, accuracy: ProportionEstimate, meanGeneratedTokens: Double,
        trainSeconds: Double, evalSeconds: Double, fromTrainStage: Bool, internalization: InternalizationSchedule? = nil
    ) {
        self.schedule = schedule
        self.inputs = inputs
        self.accuracy = accuracy
        self.meanGeneratedTokens = meanGeneratedTokens
        self.trainSeconds = trainSeconds
        self.evalSeconds = evalSeconds
        self.fromTrainStage = fromTrainStage
        self.internalization = internalization
    }
}
