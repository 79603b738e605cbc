/// How strict self-consistency is: N samples, and the fraction of N the winning answer needs.
public struct ConsistencyPolicy: Sendable, Hashable, Codable {
    /// Samples drawn per input (N).
    public var samples: Int
    /// The winner needs at least `minAgreement × samples` votes (rounded up), e.g. 0.625 → 5 of 8.
    public var minAgreement: Double

    public init(samples: Int = 8, minAgreement: Double = 0.625) {
        precondition(samples > 0, "samples must be positive")
        self.samples = samples
        self.minAgreement = minAgreement
    }

    /// Votes the winner needs: ⌈minAgreement × samples⌉, at least 1.
    public var requiredVotes: Int {
        max(1, Int((minAgreement * Double(samples) - 1e-9).rounded(.up)))
    }
}

/// Why an input's answer was not accepted.
public enum Rejection: Sendable, Hashable, Codable, CustomStringConvertible {
    /// No sample stated a readable answer.
    case noAnswer
    /// The most-voted answer had too few votes.
    case belowThreshold(top: String, votes: Int, required: Int)
    /// Two or more answers share the most votes.
    case tie(answers: [String], votes: Int)
    /// Stopped early: even if every remaining sample agreed, no answer could win with enough votes.
    case thresholdUnreachable(samplesDrawn: Int, required: Int)
    /// An answer on a perturbed input, mapped back, differs from the original's.
    case perturbationDisagreement(perturbation: String, original: String, perturbed: String?)
    /// Universal self-consistency: the model's reply named no response (`chosen` nil), or the
    /// response it chose (1-based) states no readable answer.
    case noSelection(chosen: Int?)

    public var description: String {
        switch self {
        case .noAnswer: return "no sample stated a readable answer"
        case .belowThreshold(let top, let votes, let required): return "top answer \"\(top)\" has \(votes) votes, needs \(required)"
        case .tie(let answers, let votes): return "tie between \(answers.map { "\"\($0)\"" }.joined(separator: ", ")) at \(votes) votes"
        case .thresholdUnreachable(let drawn, let required): return "after \(drawn) samples no answer can reach \(required) votes"
        case .perturbationDisagreement(let p, let o, let q):
            return "answer changed under \(p): \"\(o)\" became \(q.map { "\"\($0)\"" } ?? "no answer")"
        case .noSelection(let chosen):
            return chosen.map { "the model chose response \($0) as the most consistent, which states no readable answer" }
                ?? "the model's selection named no response"
        }
    }
}

/// The curation verdict for one input: an accepted answer or a rejection, with the votes.
public struct CurationDecision: Sendable, Hashable, Codable {
    /// What was decided.
    public enum Outcome: Sendable, Hashable, Codable {
        case accepted(String)
        case rejected(Rejection)
    }

    /// Accepted answer or rejection.
    public var outcome: Outcome
    /// The full vote distribution the decision was made on.
    public var votes: VoteTally

    public init(outcome: Outcome, votes: VoteTally) {
        self.outcome = outcome
        self.votes = votes
    }

    /// The accepted answer, nil when rejected.
    public var answer: String? {
        if case .accepted(let a) = outcome { return a }
        return nil
    }

    /// Why it was rejected, nil when accepted.
    public var rejection: Rejection? {
        if case .rejected(let r) = outcome { return r }
        return nil
    }

    /// Whether an answer was accepted.
    public var isAccepted: Bool { answer != nil }
}
