/// Coin flip (Wei et al. 2022): "A coin is heads up. Ka flips the coin. Sherrie does not flip
/// the coin. Is the coin still heads up?" → "yes" or "no".
public struct CoinFlipTask: DistillationTask {
    public let name = "coin-flip"
    public let answerKind = AnswerKind.yesNo

    public init() {}

    /// Four worked examples from a seed no split uses (splits draw seed·1000 + 11, 22 or 33),
    /// with 1 to 4 people so every length is shown.
    public var fewShotExemplars: [TaskExample] { Self.generate(count: 4, flips: 1...4, seed: 0xF5E_57) }

    public func prompt(for example: TaskExample) -> String {
        example.text
    }

    public func answerFormat(for example: TaskExample) -> String {
        "Give the answer as yes or no."
    }

    /// Reads yes/no; failing that, the coin side a statement ends on ("it is tails up" → no).
    /// Questions and the opening "A coin is heads up." are not statements of the answer, so an
    /// echoed prompt reads as no answer.
    public func parseAnswer(_ text: String, for example: TaskExample) -> String? {
        if let v = answerKind.parse(text, options: []) { return v }
        let plain = AnswerExtraction.stripMarkdown(text)
        var sentences: [String] = []
        var current = ""
        for c in plain {
            current.append(c)
            if c == "." || c == "!" || c == "?" || c == "\n" {
                sentences.append(current)
                current = ""
            }
        }
        sentences.append(current)
        let statements = sentences.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.hasSuffix("?") && !$0.lowercased().hasPrefix("a coin is heads up")
        }
        for segment in AnswerExtraction.candidateSegments(text) + statements.reversed() {
            let s = segment.lowercased()
            let heads = s.range(of: "heads", options: .backwards)?.lowerBound
            let tails = s.range(of: "tails", options: .backwards)?.lowerBound
            switch (heads, tails) {
            case (nil, nil): continue
            case (.some(let h), nil): return s[..<h].hasSuffix("not ") ? "no" : "yes"
            case (nil, .some): return "no"
            case (.some(let h), .some(let t)): return h > t ? "yes" : "no"
            }
        }
        return nil
    }

    public func formatAnswer(_ answer: String, for example: TaskExample) -> String {
        answerKind.normalize(answer) == "yes" ? "Yes" : "No"
    }

    public func perturbations(of example: TaskExample, seed: UInt64) -> [Perturbation] { [] }

    /// Seeded examples with between `flips.lowerBound` and `flips.upperBound` people, each
    /// flipping or not. Example `i` depends only on `seed` and `i`.
    public static func generate(count: Int, flips: ClosedRange<Int> = 1...4, seed: UInt64) -> [TaskExample] {
        (0..<count).map { i in
            var rng = SeededGenerator(seed: seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
            let n = rng.int(in: flips)
            var people: [String] = []
            while people.count < n {
                let p = rng.pick(NameList.first)
                if !people.contains(p) { people.append(p) }
            }
            let actions = people.map { (name: $0, flips: rng.bool()) }
            return example(actions: actions, id: "coin-flip-\(seed)-\(i)")
        }
    }

    /// The example for a sequence of people who flip or do not flip the coin.
    public static func example(actions: [(name: String, flips: Bool)], id: String) -> TaskExample {
        var text = "A coin is heads up."
        for a in actions { text += a.flips ? " \(a.name) flips the coin." : " \(a.name) does not flip the coin." }
        text += " Is the coin still heads up?"
        let heads = actions.filter(\.flips).count % 2 == 0
        return TaskExample(
            id: id, text: text, answer: heads ? "yes" : "no",
            rationale: Rationale(chainOfThought: chainOfThought(actions), program: program(actions)),
            fields: ["flips": String(actions.filter(\.flips).count)])
    }

    /// The people and whether each flips, read back from a question in the benchmark's form;
    /// nil when the text is not in that form.
    public static func actions(in question: String) -> [(name: String, flips: Bool)]? {
        let sentences = question.split(separator: ".", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard sentences.count >= 2, sentences[0] == "A coin is heads up",
              sentences.last == "Is the coin still heads up?" else { return nil }
        var out: [(String, Bool)] = []
        for s in sentences.dropFirst().dropLast() {
            if s.hasSuffix(" does not flip the coin") {
                out.append((String(s.dropLast(" does not flip the coin".count)), false))
            } else if s.hasSuffix(" flips the coin") {
                out.append((String(s.dropLast(" flips the coin".count)), true))
            } else {
                return nil
            }
        }
        return out
    }

    static func chainOfThought(_ actions: [(name: String, flips: Bool)]) -> String {
        var heads = true
        var s = ["The coin starts heads up."]
        for a in actions {
            if a.flips {
                heads.toggle()
                s.append("\(a.name) flips the coin, so it is now \(heads ? "heads" : "tails") up.")
            } else {
                s.append("\(a.name) does not flip the coin, so it stays \(heads ? "heads" : "tails") up.")
            }
        }
        s.append("The coin is \(heads ? "heads" : "tails") up, so the answer is \(heads ? "yes" : "no").")
        return s.joined(separator: " ")
    }

    static func program(_ actions: [(name: String, flips: Bool)]) -> String {
        var lines = ["def solution():", "    heads_up = True"]
        for a in actions {
            // The comment first: a student writing left to right then copies who does what from
            // the question before it has to choose the operation (with the comment after the
            // statement, it chose `not` blind and got 29% of the lines wrong).
            lines.append(a.flips ? "    # \(a.name) flips" : "    # \(a.name) does not flip")
            lines.append(a.flips ? "    heads_up = not heads_up" : "    heads_up = heads_up")
        }
        lines += ["    if heads_up:", "        return \"yes\"", "    return \"no\""]
        return lines.joined(separator: "\n")
    }
}
