/// What defines a custom JSONL task on the command line and in `run.json`: the prompt
/// template, the answer's kind and how to state it. A run made with it can rebuild its task.
public struct CustomTaskSpec: Sendable, Hashable, Codable {
    /// The user message; `{input}` is replaced by the record's input, `{options}` by its options.
    public var template: String
    /// How answers are parsed and compared.
    public var answerKind: AnswerKind
    /// The `{format}` sentence; nil gives the kind's default.
    public var answerFormat: String?

    public init(template: String = "{input}", answerKind: AnswerKind = .text, answerFormat: String? = nil) {
        self.template = template
        self.answerKind = answerKind
        self.answerFormat = answerFormat
    }

    /// The task's name on the command line.
    public static let taskName = "custom"

    /// The task this spec describes.
    public var task: CustomTask {
        CustomTask(name: Self.taskName, template: template, answerKind: answerKind, format: answerFormat ?? Self.defaultFormat(answerKind))
    }

    /// The `{format}` sentence of a kind when none is given.
    public static func defaultFormat(_ kind: AnswerKind) -> String {
        switch kind {
        case .number: "Give the answer as a number."
        case .yesNo: "Give the answer as yes or no."
        case .choice: "Give the answer as the letter of one option."
        case .verdict: "Give the verdict as [[A]], [[B]] or [[C]] for a tie."
        case .word: "Give the answer as a single word."
        case .text: "Give a short answer."
        case .response: "Answer in full."
        }
    }

    /// The answer kind named `name`: a kind's name (`number`, `yes-no`, `choice`, `verdict`,
    /// `word`, `text`, `response`) or an alias (`yesno`, `option`); nil when unknown.
    public static func answerKind(named name: String) -> AnswerKind? {
        switch name.lowercased() {
        case "yesno", "yes/no", "boolean": .yesNo
        case "option", "options", "letter": .choice
        default: AnswerKind(rawValue: name.lowercased())
        }
    }
}
