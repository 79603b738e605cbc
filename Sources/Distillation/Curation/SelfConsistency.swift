/// Output self-consistency (Wang et al. 2023; the curation of Yu et al. 2024): sample N
/// answers, keep the input only when one answer wins clearly.
public enum SelfConsistency {
    /// The decision over canonical `answers` (nil = unparseable): accepted when the most-voted
    /// answer has at least `policy.requiredVotes` votes and no other answer has as many.
    public static func vote(_ answers: [String?], policy: ConsistencyPolicy) -> CurationDecision {
        let tally = VoteTally(answers: answers)
        return CurationDecision(outcome: outcome(tally, required: policy.requiredVotes), votes: tally)
    }

    /// `vote` after putting each answer in the task's canonical form.
    public static func vote(_ answers: [String?], task: any DistillationTask, policy: ConsistencyPolicy) -> CurationDecision {
        vote(answers.map { $0.map(task.voteKey) }, policy: policy)
    }

    static func outcome(_ tally: VoteTally, required: Int) -> CurationDecision.Outcome {
        guard let top = tally.entries.first else { return .rejected(.noAnswer) }
        if top.votes < required { return .rejected(.belowThreshold(top: top.answer, votes: top.votes, required: required)) }
        let tied = tally.entries.filter { $0.votes == top.votes }
        if tied.count > 1 { return .rejected(.tie(answers: tied.map(\.answer), votes: top.votes)) }
        return .accepted(top.answer)
    }
}

/// Self-consistency with early stopping: after each sample, decide whether the outcome of the
/// full N-sample vote is already fixed — acceptance certain (the leader has enough votes and
/// cannot be caught) or impossible (no answer, old or new, can still win with enough votes).
/// The decision is always the one the full vote would reach; only the vote distribution is partial.
public struct AdaptiveVote: Sendable, Hashable {
    /// N and the threshold.
    public let policy: ConsistencyPolicy
    /// Canonical answers seen so far.
    public private(set) var answers: [String?] = []
    /// Set once the outcome is fixed.
    public private(set) var decision: CurationDecision?

    public init(policy: ConsistencyPolicy) {
        self.policy = policy
    }

    /// Samples not drawn because the outcome was fixed early.
    public var samplesSaved: Int { decision == nil ? 0 : policy.samples - answers.count }

    /// Records one more canonical answer (nil = unparseable); returns the decision once fixed.
    @discardableResult
    public mutating func add(_ answer: String?) -> CurationDecision? {
        guard decision == nil else { return decision }
        answers.append(answer)
        let tally = VoteTally(answers: answers)
        let remaining = policy.samples - answers.count
        let required = policy.requiredVotes
        if remaining <= 0 {
            decision = CurationDecision(outcome: SelfConsistency.outcome(tally, required: required), votes: tally)
            return decision
        }
        let counts = tally.entries.map(\.votes)
        // Certain: the leader already has enough and stays strictly ahead even if every remaining vote goes to the runner-up.
        if let top = tally.entries.first, top.votes >= required, top.votes > (counts.dropFirst().first ?? 0) + remaining {
            decision = CurationDecision(outcome: .accepted(top.answer), votes: tally)
            return decision
        }
        // Possible: some answer (seen, or not yet seen) given all remaining votes reaches enough and leads strictly.
        func canWin(_ votes: Int, othersMax: Int) -> Bool { votes + remaining >= required && votes + remaining > othersMax }
        var possible = canWin(0, othersMax: counts.first ?? 0)
        for (i, c) in counts.enumerated() where !possible {
            let othersMax = counts.enumerated().filter { $0.offset != i }.map(\.element).max() ?? 0
            possible = canWin(c, othersMax: othersMax)
        }
        if !possible {
            decision = CurationDecision(outcome: .rejected(.thresholdUnreachable(samplesDrawn: answers.count, required: required)), votes: tally)
        }
        return decision
    }

    /// Draws samples one at a time with `draw(i)` (returning the canonical answer of sample i)
    /// until the outcome is fixed; returns the decision and how many samples were drawn.
    public static func run(
        policy: ConsistencyPolicy, draw: (Int) async throws -> String?
    ) async rethrows -> (decision: CurationDecision, samplesDrawn: Int) {
        var vote = AdaptiveVote(policy: policy)
        var i = 0
        while true {
            if let d = vote.add(try await draw(i)) { return (d, i + 1) }
            i += 1
        }
    }

    /// Like `run`, but draws `chunk` samples per call (`draw(range)` returns the canonical
    /// answers of those sample indices, e.g. from one `n`-request), so a batching model stays
    /// busy; samples of the last chunk beyond the deciding one are counted as drawn, not saved.
    /// The first call draws at least `policy.requiredVotes` samples: nothing can be accepted
    /// with fewer, and one request shares its prompt's KV cache among its samples (N = 4 at
    /// 3 of 4: 3 samples, then a 4th only when they disagree, where chunks of 2 drew all 4).
    public static func run(
        policy: ConsistencyPolicy, chunk: Int, draw: (Range<Int>) async throws -> [String?]
    ) async rethrows -> (decision: CurationDecision, samplesDrawn: Int) {
        precondition(chunk > 0, "chunk must be positive")
        var vote = AdaptiveVote(policy: policy)
        var start = 0
        while true {
            let size = start == 0 ? max(chunk, policy.requiredVotes) : chunk
            let range = start..<min(start + size, policy.samples)
            let answers = try await draw(range)
            precondition(answers.count == range.count, "draw must return one answer per sample")
            for a in answers {
                if let d = vote.add(a) { return (d, range.upperBound) }
            }
            start = range.upperBound
        }
    }
}
