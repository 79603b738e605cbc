/// A kind of problem the pipeline distills: how an input is asked, how an answer is read out
/// of free model text, how answers compare, and which input changes leave the answer alone.
///
/// Tasks are values; loaders and generators produce their `TaskExample`s.
public protocol DistillationTask: Sendable {
    /// The task's name on the command line (`last-letter`, `coin-flip`, ...).
    var name: String { get }

    /// The shape of the answer (how it is parsed, normalised and compared).
    var answerKind: AnswerKind { get }

    /// The input as a user would ask it: the content of the single user message a System 1
    /// model sees, and `{input}` in method templates.
    func prompt(for example: TaskExample) -> String

    /// Named strings method templates may use, besides `{input}` and `{steps.NAME}`:
    /// `{question}`, `{options}`, `{response_a}`, `{response_b}`, `{fields.NAME}`, `{format}`.
    func templateVariables(for example: TaskExample) -> [String: String]

    /// One sentence saying what form the answer takes (`{format}` in method templates), for
    /// example `Give the answer as yes or no.`; methods add how to present it.
    func answerFormat(for example: TaskExample) -> String

    /// The canonical answer stated in `text`, or nil when none can be read.
    func parseAnswer(_ text: String, for example: TaskExample) -> String?

    /// Whether two canonical answers agree.
    func answersMatch(_ a: String, _ b: String) -> Bool

    /// Whether `predicted` is right for `example` (false when the example has no gold answer).
    func isCorrect(_ predicted: String, for example: TaskExample) -> Bool

    /// The answer alone, as a System 1 model should say it: the distillation target.
    func formatAnswer(_ answer: String, for example: TaskExample) -> String

    /// Changes of `example` whose answers, mapped back, must equal the original's; empty when
    /// the task has none. `seed` drives any randomness (option shuffles).
    func perturbations(of example: TaskExample, seed: UInt64) -> [Perturbation]

    /// Worked examples with a gold chain of thought for methods that use `{exemplars}` when the
    /// caller gives none (a generated task makes its own; other tasks have none).
    var fewShotExemplars: [TaskExample] { get }

    /// The same question without what biases it (biased-qa: without the user's opinion), whose
    /// accuracy the S2A paper reports beside the biased one; nil for tasks without such a form.
    func unbiased(_ example: TaskExample) -> TaskExample?
}

extension DistillationTask {
    public var fewShotExemplars: [TaskExample] { [] }

    public func templateVariables(for example: TaskExample) -> [String: String] {
        standardVariables(for: example)
    }

    /// The variables every task provides: input, question, options, responses, format, fields.
    public func standardVariables(for example: TaskExample) -> [String: String] {
        var v: [String: String] = [
            "input": prompt(for: example),
            "question": example.text,
            "options": OptionLetters.render(example.options),
            "format": answerFormat(for: example),
        ]
        if example.responses.count == 2 {
            v["response_a"] = example.responses[0]
            v["response_b"] = example.responses[1]
        }
        for (k, value) in example.fields { v["fields." + k] = value }
        return v
    }

    public func parseAnswer(_ text: String, for example: TaskExample) -> String? {
        answerKind.parse(text, options: example.options)
    }

    public func answersMatch(_ a: String, _ b: String) -> Bool {
        answerKind.matches(a, b)
    }

    public func isCorrect(_ predicted: String, for example: TaskExample) -> Bool {
        guard let gold = example.answer else { return false }
        return answersMatch(predicted, gold)
    }

    public func formatAnswer(_ answer: String, for example: TaskExample) -> String {
        answer
    }

    public func perturbations(of example: TaskExample, seed: UInt64) -> [Perturbation] {
        Perturbation.shuffledOptions(of: example, seed: seed).map { [$0] } ?? []
    }

    public func unbiased(_ example: TaskExample) -> TaskExample? { nil }

    /// The canonical key an answer is counted under in a vote.
    public func voteKey(_ answer: String) -> String {
        answerKind.normalize(answer)
    }
}
