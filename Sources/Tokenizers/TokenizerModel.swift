import ModelFiles

/// How text between special tokens becomes ids and how a vocabulary entry is spelled: the
/// algorithm `tokenizer.ggml.model` names.
enum TokenizerModel: Sendable {
    /// "gpt2": byte-level BPE over pre-tokenized words (SmolLM2).
    case byteLevel(ByteLevelEncoder)
    /// "llama": SentencePiece BPE over characters with byte fallback (Gemma 3).
    case sentencePiece(SentencePieceEncoder)

    /// The `tokenizer.ggml.model` values this module implements.
    static let supportedNames = ["gpt2", "llama"]

    /// Reads the model-specific metadata of `gguf` (merges and pre-tokenizer, or scores).
    init(gguf: GGUFFile, name: String, tokens: [String], types: [TokenType], index: TokenSpellingIndex) throws(TokenizerError) {
        let path = gguf.path
        switch name {
        case "gpt2":
            let preName = gguf.metadata["tokenizer.ggml.pre"]?.stringValue ?? "gpt2"
            guard let preTokenizer = PreTokenizer(ggufName: preName) else {
                throw .unsupportedPreTokenizer(path: path, pre: preName)
            }
            let merges: [String]
            do { merges = try gguf.strings("tokenizer.ggml.merges") } catch { throw .metadata(error) }
            self = .byteLevel(try ByteLevelEncoder(path: path, merges: merges, index: index, preTokenizer: preTokenizer))
        case "llama":
            let key = "tokenizer.ggml.scores"
            guard let value = gguf.metadata[key] else { throw .metadata(.missingKey(path: path, key: key)) }
            guard let array = value.arrayValue else { throw .metadata(.wrongValueType(path: path, key: key, expected: "an array of numbers")) }
            guard array.count == tokens.count else {
                throw .lengthMismatch(path: path, key: key, count: array.count, expected: tokens.count)
            }
            var scores: [Float] = []
            scores.reserveCapacity(array.count)
            for element in array {
                guard let score = element.doubleValue else { throw .metadata(.wrongValueType(path: path, key: key, expected: "an array of numbers")) }
                scores.append(Float(score))
            }
            var byteTokens = [Int32](repeating: -1, count: 256)
            for (id, type) in types.enumerated() where type == .byte {
                if let byte = Self.byteOfByteToken(tokens[id]), byteTokens[Int(byte)] < 0 { byteTokens[Int(byte)] = Int32(id) }
            }
            let unknownID = gguf.metadata["tokenizer.ggml.unknown_token_id"]?.intValue
            self = .sentencePiece(SentencePieceEncoder(
                index: index,
                scores: scores,
                isPiece: types.map { $0 == .normal || $0 == .userDefined || $0 == .unused },
                byteTokens: byteTokens,
                unknownID: unknownID.flatMap { tokens.indices.contains($0) ? Int32($0) : nil },
                addsSpacePrefix: gguf.metadata["tokenizer.ggml.add_space_prefix"]?.boolValue ?? true))
        default:
            throw .unsupportedModel(path: path, model: name)
        }
    }

    /// Reusable per-call buffers of either model.
    struct Scratch {
        var bytePairs = BytePairEncoder.Scratch()
        var sentencePiece = SentencePieceEncoder.Scratch()
    }

    /// Appends the ids of `text`, which holds no special tokens, to `output`. `startsInput`:
    /// the text begins the input or follows a special token.
    @inline(__always)
    func encode(_ text: UnsafeBufferPointer<UInt8>, startsInput: Bool, into output: inout [Int32], scratch: inout Scratch) {
        switch self {
        case .byteLevel(let encoder):
            encoder.encode(text, into: &output, scratch: &scratch.bytePairs)
        case .sentencePiece(let encoder):
            encoder.encode(text, startsInput: startsInput, into: &output, scratch: &scratch.sentencePiece)
        }
    }

    /// The token each byte is written as when nothing longer matches (-1: none).
    var byteTokens: [Int32] {
        switch self {
        case .byteLevel(let encoder): encoder.bytePairs.byteTokens
        case .sentencePiece(let encoder): encoder.byteTokens
        }
    }

    /// Appends the bytes a normal, unknown or byte token stands for. Byte-level vocabularies
    /// spell bytes in GPT-2's alphabet ("Ġthe"); SentencePiece writes spaces as "▁" and raw
    /// bytes as `<0x0A>` tokens. A spelling that does not decode is taken literally.
    func appendBytes(ofSpelling token: String, type: TokenType, to bytes: inout [UInt8]) {
        switch self {
        case .byteLevel:
            if let decoded = ByteLevelAlphabet.bytes(ofSpelling: token) {
                bytes.append(contentsOf: decoded)
            } else {
                bytes.append(contentsOf: token.utf8)
            }
        case .sentencePiece:
            if type == .byte, let byte = Self.byteOfByteToken(token) {
                bytes.append(byte)
                return
            }
            var token = token
            token.withUTF8 { utf8 in
                var offset = 0
                while offset < utf8.count {
                    if utf8[offset] == 0xE2, offset + 2 < utf8.count, utf8[offset + 1] == 0x96, utf8[offset + 2] == 0x81 {
                        bytes.append(0x20)
                        offset += 3
                    } else {
                        bytes.append(utf8[offset])
                        offset += 1
                    }
                }
            }
        }
    }

    /// The byte of a SentencePiece byte token spelled `<0xXX>`.
    static func byteOfByteToken(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}
