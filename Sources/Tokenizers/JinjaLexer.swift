/// A token inside a Jinja tag. Subscripts with a string key (`x['k']`) are normalised to
/// attribute access (`x . k`), which Jinja treats alike for dictionaries.
enum JinjaToken: Equatable, CustomStringConvertible {
    case name(String)
    case string(String)
    case number(String)
    case symbol(String)

    /// Tokens of space-separated words: names, numbers and symbols (no strings).
    static func words(_ text: String) -> [JinjaToken] {
        text.split(separator: " ").map { word in
            let word = String(word)
            if word.first!.isNumber { return .number(word) }
            if word.first!.isLetter || word.first == "_" { return .name(word) }
            return .symbol(word)
        }
    }

    var description: String {
        switch self {
        case .name(let name): return name
        case .string(let text): return "'\(text)'"
        case .number(let number): return number
        case .symbol(let symbol): return symbol
        }
    }
}

/// Cuts a Jinja template into its tags, applying the whitespace rules HF renders chat
/// templates with (`trim_blocks`, `lstrip_blocks`, and `-` markers); any other text between
/// tags would be output, and such templates are refused.
enum JinjaLexer {
    enum Kind { case statement, expression }

    struct Tag: CustomStringConvertible {
        var kind: Kind
        var tokens: [JinjaToken]

        /// The tag as normalised tokens, for messages: `{% if add_generation_prompt %}`.
        var description: String {
            let body = tokens.map(\.description).joined(separator: " ")
            return kind == .statement ? "{% \(body) %}" : "{{ \(body) }}"
        }
    }

    typealias Failure = ChatTemplate.Unsupported

    static func tags(of source: String) throws(Failure) -> [Tag] {
        let scalars = Array(source.unicodeScalars)
        var tags: [Tag] = []
        var index = 0
        var text: [Unicode.Scalar] = []
        var previousTrimsRight = false
        var previousWasBlock = false
        var seenTag = false

        func checkText(before kind: Kind?, trimsLeft: Bool) throws(Failure) {
            var run = text
            text.removeAll()
            var atLineStart = !seenTag
            if previousTrimsRight {
                while let first = run.first, first.properties.isWhitespace { run.removeFirst() }
            } else if previousWasBlock, run.first == "\n" {
                run.removeFirst()  // trim_blocks
                atLineStart = true
            }
            seenTag = true
            if trimsLeft {
                while let last = run.last, last.properties.isWhitespace { run.removeLast() }
            } else if kind == .statement {
                // lstrip_blocks: spaces and tabs between a line start and a block tag
                var end = run.count
                while end > 0 && (run[end - 1] == " " || run[end - 1] == "\t") { end -= 1 }
                if end == 0 ? atLineStart : run[end - 1] == "\n" {
                    run.removeLast(run.count - end)
                }
            }
            if !run.isEmpty {
                let shown = String(String.UnicodeScalarView(run.prefix(40))).debugDescription
                throw Failure(reason: "text outside tags would be output: \(shown)")
            }
        }

        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, "%{#".unicodeScalars.contains(scalars[index + 1]) else {
                text.append(scalars[index])
                index += 1
                continue
            }
            let opener = scalars[index + 1]
            let closer: Unicode.Scalar = opener == "{" ? "}" : opener
            var bodyStart = index + 2
            let trimsLeft = bodyStart < scalars.count && scalars[bodyStart] == "-"
            if trimsLeft || (bodyStart < scalars.count && scalars[bodyStart] == "+") { bodyStart += 1 }
            // find the closing delimiter outside string literals
            var position = bodyStart
            var quote: Unicode.Scalar? = nil
            var bodyEnd = -1
            while position + 1 < scalars.count {
                let scalar = scalars[position]
                if let open = quote {
                    if scalar == "\\" { position += 2; continue }
                    if scalar == open { quote = nil }
                } else if opener != "#" && (scalar == "'" || scalar == "\"") {
                    quote = scalar
                } else if scalar == closer && scalars[position + 1] == "}" {
                    bodyEnd = position
                    break
                }
                position += 1
            }
            guard bodyEnd >= 0 else { throw Failure(reason: "a tag opened with {\(opener) is never closed") }
            var contentEnd = bodyEnd
            let trimsRight = contentEnd > bodyStart && scalars[contentEnd - 1] == "-"
            if trimsRight || (contentEnd > bodyStart && scalars[contentEnd - 1] == "+") { contentEnd -= 1 }
            index = bodyEnd + 2
            if opener == "#" {
                // a comment outputs nothing; surrounding text is still checked
                try checkText(before: nil, trimsLeft: trimsLeft)
                previousTrimsRight = trimsRight
                previousWasBlock = false
                continue
            }
            let kind: Kind = opener == "%" ? .statement : .expression
            try checkText(before: kind, trimsLeft: trimsLeft)
            let body = String(String.UnicodeScalarView(scalars[bodyStart..<contentEnd]))
            tags.append(Tag(kind: kind, tokens: try tokenize(body)))
            previousTrimsRight = trimsRight
            previousWasBlock = kind == .statement
        }
        try checkText(before: nil, trimsLeft: false)
        return tags
    }

    /// Tokens of a tag's body, with `x['k']` rewritten to `x . k`.
    static func tokenize(_ body: String) throws(Failure) -> [JinjaToken] {
        let scalars = Array(body.unicodeScalars)
        var tokens: [JinjaToken] = []
        var index = 0
        func isNameStart(_ s: Unicode.Scalar) -> Bool { s == "_" || (s.value < 128 && s.properties.isAlphabetic) }
        func isNameContinue(_ s: Unicode.Scalar) -> Bool { isNameStart(s) || ("0"..."9").contains(s) }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if isNameStart(scalar) {
                var end = index
                while end < scalars.count && isNameContinue(scalars[end]) { end += 1 }
                tokens.append(.name(String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
            } else if ("0"..."9").contains(scalar) {
                var end = index
                while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
                tokens.append(.number(String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
            } else if scalar == "'" || scalar == "\"" {
                var literal = String.UnicodeScalarView()
                var position = index + 1
                var closed = false
                while position < scalars.count {
                    let character = scalars[position]
                    if character == scalar { closed = true; break }
                    if character == "\\" && position + 1 < scalars.count {
                        let escaped = scalars[position + 1]
                        switch escaped {
                        case "n": literal.append("\n")
                        case "t": literal.append("\t")
                        case "r": literal.append("\r")
                        case "\\", "'", "\"": literal.append(escaped)
                        default: throw Failure(reason: "unsupported escape \\\(escaped) in a string literal")
                        }
                        position += 2
                        continue
                    }
                    literal.append(character)
                    position += 1
                }
                guard closed else { throw Failure(reason: "unterminated string literal") }
                tokens.append(.string(String(literal)))
                index = position + 1
            } else {
                let two = index + 1 < scalars.count ? String(String.UnicodeScalarView([scalar, scalars[index + 1]])) : ""
                if ["!=", "==", "<=", ">="].contains(two) {
                    tokens.append(.symbol(two))
                    index += 2
                } else {
                    tokens.append(.symbol(String(scalar)))
                    index += 1
                }
            }
        }
        // x [ 'k' ]  ->  x . k
        var normalised: [JinjaToken] = []
        var position = 0
        while position < tokens.count {
            if tokens[position] == .symbol("["), position + 2 < tokens.count,
               case .string(let key) = tokens[position + 1], tokens[position + 2] == .symbol("]"),
               !normalised.isEmpty {
                normalised.append(.symbol("."))
                normalised.append(.name(key))
                position += 3
            } else {
                normalised.append(tokens[position])
                position += 1
            }
        }
        return normalised
    }
}
