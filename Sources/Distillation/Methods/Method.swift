import Inference

/// A System 1 or System 2 program: named steps, each one model call (or one call per item of
/// an earlier step's list), whose prompt is a template over the input and earlier outputs.
/// The answer is parsed from the output of `answerStep` (by default the last step).
public struct Method: Sendable, Hashable, Codable {
    /// The method's name on the command line.
    public var name: String
    /// One line for humans.
    public var description: String
    /// The calls, in order.
    public var steps: [MethodStep]
    /// The step whose output holds the answer.
    public var answerStep: String
    /// How the answer is read from that output; nil is `.text`. Optional so that the content
    /// hash of every method without it (and so every existing run) stays as it was.
    public var answerFrom: AnswerSource?
    /// Run the whole method twice, the second time on the task's first perturbation of the input
    /// (the judged responses swapped), and answer a tie when the two verdicts, mapped back, differ
    /// (the BSM paper's guard against position bias). Nil (the default) runs once; optional, like
    /// `answerFrom`, so existing methods keep their content hash.
    public var bothOrders: Bool?

    public init(
        name: String, description: String = "", steps: [MethodStep], answerStep: String? = nil, answerFrom: AnswerSource? = nil,
        bothOrders: Bool? = nil
    ) {
        self.bothOrders = bothOrders == true ? true : nil
        self.name = name
        self.description = description
        self.steps = steps
        self.answerStep = answerStep ?? steps.last?.name ?? ""
        self.answerFrom = answerFrom == .text ? nil : answerFrom
    }

    /// Whether a step shows worked examples (`{exemplars}`).
    public var usesExemplars: Bool { steps.contains(where: \.usesExemplars) }
}

/// Where a method's answer comes from.
public enum AnswerSource: String, Sendable, Hashable, Codable {
    /// Parsed from the text by the task ("The answer is …").
    case text
    /// The output holds a Python program (PaD's program-aided reasoning): it is run in the
    /// sandbox and its return value, read as the task's kind of answer, is the answer.
    case program
    /// The answer step runs once per criterion (`for_each`), each output scoring both responses
    /// ("Response A: 4/5, Response B: 2/5"); the response with the larger sum wins and equal sums
    /// are a tie (the BSM paper's merge: arithmetic, no model call). `ScoreSum`.
    case scoreSum = "score_sum"
}

/// One step of a method.
///
/// Template variables: `{input}` (the task's prompt for the example), `{question}`, `{options}`,
/// `{response_a}`, `{response_b}`, `{format}`, `{fields.NAME}` (see `DistillationTask`),
/// `{exemplars}` (worked examples from gold rationales), `{steps.NAME}` (an earlier step's
/// output), and in a `forEach` step `{item}` and `{item_index}`.
public struct MethodStep: Sendable, Hashable, Codable {
    /// The step's name, unique in its method (`{steps.NAME}` refers to its output).
    public var name: String
    /// The user message template.
    public var prompt: String
    /// An optional system message template.
    public var system: String?
    /// Overrides the run's `maxTokens` for this step.
    public var maxTokens: Int?
    /// Overrides the run's temperature for this step.
    public var temperature: Double?
    /// Extra stop strings for this step.
    public var stop: [String]?
    /// When set, the step runs once per list item of that earlier step's output (BSM's
    /// "solve" per criterion); its `{steps.NAME}` is the item outputs joined.
    public var forEach: String?
    /// At most this many items are used (default 5).
    public var maxItems: Int?

    public init(
        name: String, prompt: String, system: String? = nil, maxTokens: Int? = nil, temperature: Double? = nil,
        stop: [String]? = nil, forEach: String? = nil, maxItems: Int? = nil
    ) {
        self.name = name
        self.prompt = prompt
        self.system = system
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stop = stop
        self.forEach = forEach
        self.maxItems = maxItems
    }

    /// The run's sampling parameters with this step's overrides applied.
    public func parameters(from base: SamplingParameters) -> SamplingParameters {
        var p = base
        if let m = maxTokens { p.maxTokens = m }
        if let t = temperature { p.temperature = t }
        if let s = stop { p.stop += s }
        return p
    }

    /// Whether the step shows worked examples (`{exemplars}` in its prompt or system message).
    public var usesExemplars: Bool { (prompt + (system ?? "")).contains("{exemplars}") }
}
