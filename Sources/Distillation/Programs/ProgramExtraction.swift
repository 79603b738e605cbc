import Foundation
/// Reading the program out of a model's reply: fenced code (```python … ```, also unclosed),
/// or a plain-text reply where prose surrounds a `def`. Teachers add explanations and fences;
/// students trained on bare programs usually reply with code alone.
public enum ProgramExtraction {
    /// The program in `reply`, trimmed; nil when the reply is empty.
    ///
    /// Rules, in order: the first fenced block that defines `solution` (else the first fenced
    /// block); else, from the first top-level `def` (with the imports just above it) through the
    /// last line that still looks like code; else the whole reply, dedented.
    public static func program(in reply: String) -> String? {
        let text = reply.replacingOccurrences(of: "\r\n", with: "\n")
        let blocks = fencedBlocks(text)
        if let block = blocks.first(where: { $0.contains("def solution") }) ?? blocks.first {
            return trimmed(block)
        }
        let lines = text.components(separatedBy: "\n")
        if let start = lines.firstIndex(where: { $0.hasPrefix("def ") }) {
            var first = start
            while first > 0, isImportOrBlank(lines[first - 1]) { first -= 1 }
            var end = start
            var i = start + 1
            while i < lines.count {
                let line = lines[i]
                if line.trimmingCharacters(in: .whitespaces).isEmpty || line.first == " " || line.first == "\t" || looksLikeTopLevelCode(line) {
                    if !line.trimmingCharacters(in: .whitespaces).isEmpty { end = i }
                    i += 1
                } else {
                    break
                }
            }
            return trimmed(lines[first...end].joined(separator: "\n"))
        }
        return trimmed(dedented(text))
    }

    /// The text with the indentation common to its non-blank lines removed.
    static func dedented(_ text: String) -> String {
        let lines = text.components(separatedBy: "\n")
        let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.prefix { $0 == " " || $0 == "\t" }.count }
        guard let common = indents.min(), common > 0 else { return text }
        return lines.map { $0.count >= common ? String($0.dropFirst(common)) : "" }.joined(separator: "\n")
    }

    /// The contents of ``` fences in order; an unclosed last fence runs to the end.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") {
                if let c = current {
                    blocks.append(c.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        if let c = current, !c.isEmpty { blocks.append(c.joined(separator: "\n")) }
        return blocks
    }

    static func isImportOrBlank(_ line: String) -> Bool {
        line.hasPrefix("import ") || line.hasPrefix("from ")
    }

    /// A column-0 line that is code rather than prose: a definition, import, comment, or a
    /// statement starting `name =`, `name(` or `name[`.
    static func looksLikeTopLevelCode(_ line: String) -> Bool {
        for p in ["def ", "import ", "from ", "#", "class ", "@", "if __name__"] where line.hasPrefix(p) { return true }
        var s = Substring(line)
        let name = s.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        guard !name.isEmpty, name.first?.isNumber == false else { return false }
        s = s.dropFirst(name.count).drop { $0 == " " }
        guard let c = s.first else { return false }
        if c == "(" || c == "[" || c == "." { return !line.hasSuffix(".") || line.hasSuffix(")") }
        if c == "=" { return s.dropFirst().first != "=" }
        if "+-*/".contains(c), s.dropFirst().first == "=" { return true }
        return false
    }

    static func trimmed(_ s: String) -> String? {
        var lines = s.components(separatedBy: "\n").map { line -> String in
            var l = line
            while let last = l.last, last == " " || last == "\t" { l.removeLast() }
            return l
        }
        while let f = lines.first, f.isEmpty { lines.removeFirst() }
        while let l = lines.last, l.isEmpty { lines.removeLast() }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// The program with comments, blank lines and trailing spaces removed: two programs with
    /// the same normal form are duplicates.
    public static func normalized(_ program: String) -> String {
        program.components(separatedBy: "\n").map(stripComment).map { line -> String in
            var l = line
            while let last = l.last, last == " " || last == "\t" { l.removeLast() }
            return l
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// The line without a `#` comment (a `#` inside a string literal is kept).
    static func stripComment(_ line: String) -> String {
        var quote: Character? = nil
        var escaped = false
        var out = ""
        for c in line {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                break
            }
            out.append(c)
        }
        return out
    }
}
