/// How one system answers during evaluation: a method, an adapter, and how many samples.
public struct EvaluationSystem: Sendable, Hashable, Codable {
    /// The row label.
    public var name: String
    public var method: Method
    /// The adapter name the model knows; nil is the base model.
    public var adapter: String?
    /// 1: one greedy answer. k > 1: majority over k samples at `temperature`.
    public var samples: Int
    public var temperature: Double
    /// Upper bound on generated tokens per call (a step's own bound wins).
    public var maxTokens: Int
    /// Ask for log-probabilities so predictions carry a confidence (single-step, single-sample only).
    public var withConfidence: Bool
    /// With `withConfidence`: also draw this many cheap samples at `temperature` and record how
    /// many agree with the greedy answer (the router's second signal); 0 draws none.
    public var agreementSamples: Int
    /// Answered by the run's separate teacher model (`s2d distill --teacher`), not the student.
    public var onTeacher: Bool

    public init(
        name: String, method: Method, adapter: String? = nil, samples: Int = 1, temperature: Double = 0.7,
        maxTokens: Int = 160, withConfidence: Bool = false, agreementSamples: Int = 0, onTeacher: Bool = false
    ) {
        self.onTeacher = onTeacher
        self.name = name
        self.method = method
        self.adapter = adapter
        self.samples = max(1, samples)
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.withConfidence = withConfidence
        self.agreementSamples = max(0, agreementSamples)
    }
}
