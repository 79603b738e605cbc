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

    /// File name → contents. Refuses what `Tokenizer` refuses (an unknown model or
    /// pre-tokenizer), so only tokenizers this engine reproduces are exported: byte-level BPE
    /// (SmolLM2) or SentencePiece BPE (Gemma 3, `SentencePieceTokenizerJSON`).
    public static func files(from gguf: GGUFFile) throws -> [String: Data] {
        let tokenizer = try Tokenizer(gguf: gguf)
        let tokens = try gguf.strings("tokenizer.ggml.tokens")
        let types = gguf.metadata["tokenizer.ggml.token_type"] != nil
            ? try gguf.integers("tokenizer.ggml.token_type").map { TokenType(rawValue: $0) ?? .normal }
            : [TokenType](repeating: .normal, count: tokens.count)
        let bos = tokenizer.addsBOSToken ? tokenizer.bosTokenID : nil
        let tokenizerJSON: Data
        let added: [(id: Int, special: Bool)]
        if let splitter = tokenizer.preTokenizer {
            added = types.enumerated().compactMap { id, type in
                switch type {
                case .control: (id, true)
                case .userDefined: (id, false)
                default: nil
                }
            }
            tokenizerJSON = try byteLevelTokenizerJSON(tokens: tokens, merges: try gguf.strings("tokenizer.ggml.merges"),
                                                       added: added, splitter: splitter, bos: bos)
        } else {
            let addsSpacePrefix = gguf.metadata["tokenizer.ggml.add_space_prefix"]?.boolValue ?? true
            added = SentencePieceTokenizerJSON.addedTokens(tokens: tokens, types: types)
            tokenizerJSON = try SentencePieceTokenizerJSON.data(tokens: tokens, added: added, addsSpacePrefix: addsSpacePrefix,
                                                                bos: bos, unknown: tokenizer.unknownTokenID)
        }
        let architecture = gguf.metadata["general.architecture"]?.stringValue ?? "llama"

        var special: [String: String] = [:]
        if let id = tokenizer.bosTokenID { special["bos_token"] = tokens[id] }
        special["eos_token"] = tokens[tokenizer.eosTokenID]
        if let id = tokenizer.unknownTokenID { special["unk_token"] = tokens[id] }
        if let id = tokenizer.paddingTokenID { special["pad_token"] = tokens[id] }
        var config: [String: Any] = special
        config["tokenizer_class"] = tokenizer.preTokenizer != nil ? "GPT2Tokenizer" : architecture.hasPrefix("gemma") ? "GemmaTokenizer" : "LlamaTokenizer"
        config["add_bos_token"] = tokenizer.addsBOSToken
        config["add_eos_token"] = false
        if tokenizer.preTokenizer != nil { config["add_prefix_space"] = false }
        config["clean_up_tokenization_spaces"] = false
        config["model_max_length"] = gguf.metadata["\(architecture).context_length"]?.intValue ?? 2048
        config["added_tokens_decoder"] = Dictionary(uniqueKeysWithValues: added.map { token in
            (String(token.id), ["content": tokens[token.id], "single_word": false, "lstrip": false, "rstrip": false,
                                "normalized": tokenizer.preTokenizer != nil && !token.special, "special": token.special] as [String: Any])
        })
        if let template = gguf.metadata["tokenizer.chat_template"]?.stringValue {
            config["chat_template"] = template
        } else if tokenizer.chatTemplate == .gemma() {
            config["chat_template"] = ChatTemplate.gemma3Source  // the format Tokenizer gives such a file
        }

        func json(_ object: Any) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        }
        return [
            tokenizerFileName: tokenizerJSON,
            configFileName: try json(config),
            specialTokensFileName: try json(special),
        ]
    }

    /// `tokenizers`' post-processor that puts the BOS token before every text.
    static func bosTemplate(token: String, id: Int) -> [String: Any] {
        func bosToken(_ typeID: Int) -> [String: Any] { ["SpecialToken": ["id": token, "type_id": typeID]] }
        func sequence(_ name: String, _ typeID: Int) -> [String: Any] { ["Sequence": ["id": name, "type_id": typeID]] }
        return [
            "type": "TemplateProcessing",
            "single": [bosToken(0), sequence("A", 0)],
            "pair": [bosToken(0), sequence("A", 0), bosToken(1), sequence("B", 1)],
            "special_tokens": [token: ["id": token, "ids": [id], "tokens": [token]]],
        ]
    }

    /// A byte-level BPE vocabulary as `tokenizer.json` (SmolLM2's layout).
    static func byteLevelTokenizerJSON(tokens: [String], merges: [String], added: [(id: Int, special: Bool)],
                                       splitter: PreTokenizer, bos: Int?) throws -> Data {
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
        if let bos { postProcessor = bosTemplate(token: tokens[bos], id: bos) }
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

        return try JSONSerialization.data(withJSONObject: tokenizerJSON, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}
