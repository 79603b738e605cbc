import Foundation

/// PaD's error injection: small edits of one program line of the kind a student gets wrong (a
/// dropped or added `not`, an off-by-one number, a misspelt string, a swapped operator or
/// operand order, a flipped comparison or boolean). The step verifier learns from programs
/// edited this way whose answer then changes; comment lines are never edited.
public enum ProgramErrorInjection {
    /// Every single edit of `line` (each different from it), in a fixed order.
    public static func edits(of line: String) -> [String] {
        let indent = String(line.prefix { $0 == " " || $0 == "\t" })
        let code = String(line.dropFirst(indent.count))
        guard !code.isEmpty, !code.hasPrefix("#"), !code.hasPrefix("def ") else { return [] }
        var out: [String] = []
        func add(_ edited: String) {
            if edited != code, !out.contains(indent + edited) { out.append(indent + edited) }
        }
        // Negation: drop a `not`, or negate a plain name on the right of an assignment.
        if let range = code.range(of: "not ") { add(code.replacingCharacters(in: range, with: "")) }
        if let rhs = rightHandSide(of: code), isIdentifier(code[rhs...]) {
            add(String(code[..<rhs]) + "not " + String(code[rhs...]))
        }
        for (from, to) in [(" + ", " - "), (" - ", " + "), (" * ", " / "), (" / ", " * "), ("==", "!="), ("!=", "=="),
                           (" < ", " > "), (" > ", " < "), ("True", "False"), ("False", "True")] {
            if let range = code.range(of: from) { add(code.replacingCharacters(in: range, with: to)) }
        }
        if let swapped = swappedOperands(code) { add(swapped) }
        if let number = integerLiteral(in: code), let value = Int(code[number]) { add(code.replacingCharacters(in: number, with: "\(value + 1)")) }
        if let text = stringLiteral(in: code) {
            let last = code[text].last!
            add(code.replacingCharacters(in: text, with: String(code[text].dropLast()) + (last == "x" ? "y" : "x")))
        }
        return out
    }

    /// Where the right-hand side of a plain assignment starts (after `" = "`, so not `==`,
    /// `<=`, `+=`, ...), if the line is one.
    static func rightHandSide(of code: String) -> String.Index? {
        code.range(of: " = ")?.upperBound
    }

    static func isIdentifier<S: StringProtocol>(_ text: S) -> Bool {
        guard let first = text.first, first == "_" || first.isLetter else { return false }
        return text.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } && !["True", "False", "None", "not"].contains(String(text))
    }

    /// `a + b` → `b + a` when the right of an assignment or return is two names and one operator.
    static func swappedOperands(_ code: String) -> String? {
        let lead: String
        if let rhs = rightHandSide(of: code) { lead = String(code[..<rhs]) }
        else if code.hasPrefix("return ") { lead = "return " }
        else { return nil }
        let parts = code.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, ["+", "-", "*", "/"].contains(parts[1]), isIdentifier(parts[0]), isIdentifier(parts[2]), parts[0] != parts[2] else { return nil }
        return lead + parts[2] + " " + parts[1] + " " + parts[0]
    }

    /// The first integer literal outside strings and names (`-1` in `word[-1]` is the `1`).
    static func integerLiteral(in code: String) -> Range<String.Index>? {
        var quote: Character?
        var i = code.startIndex
        while i < code.endIndex {
            let c = code[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c.isNumber, c.isASCII {
                let before = i > code.startIndex ? code[code.index(before: i)] : " "
                var end = i
                while end < code.endIndex, code[end].isNumber, code[end].isASCII { end = code.index(after: end) }
                let after: Character = end < code.endIndex ? code[end] : " "
                if !(before.isLetter || before == "_" || before == ".") && after != "." && !after.isLetter { return i..<end }
                i = end
                continue
            }
            i = code.index(after: i)
        }
        return nil
    }

    /// The contents of the first non-empty string literal (quotes excluded).
    static func stringLiteral(in code: String) -> Range<String.Index>? {
        guard let open = code.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { return nil }
        let start = code.index(after: open)
        guard let close = code[start...].firstIndex(of: code[open]), close > start else { return nil }
        return start..<close
    }
}
