import Inference

/// One model call of a method run.
public struct CallRecord: Sendable, Hashable, Codable {
    /// The step that made the call.
    public var step: String
    /// For a `forEach` step, the 0-based item.
    public var item: Int?
    /// The prompt sent.
    public var prompt: Prompt
    /// The text generated.
    public var output: String
    /// Why generation ended (`length` flags a truncated output).
    public var finishReason: FinishReason
    /// Prompt tokens of the request. When the first step's samples were drawn in one `n`
    /// request, the prompt is counted once, on sample 0's record.
    public var promptTokens: Int
    /// Tokens generated for this output.
    public var generatedTokens: Int
    /// Wall time of the request (shared by all samples of an `n` request).
    public var latencySeconds: Double
    /// The seed this sample was drawn with.
    public var seed: UInt64

    public init(
        step: String, item: Int? = nil, prompt: Prompt, output: String, finishReason: FinishReason,
        promptTokens: Int, generatedTokens: Int, latencySeconds: Double, seed: UInt64
    ) {
        self.step = step
        self.item = item
        self.prompt = prompt
        self.output = output
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.latencySeconds = latencySeconds
        self.seed = seed
    }
}

/// Everything one sample of a method on one input did: its calls in order and the answer.
public struct MethodTrace: Sendable, Hashable, Codable {
    /// The method's name.
    public var method: String
    /// The input's `TaskExample.id`.
    public var exampleID: String
    /// Which sample of the input this is (its seed: `SampleSeed.seed(runSeed:inputID:sampleIndex:)`).
    public var sampleIndex: Int
    /// The model calls in the order they were made.
    public var calls: [CallRecord]
    /// The output of the answer step.
    public var finalOutput: String
    /// The canonical answer parsed from `finalOutput`, nil when none could be read.
    public var answer: String?

    public init(method: String, exampleID: String, sampleIndex: Int, calls: [CallRecord], finalOutput: String, answer: String?) {
        self.method = method
        self.exampleID = exampleID
        self.sampleIndex = sampleIndex
        self.calls = calls
        self.finalOutput = finalOutput
        self.answer = answer
    }

    /// All generated tokens, intermediate and final: the paper's cost measure.
    public var generatedTokens: Int { calls.reduce(0) { $0 + $1.generatedTokens } }
    /// All prompt tokens.
    public var promptTokens: Int { calls.reduce(0) { $0 + $1.promptTokens } }
    /// Sum of the calls' wall times (calls of one sample run one after another).
    public var latencySeconds: Double { calls.reduce(0) { $0 + $1.latencySeconds } }
}
