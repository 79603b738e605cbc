/// Grade-school math word problems (Cobbe et al. 2021), answered with a number.
public struct GSM8KTask: DistillationTask {
    public let name = "gsm8k"
    public let answerKind = AnswerKind.number

    public init() {}

    public func prompt(for example: TaskExample) -> String {
        example.text
    }

    public func answerFormat(for example: TaskExample) -> String {
        "Give the answer as a single number."
    }

    /// Examples of a GSM8K JSONL file: `question`, and `answer` whose last line is `#### N`;
    /// the text before `####` (calculator annotations `<<…>>` removed) is the gold chain of
    /// thought, and the annotations, in order, are its gold program (`goldProgram`).
    public static func load(path: String) throws -> [TaskExample] {
        try JSONLReader.records(path: path).map(example(from:))
    }

    /// One GSM8K record as an example.
    public static func example(from r: JSONLRecord) throws -> TaskExample {
        let question = try r.string("question")
        let solution = try r.string("answer")
        guard let mark = solution.range(of: "####", options: .backwards) else {
            throw r.invalid("answer", "no \"#### <number>\" line")
        }
        let finalText = solution[mark.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = NumberExtraction.numbers(in: finalText).first?.value else {
            throw r.invalid("answer", "\"#### \(finalText)\" is not a number")
        }
        let answer = NumberExtraction.canonical(value)
        var steps = String(solution[..<mark.lowerBound])
        while let open = steps.range(of: "<<"), let close = steps.range(of: ">>", range: open.upperBound..<steps.endIndex) {
            steps.removeSubrange(open.lowerBound..<close.upperBound)
        }
        let cot = steps.trimmingCharacters(in: .whitespacesAndNewlines) + "\nThe answer is \(answer)."
        return TaskExample(
            id: "\(r.file):\(r.line)", text: question, answer: answer,
            rationale: Rationale(chainOfThought: cot, program: goldProgram(solution: solution, answer: value)))
    }

    /// The solution's calculator annotations (`<<48/2=24>>`) as a program, one step a line; a
    /// number equal to an earlier step's result is that step's name, so the lines chain. Nil
    /// when there is no annotation or the last one's result is not the answer. PaD keeps the
    /// program only if it runs to the answer.
    public static func goldProgram(solution: String, answer: Double) -> String? {
        var lines = ["def solution():"]
        var results: [(text: String, name: String)] = []
        var rest = solution[...]
        while let open = rest.range(of: "<<"), let close = rest.range(of: ">>", range: open.upperBound..<rest.endIndex) {
            let annotation = rest[open.upperBound..<close.lowerBound]
            rest = rest[close.upperBound...]
            guard let eq = annotation.lastIndex(of: "=") else { return nil }
            let result = annotation[annotation.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let expression = annotation[..<eq]
            guard !expression.isEmpty, expression.allSatisfy({ "0123456789.+-*/() ".contains($0) }) else { return nil }
            // Numbers that repeat an earlier result become that step's name; operators get spaces.
            var code = ""
            var number = ""
            func flush() {
                if !number.isEmpty { code += results.last { $0.text == number }?.name ?? number }
                number = ""
            }
            for c in expression {
                if c.isNumber || c == "." { number.append(c); continue }
                flush()
                if c != " " { code += "+-*/".contains(c) ? " \(c) " : String(c) }
            }
            flush()
            let name = "step\(results.count + 1)"
            lines.append("    \(name) = \(code)")
            results.append((result, name))
        }
        guard let final = results.last, let last = NumberExtraction.numbers(in: final.text).first?.value,
              abs(last - answer) < 1e-9 else { return nil }
        lines.append("    return \(final.name)")
        return lines.joined(separator: "\n")
    }
}
