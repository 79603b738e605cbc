/// What a fuzz run found.
public struct FuzzReport: Sendable, Codable, Hashable {
    public var target: FuzzTarget
    public var seed: UInt64
    /// The first iteration run (`--skip`) and how many ran.
    public var firstIteration: Int
    public var iterations: Int
    /// Inputs read (or run) without error, and inputs refused with an error that names them.
    public var accepted: Int
    public var rejected: Int
    /// Distinct error messages among the refusals (digits folded, so "line 3" and "line 4" are one).
    public var distinctErrors: Int
    /// The most frequent refusals (folded message and count), up to 10.
    public var commonErrors: [FuzzErrorKind]
    /// Refusals whose error did not name the input or was of an unknown kind (must be 0), with
    /// up to 10 examples: (iteration, message).
    public var unclearErrors: Int
    public var unclearExamples: [FuzzFinding]
    /// Iterations that took more CPU time than the time limit (must be 0); a run stuck far past
    /// it in wall time is stopped by the watchdog instead, naming the iteration.
    public var hangs: Int
    public var hangExamples: [FuzzFinding]
    /// Crashes: a crash kills the process, so a finished report always says 0; the watchdog's
    /// and the progress lines' iteration numbers let `--skip` reproduce one.
    public var crashes: Int
    /// The most CPU time one iteration took.
    public var slowestSeconds: Double
    public var seconds: Double
    public var timeLimitSeconds: Double

    /// Whether the run found nothing wrong.
    public var clean: Bool { unclearErrors == 0 && hangs == 0 && crashes == 0 }
}

/// One iteration worth a look.
public struct FuzzFinding: Sendable, Codable, Hashable {
    public var iteration: Int
    public var input: String
    public var message: String
}

/// A refusal message (digits folded) and how often it came.
public struct FuzzErrorKind: Sendable, Codable, Hashable {
    public var message: String
    public var count: Int
}
