/// What one system did on one labeled input.
public struct EvaluatedPrediction: Sendable, Hashable, Codable {
    public var exampleID: String
    /// The gold answer.
    public var gold: String
    /// The parsed (majority) answer; nil when none could be read.
    public var answer: String?
    public var correct: Bool
    /// All generated tokens for this input: every step of every sample, intermediate and final
    /// (the paper's count of inference cost).
    public var generatedTokens: Int
    /// Model calls (one per step per sample).
    public var calls: Int
    /// Wall seconds from the first request to the last answer for this input (under the
    /// evaluation's concurrent load, so it includes waiting in the batch).
    public var latencySeconds: Double
    /// Probability the model gave its whole answer (exp of the summed token log-probabilities),
    /// for single greedy calls that asked for log-probabilities; nil otherwise.
    public var confidence: Double?
    /// The final text (of sample 0), for inspection.
    public var output: String
    /// The second router signal: the share of extra cheap samples (2 by default) whose answer
    /// equals this prediction's answer (0, 0.5 or 1); nil when none were drawn.
    public var agreement: Double?
    /// Tokens the agreement samples generated (what the signal costs), nil when none were drawn.
    public var agreementTokens: Int?

    public init(
        exampleID: String, gold: String, answer: String?, correct: Bool, generatedTokens: Int, calls: Int,
        latencySeconds: Double, confidence: Double? = nil, output: String = "", agreement: Double? = nil, agreementTokens: Int? = nil
    ) {
        self.exampleID = exampleID
        self.gold = gold
        self.answer = answer
        self.correct = correct
        self.generatedTokens = generatedTokens
        self.calls = calls
        self.latencySeconds = latencySeconds
        self.confidence = confidence
        self.output = output
        self.agreement = agreement
        self.agreementTokens = agreementTokens
    }
}
