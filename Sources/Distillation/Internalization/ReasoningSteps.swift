/// What one reasoning step of a rationale is: a sentence of prose chain of thought, or a line of
/// a program.
public enum ReasoningStepUnit: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ends at `.`, `!` or `?` followed by white space or the end (closing quotes and brackets
    /// stay with their sentence, so `3.5` and `"n".` do not split early), or at a line break.
    case sentence
    /// One non-blank line; blank lines are not steps.
    case line
}

/// A rationale cut into reasoning steps, for stepwise internalization: removing the first `k`
/// steps keeps the rest of the text exactly as written (spacing, indentation), so a stage's
/// target is always a suffix of the curated System 2 output.
public struct ReasoningSteps: Sendable, Hashable {
    /// The rationale.
    public let text: String
    /// How it was cut.
    public let unit: ReasoningStepUnit
    /// Where each step starts in `text`: its first non-space character for sentences, the start
    /// of its line (indentation kept) for lines.
    public let starts: [String.Index]

    public init(_ text: String, unit: ReasoningStepUnit) {
        self.text = text
        self.unit = unit
        switch unit {
        case .sentence: starts = Self.sentenceStarts(text)
        case .line: starts = Self.lineStarts(text)
        }
    }

    /// How many steps the rationale has.
    public var count: Int { starts.count }

    /// The steps, each without surrounding white space.
    public var steps: [String] {
        starts.indices.map { i in
            let end = i + 1 < starts.count ? starts[i + 1] : text.endIndex
            return text[starts[i]..<end].trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The rationale without its first `removed` steps, trailing white space trimmed; empty when
    /// `removed` reaches `count`.
    public func removingFirst(_ removed: Int) -> String {
        precondition(removed >= 0, "cannot remove a negative number of steps")
        guard removed < starts.count else { return "" }
        var rest = text[starts[removed]...]
        while let last = rest.last, last.isWhitespace { rest = rest.dropLast() }
        return String(rest)
    }

    static let terminators: Set<Character> = [".", "!", "?"]
    /// Characters that close a sentence after its terminator (`"n".` ends at the dot, `"yes."` at the quote).
    static let closers: Set<Character> = ["\"", "'", "”", "’", ")", "]", "*"]

    static func sentenceStarts(_ text: String) -> [String.Index] {
        var starts: [String.Index] = []
        var atStart = true
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if atStart {
                if !c.isWhitespace {
                    starts.append(i)
                    atStart = false
                }
                i = text.index(after: i)
                continue
            }
            if c.isNewline {
                atStart = true
                i = text.index(after: i)
                continue
            }
            if terminators.contains(c) {
                var j = text.index(after: i)
                while j < text.endIndex, terminators.contains(text[j]) || closers.contains(text[j]) { j = text.index(after: j) }
                if j == text.endIndex || text[j].isWhitespace { atStart = true }
                i = j
                continue
            }
            i = text.index(after: i)
        }
        return starts
    }

    static func lineStarts(_ text: String) -> [String.Index] {
        var starts: [String.Index] = []
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let end = text[lineStart...].firstIndex(where: \.isNewline) ?? text.endIndex
            if text[lineStart..<end].contains(where: { !$0.isWhitespace }) { starts.append(lineStart) }
            lineStart = end < text.endIndex ? text.index(after: end) : end
        }
        return starts
    }
}
