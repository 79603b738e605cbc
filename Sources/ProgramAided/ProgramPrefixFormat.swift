import Foundation
import Inference

/// How stepwise decoding asks a model to continue a partly written program. The chat prompt of
/// the `LanguageModel` seam always opens a fresh assistant turn, so the partial program is
/// placed in a text prompt that renders the chat up to the open assistant turn itself.
public enum ProgramPrefixFormat: Sendable {
    /// ChatML, as SmolLM2 and most small instruct models use: the user turn, then an open
    /// assistant turn holding the program so far. The system turn is included when given
    /// (models whose template inserts a default system message should be given it).
    case chatML(systemMessage: String?)
    /// No chat markup: the request as `#` comments, then the program so far.
    case plain
    /// Any other rendering of (user request, program so far).
    case custom(@Sendable (String, String) -> Prompt)

    /// SmolLM2-Instruct's rendering (its template's default system message).
    public static let smolLM2 = ProgramPrefixFormat.chatML(
        systemMessage: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

    /// The student's own chat template (an embedded model's tokenizer: ChatML for SmolLM2, which
    /// gives `smolLM2`'s text; Gemma's turns for Gemma 3): the user turn and the open assistant
    /// turn as its training records were rendered, then the program so far.
    public static func chatTemplate(_ tokenizer: Tokenizer) -> ProgramPrefixFormat {
        .custom { request, programSoFar in
            // One user turn renders with every template the tokenizer accepts (the training
            // chats were rendered the same way); the request alone is the fallback.
            let opening = (try? tokenizer.render([ChatTurn(role: "user", content: request)], addGenerationPrompt: true)) ?? request
            return .text(opening + programSoFar)
        }
    }

    /// The prompt continuing `programSoFar` as the answer to `request`.
    public func prompt(request: String, programSoFar: String) -> Prompt {
        switch self {
        case .chatML(let system):
            var text = ""
            if let system { text += "<|im_start|>system\n\(system)<|im_end|>\n" }
            text += "<|im_start|>user\n\(request)<|im_end|>\n<|im_start|>assistant\n\(programSoFar)"
            return .text(text)
        case .plain:
            let comments = request.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n")
            return .text(comments + "\n" + programSoFar)
        case .custom(let render):
            return render(request, programSoFar)
        }
    }
}
