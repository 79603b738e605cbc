/// A request for `n` samples continuing a tokenized prompt: the generator's input.
public struct TokenRequest: Sendable {
    /// Prompt token ids (processed once for all `n` samples).
    public var prompt: [Int]
    public var n: Int
    /// Sampling settings; `stop` strings are not read here (see `shouldStop`).
    public var parameters: SamplingParameters
    /// Tokens that end a sample (e.g. `<|im_end|>`); the token is kept as the last generated one.
    public var stopTokens: Set<Int>
    /// A LoRA adapter registered with the generator, or nil for the base model.
    public var adapter: String?
    /// Called with a sample's generated ids after each new token; true ends it (stop strings).
    public var shouldStop: (@Sendable ([Int]) -> Bool)?
    /// Called on the decode thread with (sample index, token) as each token is drawn, for
    /// streaming; keep it short (it runs inside the decode loop).
    public var onToken: (@Sendable (Int, SampledToken) -> Void)?

    public init(
        prompt: [Int], n: Int = 1, parameters: SamplingParameters, stopTokens: Set<Int> = [], adapter: String? = nil,
        shouldStop: (@Sendable ([Int]) -> Bool)? = nil, onToken: (@Sendable (Int, SampledToken) -> Void)? = nil
    ) {
        self.prompt = prompt
        self.n = n
        self.parameters = parameters
        self.stopTokens = stopTokens
        self.adapter = adapter
        self.shouldStop = shouldStop
        self.onToken = onToken
    }
}

/// One finished sample.
public struct TokenSequence: Sendable, Hashable {
    /// Generated ids, including a final stop token when one ended the sample.
    public var tokens: [Int]
    /// Per generated token: its log-probability and alternatives (when the request asked).
    public var logprobs: [SampledToken]
    public var finishReason: FinishReason

    public init(tokens: [Int], logprobs: [SampledToken], finishReason: FinishReason) {
        self.tokens = tokens
        self.logprobs = logprobs
        self.finishReason = finishReason
    }
}

/// Why the generator refused a request.
public enum GenerationError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptyPrompt
    case promptTooLong(tokens: Int, limit: Int)
    /// Refused before tokenization: `bytes` of text are at least `atLeastTokens` tokens however
    /// they are tokenized, which is already past `limit`.
    case promptCertainlyTooLong(bytes: Int, atLeastTokens: Int, limit: Int)
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    case invalidSampleCount(Int)
    case unknownAdapter(String)
    case adapterMismatch(name: String, reason: String)
    case cancelled

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt has no tokens"
        case let .promptTooLong(tokens, limit): "the prompt has \(tokens) tokens; the context holds \(limit) with room for one generated token"
        case let .promptCertainlyTooLong(bytes, tokens, limit):
            "the prompt's \(bytes) bytes are at least \(tokens) tokens; the context holds \(limit) with room for one generated token"
        case let .tokenOutOfRange(token, size): "prompt token \(token) is outside the vocabulary of \(size)"
        case let .invalidSampleCount(n): "n = \(n): the number of samples must be at least 1"
        case let .unknownAdapter(name): "no LoRA adapter named '\(name)' is registered"
        case let .adapterMismatch(name, reason): "LoRA adapter '\(name)' does not fit the model: \(reason)"
        case .cancelled: "the request was cancelled"
        }
    }
}
