/// Why a sample ended.
public enum FinishReason: String, Sendable, Hashable, Codable {
    /// An end-of-turn token or a stop string.
    case stop
    /// `maxTokens` was reached (or the context was full).
    case length
}

/// The log-probability of one generated token and, when asked, of the most likely alternatives.
public struct TokenLogprob: Sendable, Hashable, Codable {
    public var token: String
    public var logprob: Double
    public var top: [Alternative]

    public struct Alternative: Sendable, Hashable, Codable {
        public var token: String
        public var logprob: Double
        public init(token: String, logprob: Double) {
            self.token = token
            self.logprob = logprob
        }
    }

    public init(token: String, logprob: Double, top: [Alternative] = []) {
        self.token = token
        self.logprob = logprob
        self.top = top
    }
}

/// One sample.
public struct Completion: Sendable, Hashable, Codable {
    public var text: String
    public var finishReason: FinishReason
    /// Tokens generated for this sample (including a final end-of-turn token when one was produced).
    public var generatedTokens: Int
    /// Per-token log-probabilities, when the request asked for them.
    public var logprobs: [TokenLogprob]?

    public init(text: String, finishReason: FinishReason, generatedTokens: Int, logprobs: [TokenLogprob]? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.generatedTokens = generatedTokens
        self.logprobs = logprobs
    }
}

/// Token counts, as the OpenAI API reports them. Sums saturate: the counts can come from a
/// remote server, and an absurd one must not trap the process that adds them up.
public struct Usage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int { Self.add(promptTokens, completionTokens) }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }

    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public static func + (a: Usage, b: Usage) -> Usage {
        Usage(promptTokens: add(a.promptTokens, b.promptTokens), completionTokens: add(a.completionTokens, b.completionTokens))
    }
}

/// The answer to one `GenerationRequest`.
public struct GenerationResponse: Sendable, Hashable, Codable {
    public var completions: [Completion]
    public var usage: Usage
    /// The identifier of the model that answered.
    public var model: String

    public init(completions: [Completion], usage: Usage, model: String) {
        self.completions = completions
        self.usage = usage
        self.model = model
    }
}
