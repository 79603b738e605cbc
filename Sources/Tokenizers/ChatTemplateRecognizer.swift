/// Recognises the chat templates `ChatTemplate` can render, token by token, so that spacing,
/// quote style, `x['k']` versus `x.k`, and whitespace-control markers do not matter.
///
/// ChatML:
///
///     {% for message in messages %}
///       [{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n…<|im_end|>\n' }}{% endif %}]
///       {{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}
///     {% endfor %}
///     [{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}]
///
/// Gemma 3: tag for tag `ChatTemplate.gemma3Source`, except the string that follows the system
/// content (released as '\n\n'; some conversions write '\n').
enum ChatTemplateRecognizer {
    typealias Failure = ChatTemplate.Unsupported

    /// A template is taken for Gemma's when it writes `<start_of_turn>`, else for ChatML.
    static func recognise(_ source: String) throws(Failure) -> ChatTemplate {
        source.contains("<start_of_turn>") ? try recogniseGemma(source) : try recogniseChatML(source)
    }

    /// Gemma 3's template, cut into tags once.
    static let gemma3Tags: [JinjaLexer.Tag] = try! JinjaLexer.tags(of: ChatTemplate.gemma3Source)

    static func recogniseGemma(_ source: String) throws(Failure) -> ChatTemplate {
        let tags = try JinjaLexer.tags(of: source)
        let separatorHead = JinjaToken.words("set first_user_prefix = messages [ 0 ] . content")
        var separator: String? = nil
        for (position, expected) in gemma3Tags.enumerated() {
            guard position < tags.count else {
                throw Failure(reason: "the template ends at tag \(position + 1) where Gemma 3's has \(expected)")
            }
            let tag = tags[position]
            if expected.kind == .statement, expected.tokens.starts(with: separatorHead), tag.kind == .statement,
               tag.tokens.count >= 2, Array(tag.tokens.dropLast()) == Array(expected.tokens.dropLast()),
               case .string(let literal) = tag.tokens.last!
            {
                guard separator == nil || separator == literal else {
                    throw Failure(reason: "the two spellings of first_user_prefix end differently")
                }
                separator = literal
                continue
            }
            guard tag.kind == expected.kind, tag.tokens == expected.tokens else {
                throw Failure(reason: "tag \(position + 1) is \(tag) where Gemma 3's template has \(expected)")
            }
        }
        guard tags.count == gemma3Tags.count else {
            throw Failure(reason: "unexpected tags after Gemma 3's template: \(tags[gemma3Tags.count])")
        }
        return .gemma(systemSeparator: separator ?? "\n\n")
    }

    static func recogniseChatML(_ source: String) throws(Failure) -> ChatTemplate {
        let tags = try JinjaLexer.tags(of: source)
        var cursor = 0
        func next() -> JinjaLexer.Tag? {
            guard cursor < tags.count else { return nil }
            defer { cursor += 1 }
            return tags[cursor]
        }
        func expectStatement(_ words: [JinjaToken], _ what: String) throws(Failure) {
            guard let tag = next(), tag.kind == .statement, tag.tokens == words else {
                throw Failure(reason: "expected \(what)")
            }
        }
        func peekStatement(_ words: [JinjaToken]) -> Bool {
            cursor < tags.count && tags[cursor].kind == .statement && tags[cursor].tokens == words
        }
        func literalExpression(_ what: String) throws(Failure) -> String {
            guard let tag = next(), tag.kind == .expression else { throw Failure(reason: "expected \(what)") }
            let parts = try concatenation(tag.tokens)
            var text = ""
            for part in parts {
                guard case .text(let literal) = part else { throw Failure(reason: "\(what) must be a string literal") }
                text += literal
            }
            return text
        }

        try expectStatement(JinjaToken.words("for message in messages"), "{% for message in messages %} first")
        var defaultSystem: String? = nil
        let firstCondition = JinjaToken.words("if loop . first and messages [ 0 ] . role != ") + [.string("system")]
        if peekStatement(firstCondition) {
            cursor += 1
            let literal = try literalExpression("the default system message")
            let head = "<|im_start|>system\n", tail = "<|im_end|>\n"
            guard literal.hasPrefix(head), literal.hasSuffix(tail), literal.count >= head.count + tail.count else {
                throw Failure(reason: "the default system turn is not <|im_start|>system\\n…<|im_end|>\\n")
            }
            defaultSystem = String(literal.dropFirst(head.count).dropLast(tail.count))
            try expectStatement(JinjaToken.words("endif"), "{% endif %} after the default system message")
        }
        guard let messageTag = next(), messageTag.kind == .expression else {
            throw Failure(reason: "expected the per-message {{ … }} output")
        }
        let parts = merged(try concatenation(messageTag.tokens))
        let chatML: [MessagePart] = [.text("<|im_start|>"), .role, .text("\n"), .content, .text("<|im_end|>\n")]
        guard parts == chatML else {
            throw Failure(reason: "the per-message output is not '<|im_start|>' + role + '\\n' + content + '<|im_end|>\\n'")
        }
        try expectStatement(JinjaToken.words("endfor"), "{% endfor %} after the message output")
        var generationPrompt = false
        if cursor < tags.count {
            try expectStatement(JinjaToken.words("if add_generation_prompt"), "{% if add_generation_prompt %} after the loop")
            guard try literalExpression("the generation prompt") == "<|im_start|>assistant\n" else {
                throw Failure(reason: "the generation prompt is not '<|im_start|>assistant\\n'")
            }
            try expectStatement(JinjaToken.words("endif"), "{% endif %} after the generation prompt")
            generationPrompt = true
        }
        guard cursor == tags.count else { throw Failure(reason: "unexpected tags after the generation prompt") }
        return ChatTemplate(format: .chatML(defaultSystemMessage: defaultSystem), supportsGenerationPrompt: generationPrompt)
    }

    enum MessagePart: Equatable {
        case text(String)
        case role
        case content
    }

    /// Parses `term (+|~) term …` where a term is a string literal, `message.role` or
    /// `message.content`.
    static func concatenation(_ tokens: [JinjaToken]) throws(Failure) -> [MessagePart] {
        var parts: [MessagePart] = []
        var index = 0
        while true {
            guard index < tokens.count else { throw Failure(reason: "an output expression ends where a term was expected") }
            switch tokens[index] {
            case .string(let literal):
                parts.append(.text(literal))
                index += 1
            case .name("message") where index + 2 < tokens.count && tokens[index + 1] == .symbol("."):
                switch tokens[index + 2] {
                case .name("role"): parts.append(.role)
                case .name("content"): parts.append(.content)
                default: throw Failure(reason: "only message.role and message.content may be output")
                }
                index += 3
            default:
                throw Failure(reason: "unsupported term \(tokens[index]) in an output expression")
            }
            if index == tokens.count { return parts }
            guard tokens[index] == .symbol("+") || tokens[index] == .symbol("~") else {
                throw Failure(reason: "unsupported operator \(tokens[index]) in an output expression")
            }
            index += 1
        }
    }

    /// Joins adjacent literals.
    static func merged(_ parts: [MessagePart]) -> [MessagePart] {
        var result: [MessagePart] = []
        for part in parts {
            if case .text(let next) = part, case .text(let previous)? = result.last {
                result[result.count - 1] = .text(previous + next)
            } else {
                result.append(part)
            }
        }
        return result
    }
}
