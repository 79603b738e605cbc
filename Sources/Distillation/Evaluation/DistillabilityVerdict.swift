/// Whether distillation recovered System 2's gain on a task. Three cases:
///
/// - `nothingToDistil`: System 2 does not beat System 1 (its accuracy is not above System 1's
///   95% interval), so there is no gain to recover, whatever the distilled model scores.
/// - `recovered`: System 2 beats System 1, and distilled System 1 is within System 2's
///   interval or above it.
/// - `notRecovered`: System 2 beats System 1, but distilled System 1 stays below System 2's interval.
public struct DistillabilityVerdict: Sendable, Hashable, Codable {
    /// The three cases.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case recovered
        case notRecovered = "not-recovered"
        case nothingToDistil = "nothing-to-distil"
    }

    public var task: String
    /// Which case this is.
    public var outcome: Outcome
    /// `outcome == .recovered`.
    public var recovered: Bool
    /// System 2's accuracy is above System 1's 95% interval.
    public var system2BeatsSystem1: Bool
    public var system1: Double
    public var system2: Double
    public var distilled: Double
    /// Tokens per input saved by answering with distilled System 1 instead of System 2.
    public var tokenSaving: Double
    /// One sentence for the report.
    public var summary: String

    public init(task: String, system1: SystemEvaluation, system2: SystemEvaluation, distilled: SystemEvaluation) {
        self.task = task
        self.system1 = system1.accuracy.rate
        self.system2 = system2.accuracy.rate
        self.distilled = distilled.accuracy.rate
        system2BeatsSystem1 = system2.accuracy.rate > system1.accuracy.upper + 1e-12
        let reached = distilled.accuracy.rate >= system2.accuracy.lower - 1e-12
        outcome = !system2BeatsSystem1 ? .nothingToDistil : reached ? .recovered : .notRecovered
        recovered = outcome == .recovered
        tokenSaving = system2.meanGeneratedTokens - distilled.meanGeneratedTokens
        let pct = { (x: Double) in String(format: "%.1f%%", x * 100) }
        let d = pct(distilled.accuracy.rate)
        switch outcome {
        case .recovered:
            summary = "\(task): recovered - System 2 \(system2.accuracy.formatted) beats \(system1.name) \(system1.accuracy.formatted), "
                + "and distilled System 1 \(d) is within or above System 2's interval, with \(String(format: "%.0f", tokenSaving)) fewer tokens per input."
        case .notRecovered:
            summary = "\(task): not recovered - System 2 \(system2.accuracy.formatted) beats \(system1.name) \(system1.accuracy.formatted), "
                + "but distilled System 1 \(d) is below System 2's interval."
        case .nothingToDistil:
            summary = "\(task): nothing to distil - System 2 \(system2.accuracy.formatted) does not beat \(system1.name) \(system1.accuracy.formatted) "
                + "(not above its interval), so there is no System 2 gain to recover (distilled System 1: \(d))."
        }
    }

    private enum CodingKeys: String, CodingKey {
        case task, outcome, recovered, system2BeatsSystem1, system1, system2, distilled, tokenSaving, summary
    }

    /// Reads verdicts stored before `outcome` existed as recovered / not recovered.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        recovered = try c.decode(Bool.self, forKey: .recovered)
        outcome = try c.decodeIfPresent(Outcome.self, forKey: .outcome) ?? (recovered ? .recovered : .notRecovered)
        system2BeatsSystem1 = try c.decodeIfPresent(Bool.self, forKey: .system2BeatsSystem1) ?? true
        system1 = try c.decode(Double.self, forKey: .system1)
        system2 = try c.decode(Double.self, forKey: .system2)
        distilled = try c.decode(Double.self, forKey: .distilled)
        tokenSaving = try c.decode(Double.self, forKey: .tokenSaving)
        summary = try c.decode(String.self, forKey: .summary)
    }
}
