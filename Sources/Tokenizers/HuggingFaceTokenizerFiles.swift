import Foundation
import ModelFiles

/// The tokenizer of a GGUF file as the files a Hugging Face model folder carries:
/// `tokenizer.json` (the `tokenizers` library's byte-level BPE: vocabulary, merges, the
/// pre-tokenizer the file names, control and user-defined tokens as added tokens) and
/// `tokenizer_config.json` (special tokens and the chat template), so `AutoTokenizer` loads
/// the folder and encodes as this engine does.
public enum HuggingFaceTokenizerFiles {
    public static let tokenizerFileName = "tokenizer.json"
    public static let configFileName = "tokenizer_config.json"
    public static let specialTokensFileName = "special_tokens_map.json"

    /// A tokenizer this exporter does not write: SentencePiece ones (Gemma) are not exported yet.
    public struct Unsupported: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "\(path): exporting a SentencePiece tokenizer (tokenizer.ggml.model = \"llama\") as tokenizer.json is not implemented; only byte-level BPE (\"gpt2\") is"
        }
    }

    /// File name → contents. Refuses what `Tokenizer` refuses (an unknown model or
    /// pre-tokenizer), and SentencePiece tokenizers, so only byte-level BPE tokenizers this
    /// engine reproduces are exported.
    public static func files(from gguf: GGUFFile) throws -> [String: Data] {
        let tokenizer = try Tokenizer(gguf: gguf)
        guard let splitter = tokenizer.preTokenizer else { throw Unsupported(path: gguf.path) }
        let tokens = try gguf.strings("tokenizer.ggml.tokens")
        let merges = try gguf.strings("tokenizer.ggml.merges")
        let types = gguf.metadata["tokenizer.ggml.token_type"] != nil
            ? try gguf.integers("tokenizer.ggml.token_type").map { TokenType(rawValue: $0) ?? .normal }
            : [TokenType](repeating: .normal, count: tokens.count)

        let added: [(id: Int, special: Bool)] = types.enumerated().compactMap { id, type in
            switch type {
            case .control: (id, true)
            case .userDefined: (id, false)
            default: nil
            }
        }
        func addedToken(_ id: Int, special: Bool) -> [String: Any] {
            ["id": id, "content": tokens[id], "single_word": false, "lstrip": false, "rstrip": false, "normalized": !special, "special": special]
        }
        var vocabulary: [String: Int] = [:]
        for (id, token) in tokens.enumerated() where vocabulary[token] == nil { vocabulary[token] = id }

        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        // SmolLM2's own tokenizer.json: digits split one by one, then GPT-2's regex.
        let preTokenizer: [String: Any] = splitter.isolatesDigits
            ? ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel]]
            : byteLevel
        var postProcessor: [String: Any] = ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true]
        if tokenizer.addsBOSToken, let bos = tokenizer.bosTokenID {
            let bosToken: [String: Any] = ["SpecialToken": ["id": tokens[bos], "type_id": 0]]
            func sequence(_ name: String, _ typeID: Int) -> [String: Any] { ["Sequence": ["id": name, "type_id": typeID]] }
            postProcessor = [
                "type": "TemplateProcessing",
                "single": [bosToken, sequence("A", 0)],
                "pair": [bosToken, sequence("A", 0), bosToken, sequence("B", 1)],
                "special_tokens": [tokens[bos]: ["id": tokens[bos], "ids": [bos], "tokens": [tokens[bos]]]],
            ]
        }
        let tokenizerJSON: [String: Any] = [
            "version": "1.0",
            "truncation": NSNull(), "padding": NSNull(), "normalizer": NSNull(),
            "added_tokens": added.map { addedToken($0.id, special: $0.special) },
            "pre_tokenizer": preTokenizer,
            "post_processor": postProcessor,
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocabulary, "merges": merges,
            ] as [String: Any],
        ]

        var special: [String: String] = [:]
        if let id = tokenizer.bosTokenID { special["bos_token"] = tokens[id] }
        special["eos_token"] = tokens[tokenizer.eosTokenID]
        if let id = tokenizer.unknownTokenID { special["unk_token"] = tokens[id] }
        if let id = tokenizer.paddingTokenID { special["pad_token"] = tokens[id] }
        var config: [String: Any] = special
        config["tokenizer_class"] = "GPT2Tokenizer"
        config["add_bos_token"] = tokenizer.addsBOSToken
        config["add_prefix_space"] = false
        config["clean_up_tokenization_spaces"] = false
        config["model_max_length"] = gguf.metadata["llama.context_length"]?.intValue ?? 2048
        config["added_tokens_decoder"] = Dictionary(uniqueKeysWithValues: added.map { token in
            var entry = addedToken(token.id, special: token.special)
            entry["id"] = nil
            return (String(token.id), entry)
        })
        if let template = gguf.metadata["tokenizer.chat_template"]?.stringValue { config["chat_template"] = template }

        func json(_ object: Any) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        }
        return [
            tokenizerFileName: try json(tokenizerJSON),
            configFileName: try json(config),
            specialTokensFileName: try json(special),
        ]
    }
}
