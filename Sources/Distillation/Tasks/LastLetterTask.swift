/// Last-letter concatenation (Wei et al. 2022): "Take the last letters of each word in
/// "Elon Musk" and concatenate them." → "nk".
public struct LastLetterTask: DistillationTask {
    public let name = "last-letter"
    public let answerKind = AnswerKind.word

    public init() {}

    /// Four worked examples of two words from a seed no split uses (splits draw seed·1000 + 11,
    /// 22 or 33).
    public var fewShotExemplars: [TaskExample] { Self.generate(count: 4, wordCount: 2, seed: 0xF5E_57) }

    public func prompt(for example: TaskExample) -> String {
        "Take the last letters of each word in \"\(example.text)\" and concatenate them."
    }

    public func answerFormat(for example: TaskExample) -> String {
        "Give the answer as the concatenated letters, in lowercase."
    }

    /// Seeded examples of `wordCount` words (alternating first and last names). Example `i`
    /// depends only on `seed` and `i`, so asking for more examples extends the list.
    public static func generate(count: Int, wordCount: Int = 2, seed: UInt64) -> [TaskExample] {
        (0..<count).map { i in
            var rng = SeededGenerator(seed: seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
            let words = (0..<wordCount).map { rng.pick($0 % 2 == 0 ? NameList.first : NameList.last) }
            return example(words: words, id: "last-letter-\(seed)-\(i)")
        }
    }

    /// The example for `words`, with gold answer, chain of thought and program.
    public static func example(words: [String], id: String) -> TaskExample {
        let letters = words.map { String($0.last!).lowercased() }
        let answer = letters.joined()
        return TaskExample(
            id: id, text: words.joined(separator: " "), answer: answer,
            rationale: Rationale(chainOfThought: chainOfThought(words: words), program: program(words: words)),
            fields: ["words": words.joined(separator: " ")])
    }

    static func chainOfThought(words: [String]) -> String {
        var lines: [String] = []
        var acc = ""
        for w in words {
            let l = String(w.last!).lowercased()
            lines.append("The last letter of \"\(w)\" is \"\(l)\".")
            if acc.isEmpty {
                acc = l
            } else {
                lines.append("Concatenating \"\(acc)\" and \"\(l)\" gives \"\(acc + l)\".")
                acc += l
            }
        }
        lines.append("The answer is \(acc).")
        return lines.joined(separator: " ")
    }

    /// One statement per line, so that a line-level verifier can check each step.
    static func program(words: [String]) -> String {
        var lines = ["def solution():"]
        for (i, w) in words.enumerated() { lines.append("    word\(i + 1) = \"\(w)\"") }
        for i in words.indices { lines.append("    letter\(i + 1) = word\(i + 1)[-1]") }
        lines.append("    result = " + words.indices.map { "letter\($0 + 1)" }.joined(separator: " + "))
        lines.append("    result = result.lower()")
        lines.append("    return result")
        return lines.joined(separator: "\n")
    }
}
