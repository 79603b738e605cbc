import Foundation

/// The shape of a task's answer, which decides how it is read out of model text, put in
/// canonical form (the key votes are counted under) and compared.
public enum AnswerKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A number ("$1,250" → "1250"); compared with a relative tolerance.
    case number
    /// "yes" or "no" (true/false read as yes/no).
    case yesNo = "yes-no"
    /// An option letter "A", "B", ...; an answer naming an option's text counts as its letter.
    case choice
    /// A pairwise verdict: "A", "B" or "tie".
    case verdict
    /// A single token such as a letter string ("nkye"); lower-cased, letters and digits only.
    case word
    /// A short free-form answer; lower-cased without punctuation and articles.
    case text
    /// A whole free-form response (an explanation, advice, a story): the text itself, trimmed.
    /// Responses rarely agree word for word, so they are curated by universal self-consistency
    /// (`--curation usc`), which trains System 1 on the response the model chose.
    case response

    /// The canonical answer stated in `text`, or nil when the text states none.
    /// `options` are the multiple-choice options shown to the model (for `.choice`).
    public func parse(_ text: String, options: [String] = []) -> String? {
        if self == .response { return Self.trimmedResponse(text) }
        // An explicit "[[A]]" verdict is the requested format: it beats any prose around it.
        if self == .verdict, let last = Self.bracketVerdicts(AnswerExtraction.stripMarkdown(text)).last { return last }
        for segment in AnswerExtraction.candidateSegments(text) {
            if let v = extract(fromSegment: segment, options: options) { return v }
        }
        return fallback(text, options: options)
    }

    /// Canonical form of an answer that is already isolated (a gold label, a vote key).
    public func normalize(_ answer: String) -> String {
        switch self {
        case .number:
            if let v = NumberExtraction.statedNumber(in: answer) { return NumberExtraction.canonical(v) }
            return answer.trimmingCharacters(in: .whitespacesAndNewlines)
        case .yesNo:
            return Self.yesNo(in: answer) ?? answer.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        case .choice:
            return Self.letter(in: answer, optionCount: 26) ?? answer.trimmingCharacters(in: .whitespacesAndNewlines)
        case .verdict:
            return Self.verdict(in: answer) ?? answer.trimmingCharacters(in: .whitespacesAndNewlines)
        case .word:
            return String(answer.lowercased().filter { $0.isLetter || $0.isNumber })
        case .text:
            return Self.normalizeText(answer)
        case .response:
            return answer.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Whether two answers mean the same (both are normalised first).
    public func matches(_ a: String, _ b: String) -> Bool {
        let x = normalize(a), y = normalize(b)
        if self == .number, let u = Double(x), let v = Double(y) {
            return abs(u - v) <= 1e-6 * max(1, abs(u), abs(v))
        }
        return x == y
    }

    // MARK: - Reading one segment

    func extract(fromSegment segment: String, options: [String]) -> String? {
        switch self {
        case .number:
            return NumberExtraction.statedNumber(in: segment).map(NumberExtraction.canonical)
        case .yesNo:
            return Self.yesNo(in: segment)
        case .choice:
            return Self.letter(in: segment, optionCount: options.count > 1 ? options.count : 26)
                ?? Self.optionByText(in: segment, options: options)
        case .verdict:
            return Self.verdict(in: segment)
        case .word:
            return Self.word(in: segment)
        case .text:
            var s = AnswerExtraction.quoted(segment).first ?? segment
            // "the correct answer is actually Hydrogen": hedges are not part of the answer.
            for hedge in ["actually", "indeed", "definitely", "probably", "most likely", "likely", "in fact", "clearly"] {
                if s.lowercased().hasPrefix(hedge + " ") { s = String(s.dropFirst(hedge.count + 1)) }
            }
            let n = Self.normalizeText(s)
            return n.isEmpty ? nil : n
        case .response:
            return Self.trimmedResponse(segment)
        }
    }

    func fallback(_ text: String, options: [String]) -> String? {
        let plain = AnswerExtraction.stripMarkdown(text)
        switch self {
        case .number:
            return NumberExtraction.numbers(in: plain).last.map { NumberExtraction.canonical($0.value) }
        case .yesNo:
            // A reply that opens with yes/no; otherwise the last yes/no said.
            let words = AnswerExtraction.words(plain.lowercased())
            if let first = words.first, let v = Self.yesNoWord(first) { return v }
            return words.reversed().lazy.compactMap(Self.yesNoWord).first
        case .choice:
            let count = options.count > 1 ? options.count : 26
            // The last "(X)" wins; then a reply that opens with the letter; then option text.
            for q in Self.parenthesizedLetters(plain).reversed() where OptionLetters.index(of: q)! < count { return q }
            if let first = plain.split(separator: "\n").first, let v = Self.letter(in: String(first), optionCount: count),
               Self.opensWithLetter(String(first)) { return v }
            return Self.optionByText(in: plain, options: options)
        case .verdict:
            if let last = Self.bracketVerdicts(plain).last { return last }
            // A bare reply ("B", "Tie.") is the verdict itself.
            if AnswerExtraction.words(plain).count <= 3, let v = Self.verdict(in: plain) { return v }
            // The last sentence that states a preference names the winner first.
            let sentences = plain.components(separatedBy: CharacterSet(charactersIn: ".!\n"))
            let cues = ["better", "prefer", "winner", "superior", "more helpful", "more accurate", "wins", "tie", "equally"]
            for s in sentences.reversed() where cues.contains(where: { s.lowercased().contains($0) }) {
                if let v = Self.verdict(in: s) { return v }
            }
            return nil
        case .word:
            // The last quoted single word ("… gives \"nk\"."), not a quoted copy of the input words.
            for q in AnswerExtraction.quoted(plain).reversed() where AnswerExtraction.words(q).count == 1 {
                if let v = Self.word(in: q) { return v }
            }
            let lines = plain.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if lines.count == 1, AnswerExtraction.words(lines[0]).count <= 4 { return Self.word(in: lines[0]) }
            return nil
        case .text:
            let first = AnswerExtraction.firstSentence(plain)
            let n = Self.normalizeText(first)
            return n.isEmpty ? nil : n
        case .response:
            return Self.trimmedResponse(text)
        }
    }

    /// A response as its own answer: trimmed, nil when nothing is left.
    static func trimmedResponse(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    // MARK: - Pieces

    static func yesNoWord(_ w: String) -> String? {
        switch w.lowercased() {
        case "yes", "true": return "yes"
        case "no", "false": return "no"
        default: return nil
        }
    }

    /// The first yes/no/true/false word of `s`.
    static func yesNo(in s: String) -> String? {
        AnswerExtraction.words(s).lazy.compactMap(yesNoWord).first
    }

    /// Letters written "(B)" in order.
    static func parenthesizedLetters(_ s: String) -> [String] {
        let c = Array(s)
        var out: [String] = []
        guard c.count >= 3 else { return out }
        for i in 0..<(c.count - 2) where c[i] == "(" && c[i + 2] == ")" && c[i + 1].isUppercase && c[i + 1].isASCII {
            out.append(String(c[i + 1]))
        }
        return out
    }

    static func opensWithLetter(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        let c = Array(t)
        guard let f = c.first else { return false }
        if f == "(" { return c.count >= 3 && c[1].isUppercase && c[2] == ")" }
        return f.isUppercase && f.isASCII && (c.count == 1 || [")", ".", ":", " ", ","].contains(c[1]))
            && !(c.count > 1 && c[1] == " " && f == "A" && c.count > 2 && c[2].isLowercase)  // "A dog"
    }

    /// An option letter stated in a short segment: "(B)", "B)", "option B", or a lone capital letter.
    static func letter(in s: String, optionCount: Int) -> String? {
        func ok(_ l: String) -> Bool { (OptionLetters.index(of: l).map { $0 < optionCount }) ?? false }
        if let p = parenthesizedLetters(s).first, ok(p) { return p }
        let words = AnswerExtraction.words(s)
        for (i, w) in words.enumerated() {
            let lw = w.lowercased()
            if (lw == "option" || lw == "choice"), i + 1 < words.count, ok(words[i + 1].uppercased()), words[i + 1].count == 1 {
                return words[i + 1].uppercased()
            }
        }
        // A lone capital: "B", "B.", "B:"; but not the article in "A dog is ..." (capital A followed by lowercase prose).
        for (i, w) in words.enumerated() where w.count == 1 && ok(w) && w.first!.isUppercase {
            if w == "A", i + 1 < words.count, words[i + 1].first?.isLowercase == true,
               !["is", "and", "or"].contains(words[i + 1]) { continue }
            return w
        }
        return nil
    }

    /// The option whose text the segment states (the longest match, so "New York City" beats "York").
    static func optionByText(in s: String, options: [String]) -> String? {
        var best: (Int, Int)? = nil
        for (i, o) in options.enumerated() where !o.isEmpty && AnswerExtraction.containsWords(s, o) {
            if best == nil || o.count > best!.1 { best = (i, o.count) }
        }
        return best.map { OptionLetters.letter($0.0) }
    }

    /// Verdicts written "[[A]]" in order ("[[C]]" is a tie, as in MT-bench judge prompts).
    static func bracketVerdicts(_ s: String) -> [String] {
        var out: [String] = []
        var rest = s[...]
        while let r = rest.range(of: "[[") {
            let after = rest[r.upperBound...]
            if let e = after.range(of: "]]") {
                let inner = after[..<e.lowerBound].trimmingCharacters(in: .whitespaces).uppercased()
                switch inner {
                case "A": out.append("A")
                case "B": out.append("B")
                case "C", "TIE": out.append("tie")
                default: break
                }
                rest = after[e.upperBound...]
            } else {
                break
            }
        }
        return out
    }

    /// A verdict in a short segment: "[[A]]", a tie word, "Response B", "Assistant A",
    /// "Output (b)", or a lone "A"/"B" — whichever comes first.
    static func verdict(in s: String) -> String? {
        if let b = bracketVerdicts(s).first { return b }
        // "Assistant B's answer" names B.
        let words = AnswerExtraction.words(s).map { w in
            w.hasSuffix("'s") || w.hasSuffix("’s") ? String(w.dropLast(2)) : w
        }
        let lower = words.map { $0.lowercased() }
        let tieWords: Set = ["tie", "tied", "equal", "equally"]
        let names: Set = ["response", "assistant", "output", "answer", "model", "option"]
        for (i, w) in lower.enumerated() {
            if tieWords.contains(w) { return "tie" }
            if names.contains(w), i + 1 < lower.count, lower[i + 1] == "a" || lower[i + 1] == "b" {
                return lower[i + 1].uppercased()
            }
            if (words[i] == "A" || words[i] == "B"),
               !(words[i] == "A" && i + 1 < words.count && words[i + 1].first?.isLowercase == true
                 && !["is", "wins"].contains(words[i + 1])) {
                return words[i]
            }
        }
        return nil
    }

    /// Words that introduce an answer rather than being it.
    static let fillerWords: Set<String> = [
        "the", "a", "an", "final", "answer", "result", "is", "so", "thus", "therefore", "we", "get", "gives", "it",
        "this", "that", "which", "last", "letters", "letter", "of", "each", "word", "words", "are", "concatenated",
        "concatenating", "concatenation", "combined", "combining", "together", "them", "string", "output", "be", "will",
        "would", "should", "and", "then", "these", "those", "new", "resulting", "our", "to", "in", "form", "forms",
        "makes", "make", "becomes",
    ]

    /// A single-token answer in a segment: the first quoted string, else the first word that
    /// is not filler; a spelled-out run of single letters ("n, k, y, e" or "n-k-y-e") is joined.
    static func word(in segment: String) -> String? {
        // "\"n\" + \"k\" = \"nk\"" and "Elon Musk → nk": the result follows the last = or arrow.
        var s = segment
        for arrow in ["=", "→", "->", "=>"] {
            if let r = s.range(of: arrow, options: .backwards) {
                let after = String(s[r.upperBound...])
                if !AnswerExtraction.words(after).isEmpty { s = after }
            }
        }
        // "the concatenation of n and k, which is nk": a short result after a linking phrase.
        for link in [" which is ", " which gives ", " gives ", " we get ", " results in ", " resulting in "] {
            if let r = s.range(of: link, options: [.caseInsensitive, .backwards]) {
                let after = String(s[r.upperBound...])
                let content = AnswerExtraction.words(after).filter { !fillerWords.contains($0.lowercased()) }
                if (1...2).contains(content.count) { s = after }
            }
        }
        if let q = AnswerExtraction.quoted(s).first {
            let w = q.lowercased().filter { $0.isLetter || $0.isNumber }
            if !w.isEmpty { return w }
        }
        let spaced = s.replacingOccurrences(of: "-", with: " ")
        let words = AnswerExtraction.words(spaced)
        guard let i = words.firstIndex(where: { !fillerWords.contains($0.lowercased()) }) else { return nil }
        if words[i].count == 1 {
            // Spelled-out letters, possibly joined by "and": "n, k, y and e".
            var run = ""
            var j = i
            while j < words.count, words[j].count == 1 || (words[j].lowercased() == "and" && j + 1 < words.count && words[j + 1].count == 1) {
                if words[j].count == 1 { run += words[j] }
                j += 1
            }
            if run.count > 1 { return run.lowercased() }
        }
        let w = words[i].lowercased().filter { $0.isLetter || $0.isNumber }
        return w.isEmpty ? nil : w
    }

    /// SQuAD-style normalisation: lower case, no punctuation, no articles, single spaces.
    public static func normalizeText(_ s: String) -> String {
        let words = AnswerExtraction.words(s.lowercased().replacingOccurrences(of: "-", with: " "))
        return words.filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }
}
