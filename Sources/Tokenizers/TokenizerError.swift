import ModelFiles

/// Why a tokenizer could not be built from a model file, or a chat could not be rendered.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A metadata key is missing or has the wrong type (the GGUF reader's error).
    case metadata(ModelFileError)
    /// `tokenizer.ggml.model` names a tokenizer family this module does not implement.
    case unsupportedModel(path: String, model: String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this module does not implement.
    case unsupportedPreTokenizer(path: String, pre: String)
    /// Two per-token arrays disagree in length.
    case lengthMismatch(path: String, key: String, count: Int, expected: Int)
    /// A merge rule is not "left right" or names tokens missing from the vocabulary.
    case malformedMerge(path: String, index: Int, merge: String, reason: String)
    /// A special-token id (bos, eos, ...) is outside the vocabulary.
    case tokenIDOutOfRange(path: String, key: String, id: Int, vocabularySize: Int)
    /// The chat template is not one this module can render exactly.
    case unsupportedChatTemplate(path: String, reason: String, excerpt: String)
    /// The model file carries no `tokenizer.chat_template`.
    case noChatTemplate(path: String)

    /// What went wrong, naming the file and the metadata key.
    public var description: String {
        switch self {
        case .metadata(let error):
            return error.description
        case .unsupportedModel(let path, let model):
            return "\(path): tokenizer.ggml.model = \"\(model)\" is not supported (implemented: \"gpt2\" byte-level BPE, \"llama\" SentencePiece BPE)"
        case .unsupportedPreTokenizer(let path, let pre):
            return "\(path): tokenizer.ggml.pre = \"\(pre)\" is not supported (known: \(PreTokenizer.supportedNames.joined(separator: ", ")))"
        case .lengthMismatch(let path, let key, let count, let expected):
            return "\(path): \(key) has \(count) entries, expected \(expected) (one per token)"
        case .malformedMerge(let path, let index, let merge, let reason):
            return "\(path): tokenizer.ggml.merges[\(index)] = \"\(merge)\": \(reason)"
        case .tokenIDOutOfRange(let path, let key, let id, let vocabularySize):
            return "\(path): \(key) = \(id) is outside the vocabulary of \(vocabularySize) tokens"
        case .unsupportedChatTemplate(let path, let reason, let excerpt):
            return "\(path): tokenizer.chat_template is not a recognised ChatML or Gemma template (\(reason)); template begins: \(excerpt)"
        case .noChatTemplate(let path):
            return "\(path): the model file has no tokenizer.chat_template, so chats cannot be formatted"
        }
    }
}
