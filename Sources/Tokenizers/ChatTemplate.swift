/// Formats a chat exactly as the model's Jinja chat template would, in one of two formats.
///
/// ChatML (SmolLM2):
///
///     [<|im_start|>system\n{default system message}<|im_end|>\n]   only when the first turn is not "system"
///     <|im_start|>{role}\n{content}<|im_end|>\n                   for every turn
///     [<|im_start|>assistant\n]                                    with addGenerationPrompt
///
/// Gemma 3 (its official template):
///
///     <bos>
///     <start_of_turn>{role}\n[{system content}\n\n]{content, trimmed}<end_of_turn>\n
///                        for every turn after a leading system turn; "assistant" is written
///                        "model", and the system content opens the first of these turns
///     [<start_of_turn>model\n]                                     with addGenerationPrompt
///
/// Gemma's template writes `<bos>` itself, so a rendered Gemma chat starts with it and callers
/// add no BOS to chat prompts (as HF's `apply_chat_template` does). Its template refuses roles
/// that do not alternate user/assistant; this renderer writes them as given.
///
/// There is no Jinja engine here: `init(source:)` recognises ChatML templates (plain, or with
/// a default system message such as SmolLM2's) and Gemma 3's, and refuses anything else with
/// the reason.
public struct ChatTemplate: Sendable, Hashable {
    /// The markup a template writes around turns.
    public enum Format: Sendable, Hashable {
        /// ChatML, with the system message inserted before a chat whose first turn is not a
        /// system turn.
        case chatML(defaultSystemMessage: String?)
        /// Gemma's turns; `systemSeparator` follows the system content inside the first turn
        /// ("\n\n" in Gemma 3's released template).
        case gemma(systemSeparator: String)
    }

    /// The markup.
    public let format: Format
    /// Whether the template has an `add_generation_prompt` block.
    public let supportsGenerationPrompt: Bool

    /// ChatML's system message inserted before a chat whose first turn is not a system turn.
    public var defaultSystemMessage: String? {
        if case .chatML(let message) = format { message } else { nil }
    }

    /// The control token that closes each turn.
    public var endOfTurnMarker: String {
        switch format {
        case .chatML: "<|im_end|>"
        case .gemma: "<end_of_turn>"
        }
    }

    /// ChatML, with an optional default system message.
    public static func chatML(defaultSystemMessage: String? = nil) -> ChatTemplate {
        ChatTemplate(format: .chatML(defaultSystemMessage: defaultSystemMessage), supportsGenerationPrompt: true)
    }

    /// Gemma 3's turn format.
    public static func gemma(systemSeparator: String = "\n\n") -> ChatTemplate {
        ChatTemplate(format: .gemma(systemSeparator: systemSeparator), supportsGenerationPrompt: true)
    }

    init(format: Format, supportsGenerationPrompt: Bool) {
        self.format = format
        self.supportsGenerationPrompt = supportsGenerationPrompt
    }

    /// Recognises a Jinja chat template (as stored in `tokenizer.chat_template`).
    /// - Throws: `ChatTemplate.Unsupported` naming what did not match.
    public init(source: String) throws(Unsupported) {
        self = try ChatTemplateRecognizer.recognise(source)
    }

    /// Why a template was not recognised.
    public struct Unsupported: Error, Equatable, CustomStringConvertible {
        /// What did not match.
        public let reason: String
        /// The reason, for messages.
        public var description: String { "unsupported chat template: \(reason)" }
    }

    /// The prompt text for `turns`; with `addGenerationPrompt`, it ends by opening an
    /// assistant turn for the model to complete.
    public func render(_ turns: [ChatTurn], addGenerationPrompt: Bool) -> String {
        segments(turns, addGenerationPrompt: addGenerationPrompt).map(\.text).joined()
    }

    /// A piece of the rendered prompt, marked by where it came from: the template's own text
    /// (where control tokens are meant) or a message's role or content (plain text).
    struct Segment: Equatable {
        var text: String
        var isTemplateText: Bool
    }

    func segments(_ turns: [ChatTurn], addGenerationPrompt: Bool) -> [Segment] {
        switch format {
        case .chatML(let defaultSystemMessage):
            chatMLSegments(turns, defaultSystemMessage: defaultSystemMessage, addGenerationPrompt: addGenerationPrompt)
        case .gemma(let systemSeparator):
            gemmaSegments(turns, systemSeparator: systemSeparator, addGenerationPrompt: addGenerationPrompt)
        }
    }

    private func chatMLSegments(_ turns: [ChatTurn], defaultSystemMessage: String?, addGenerationPrompt: Bool) -> [Segment] {
        var result: [Segment] = []
        if let defaultSystemMessage, let first = turns.first, first.role != "system" {
            result.append(Segment(text: "<|im_start|>system\n" + defaultSystemMessage + "<|im_end|>\n", isTemplateText: true))
        }
        for turn in turns {
            result.append(Segment(text: "<|im_start|>", isTemplateText: true))
            result.append(Segment(text: turn.role, isTemplateText: false))
            result.append(Segment(text: "\n", isTemplateText: true))
            result.append(Segment(text: turn.content, isTemplateText: false))
            result.append(Segment(text: "<|im_end|>\n", isTemplateText: true))
        }
        if addGenerationPrompt && supportsGenerationPrompt {
            result.append(Segment(text: "<|im_start|>assistant\n", isTemplateText: true))
        }
        return result
    }

    private func gemmaSegments(_ turns: [ChatTurn], systemSeparator: String, addGenerationPrompt: Bool) -> [Segment] {
        var result = [Segment(text: "<bos>", isTemplateText: true)]
        var system: String? = nil
        var loopTurns = turns[...]
        if let first = turns.first, first.role == "system" {
            system = first.content  // not trimmed, as in the template
            loopTurns = turns.dropFirst()
        }
        for (position, turn) in loopTurns.enumerated() {
            result.append(Segment(text: "<start_of_turn>", isTemplateText: true))
            result.append(Segment(text: turn.role == "assistant" ? "model" : turn.role, isTemplateText: false))
            result.append(Segment(text: "\n", isTemplateText: true))
            if position == 0, let system {
                result.append(Segment(text: system, isTemplateText: false))
                result.append(Segment(text: systemSeparator, isTemplateText: true))
            }
            result.append(Segment(text: Self.trimmedAsJinja(turn.content), isTemplateText: false))
            result.append(Segment(text: "<end_of_turn>\n", isTemplateText: true))
        }
        if addGenerationPrompt && supportsGenerationPrompt {
            result.append(Segment(text: "<start_of_turn>model\n", isTemplateText: true))
        }
        return result
    }

    /// `text` without leading and trailing whitespace as Jinja's `trim` (Python's `str.strip`)
    /// counts it: Unicode White_Space plus the separators U+001C–U+001F.
    static func trimmedAsJinja(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(Substring(scalars[first...last]))
    }
}
