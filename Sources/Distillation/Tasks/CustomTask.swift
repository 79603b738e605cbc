/// Any JSONL of `{"input": …, "answer"?: …, "options"?: […]}` asked through a prompt template
/// with an `{input}` placeholder.
public struct CustomTask: DistillationTask {
    public let name: String
    public let answerKind: AnswerKind
    /// The user message, with `{input}` replaced by the record's input.
    public let template: String
    /// How to state the answer (`{format}` in method templates).
    public let format: String

    public init(name: String = "custom", template: String = "{input}", answerKind: AnswerKind = .text, format: String? = nil) {
        self.name = name
        self.template = template
        self.answerKind = answerKind
        self.format = format ?? "Give a short answer."
    }

    public func prompt(for example: TaskExample) -> String {
        var p = template.replacingOccurrences(of: "{input}", with: example.text)
        if !example.options.isEmpty, !template.contains("{options}") { p += "\n" + OptionLetters.render(example.options) }
        return p.replacingOccurrences(of: "{options}", with: OptionLetters.render(example.options))
    }

    public func answerFormat(for example: TaskExample) -> String { format }

    /// Examples of a JSONL file of `input` (required), `answer` and `options` (optional).
    public func load(path: String) throws -> [TaskExample] {
        try JSONLReader.records(path: path).map { r in
            let options = r.has("options") ? try r.strings("options") : []
            var answer = try r.optionalString("answer")
            if let a = answer {
                // A gold answer of the wrong shape would silently score every prediction wrong.
                if answerKind != .text, answerKind != .word, answerKind.parse(a, options: options) == nil {
                    throw r.invalid("answer", "\"\(a)\" is not a \(answerKind.rawValue) answer")
                }
                answer = answerKind.normalize(a)
            }
            return TaskExample(id: "\(r.file):\(r.line)", text: try r.string("input"), options: options, answer: answer)
        }
    }
}
