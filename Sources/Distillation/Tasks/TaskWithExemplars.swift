/// A task whose `{exemplars}` are given examples (with gold chains of thought) instead of its
/// own: how a task read from a file gets few-shot examples — from its teach split, never its
/// test split. Four of them, as the generated tasks give; everything else is the wrapped task's.
public struct TaskWithExemplars: DistillationTask {
    public let base: any DistillationTask
    public let fewShotExemplars: [TaskExample]

    /// Worked examples shown.
    public static let count = 4

    public init(_ base: any DistillationTask, exemplars: [TaskExample]) {
        self.base = base
        fewShotExemplars = Array(exemplars.filter { $0.rationale?.chainOfThought != nil }.prefix(Self.count))
    }

    public var name: String { base.name }
    public var answerKind: AnswerKind { base.answerKind }
    public func prompt(for example: TaskExample) -> String { base.prompt(for: example) }
    public func templateVariables(for example: TaskExample) -> [String: String] { base.templateVariables(for: example) }
    public func answerFormat(for example: TaskExample) -> String { base.answerFormat(for: example) }
    public func parseAnswer(_ text: String, for example: TaskExample) -> String? { base.parseAnswer(text, for: example) }
    public func answersMatch(_ a: String, _ b: String) -> Bool { base.answersMatch(a, b) }
    public func isCorrect(_ predicted: String, for example: TaskExample) -> Bool { base.isCorrect(predicted, for: example) }
    public func formatAnswer(_ answer: String, for example: TaskExample) -> String { base.formatAnswer(answer, for: example) }
    public func perturbations(of example: TaskExample, seed: UInt64) -> [Perturbation] { base.perturbations(of: example, seed: seed) }
    public func unbiased(_ example: TaskExample) -> TaskExample? { base.unbiased(example) }
}
