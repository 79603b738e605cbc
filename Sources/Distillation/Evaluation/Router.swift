/// Confidence routing: answer with the distilled System 1 when it is confident, fall back to
/// System 2 otherwise. Pure logic over the two systems' predictions on the same inputs.
///
/// Two confidence signals: the probability of System 1's greedy answer (free: its own
/// log-probabilities), and the agreement of 2 cheap extra System 1 samples with that answer
/// (costs their tokens, counted in the curve; works with any model, log-probabilities or not).
public enum Router {
    /// Which confidence System 1's answer is judged by.
    public enum Signal: String, Sendable, Hashable, Codable, CaseIterable {
        /// `EvaluatedPrediction.confidence`: the answer's token probability.
        case probability
        /// `EvaluatedPrediction.agreement`: the share of extra samples agreeing with the answer.
        case agreement
    }

    /// One operating point of the router.
    public struct Point: Sendable, Hashable, Codable {
        /// System 1 answers when its confidence ≥ threshold.
        public var threshold: Double
        public var accuracy: ProportionEstimate
        /// Mean generated tokens per input: System 1's always (it answers first), plus System 2's
        /// where it was called.
        public var meanGeneratedTokens: Double
        /// Share of inputs System 1 answered alone.
        public var system1Share: Double

        public init(threshold: Double, accuracy: ProportionEstimate, meanGeneratedTokens: Double, system1Share: Double) {
            self.threshold = threshold
            self.accuracy = accuracy
            self.meanGeneratedTokens = meanGeneratedTokens
            self.system1Share = system1Share
        }
    }

    /// The default thresholds: from "always System 1" (0) to "always System 2" (above 1).
    public static let defaultThresholds: [Double] = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01]
    /// The thresholds of the agreement signal, whose values with 2 samples are 0, 0.5 and 1.
    public static let agreementThresholds: [Double] = [0, 0.5, 1, 1.01]

    /// Whether System 1's prediction is kept at `threshold` (a missing confidence or answer never is).
    public static func keepsSystem1(_ p: EvaluatedPrediction, threshold: Double, signal: Signal = .probability) -> Bool {
        guard p.answer != nil, let c = signal == .probability ? p.confidence : p.agreement else { return false }
        return c >= threshold
    }

    /// The router's accuracy and cost at each threshold. `system1` and `system2` are matched by
    /// example id; inputs missing from `system2` are dropped. With `.agreement`, the extra
    /// samples' tokens are counted on every input (they are drawn before deciding).
    public static func sweep(
        system1: [EvaluatedPrediction], system2: [EvaluatedPrediction], thresholds: [Double]? = nil, signal: Signal = .probability
    ) -> [Point] {
        let thresholds = thresholds ?? (signal == .probability ? defaultThresholds : agreementThresholds)
        let s2 = Dictionary(system2.map { ($0.exampleID, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs = system1.compactMap { p in s2[p.exampleID].map { (p, $0) } }
        return thresholds.map { t in
            var correct = 0
            var tokens = 0
            var kept = 0
            for (a, b) in pairs {
                tokens += a.generatedTokens + (signal == .agreement ? a.agreementTokens ?? 0 : 0)
                if keepsSystem1(a, threshold: t, signal: signal) {
                    kept += 1
                    if a.correct { correct += 1 }
                } else {
                    tokens += b.generatedTokens
                    if b.correct { correct += 1 }
                }
            }
            let n = Double(max(1, pairs.count))
            return Point(
                threshold: t, accuracy: ProportionEstimate(successes: correct, total: pairs.count),
                meanGeneratedTokens: Double(tokens) / n, system1Share: Double(kept) / n)
        }
    }
}
