import Foundation
import Inference

/// Universal self-consistency (Chen et al. 2023): for free-form answers that cannot be
/// counted as equal strings, the model itself picks which of N responses agrees most with the others.
public struct UniversalSelfConsistency: Sendable {
    /// The prompt template: `{question}`, `{responses}` (numbered "Response 1" ...), `{count}`.
    public var template: String
    /// Token bound of the selection call (greedy; the reply is one short sentence).
    public var maxTokens: Int

    /// The built-in selection prompt.
    public static let defaultTemplate = """
    Here is a question and {count} responses to it.

    Question:
    {question}

    {responses}

    Compare the final answers of these responses and pick the response whose answer agrees \
    with the largest number of the other responses. Reply with one line: \
    "The most consistent response is Response <number>."
    """

    public init(template: String = UniversalSelfConsistency.defaultTemplate, maxTokens: Int = 64) {
        self.template = template
        self.maxTokens = maxTokens
    }

    /// The greedy parameters of the selection call.
    public var parameters: SamplingParameters { .greedy(maxTokens: maxTokens) }

    /// The selection prompt for `responses` to `question`.
    public func prompt(question: String, responses: [String]) -> Prompt {
        let listed = responses.enumerated().map { "Response \($0.offset + 1):\n\($0.element)" }.joined(separator: "\n\n")
        let vars = ["question": question, "responses": listed, "count": String(responses.count)]
        return .chat([.user(Template.render(template, variables: vars).text)])
    }

    /// The 0-based index of the response the model chose in `text`, or nil. Reads the number
    /// after "most consistent", else "[[N]]", else the last "Response N", else a bare number.
    public static func parseChoice(_ text: String, count: Int) -> Int? {
        func valid(_ n: Double?) -> Int? {
            guard let n, n == n.rounded(), n >= 1, n <= Double(count) else { return nil }
            return Int(n) - 1
        }
        let plain = AnswerExtraction.stripMarkdown(text)
        if let r = plain.range(of: "most consistent", options: [.caseInsensitive, .backwards]) {
            let seg = AnswerExtraction.firstSentence(String(plain[r.upperBound...]))
            if let i = valid(NumberExtraction.numbers(in: seg, includeWords: true).first?.value) { return i }
        }
        if let r = plain.range(of: "[[", options: .backwards),
           let i = valid(NumberExtraction.numbers(in: String(plain[r.upperBound...])).first?.value) {
            return i
        }
        var last: Int? = nil
        var rest = plain[...]
        while let r = rest.range(of: "response", options: .caseInsensitive) {
            let after = rest[r.upperBound...].drop { $0 == " " || $0 == "#" }
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            if let i = valid(Double(digits)) { last = i }
            rest = rest[r.upperBound...]
        }
        if let last { return last }
        let nums = NumberExtraction.numbers(in: plain)
        return nums.count == 1 ? valid(nums[0].value) : nil
    }

    /// The result of one selection call.
    public struct Selection: Sendable, Hashable, Codable {
        /// 0-based index of the chosen response; nil when the reply named none.
        public var index: Int?
        /// The selection call, for the trace.
        public var call: CallRecord
    }

    /// Asks `model` which of `responses` is most consistent.
    public func select(
        model: any LanguageModel, question: String, responses: [String], parameters: SamplingParameters = .greedy(maxTokens: 64),
        adapter: String? = nil
    ) async throws -> Selection {
        let p = prompt(question: question, responses: responses)
        let start = ContinuousClock.now
        let r = try await model.generate(GenerationRequest(prompt: p, n: 1, parameters: parameters, adapter: adapter))
        let d = ContinuousClock.now - start
        guard let c = r.completions.first else {
            throw MethodError.missingCompletion(method: "usc", step: "select", expected: 1, got: 0)
        }
        let call = CallRecord(
            step: "usc-select", prompt: p, output: c.text, finishReason: c.finishReason, promptTokens: r.usage.promptTokens,
            generatedTokens: c.generatedTokens,
            latencySeconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, seed: parameters.seed)
        return Selection(index: Self.parseChoice(c.text, count: responses.count), call: call)
    }
}

/// A universal self-consistency verdict on one input's samples.
public struct UniversalDecision: Sendable, Hashable, Codable {
    /// Accepted: the chosen response's answer. Rejected: no samples, an unparseable choice, or
    /// a reply that named no response. `votes` is the plain tally of the samples' answers.
    public var decision: CurationDecision
    /// The selection call; nil when no call was needed (one sample, or every sample gave the same answer).
    public var selection: UniversalSelfConsistency.Selection?
}

extension UniversalSelfConsistency {
    /// Curation by universal self-consistency: the model reads the samples' final outputs and
    /// names the most consistent one, whose parsed answer is accepted. When at most one sample
    /// exists, or every sample states the same (canonical) answer, the choice is already known
    /// and no call is made.
    public func decide(
        model: any LanguageModel, task: any DistillationTask, example: TaskExample, traces: [MethodTrace], adapter: String? = nil
    ) async throws -> UniversalDecision {
        let keys = traces.map { $0.answer.map(task.voteKey) }
        let tally = VoteTally(answers: keys)
        guard !traces.isEmpty else { return UniversalDecision(decision: .init(outcome: .rejected(.noAnswer), votes: tally), selection: nil) }
        if tally.unparseable == 0, tally.entries.count == 1 {
            return UniversalDecision(decision: .init(outcome: .accepted(tally.entries[0].answer), votes: tally), selection: nil)
        }
        if traces.count == 1 {
            return UniversalDecision(decision: .init(outcome: .rejected(.noAnswer), votes: tally), selection: nil)
        }
        let selection = try await select(
            model: model, question: task.prompt(for: example), responses: traces.map(\.finalOutput), parameters: parameters,
            adapter: adapter)
        guard let index = selection.index else {
            return UniversalDecision(decision: .init(outcome: .rejected(.noSelection(chosen: nil)), votes: tally), selection: selection)
        }
        guard let key = keys[index] else {
            return UniversalDecision(decision: .init(outcome: .rejected(.noSelection(chosen: index + 1)), votes: tally), selection: selection)
        }
        return UniversalDecision(decision: .init(outcome: .accepted(key), votes: tally), selection: selection)
    }
}
