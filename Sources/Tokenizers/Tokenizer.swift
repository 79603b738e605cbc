import ModelFiles

/// A tokenizer built from a GGUF file's metadata: byte-level BPE (`tokenizer.ggml.model` "gpt2",
/// SmolLM2) or SentencePiece BPE ("llama", Gemma 3), with the model's special tokens and chat
/// format.
///
/// A value type: copies share the immutable tables (and the byte-level word cache), so passing
/// it between tasks is cheap and safe.
public struct Tokenizer: Sendable {
    let tables: TokenizerTables

    /// The pre-tokenizer split the file names (`tokenizer.ggml.pre`); nil for SentencePiece,
    /// which merges across the whole text.
    public var preTokenizer: PreTokenizer? {
        if case .byteLevel(let encoder) = tables.model { encoder.preTokenizer } else { nil }
    }
    /// Number of token ids (embedding rows).
    public var vocabularySize: Int { tables.tokens.count }
    /// The most bytes one token stands for (the fewest tokens a text can be is its bytes over this).
    public var longestTokenBytes: Int { tables.longestTokenBytes }
    /// Beginning-of-sequence id (`tokenizer.ggml.bos_token_id`), if the file names one.
    public let bosTokenID: Int?
    /// End-of-sequence id (`tokenizer.ggml.eos_token_id`).
    public let eosTokenID: Int
    /// Unknown-token id, if the file names one.
    public let unknownTokenID: Int?
    /// Padding id, if the file names one.
    public let paddingTokenID: Int?
    /// Whether prompts should start with `bosTokenID` (`tokenizer.ggml.add_bos_token`, default
    /// false). `encode` never adds it; callers that build model inputs from plain text do.
    /// Chats need nothing added: a template that wants BOS writes it (Gemma's does).
    public let addsBOSToken: Bool
    /// Ids that end a generated turn: the eos id and control tokens spelled like an
    /// end-of-turn or end-of-text marker (`<|im_end|>`, `<|endoftext|>`, `<end_of_turn>`, ...).
    public let endOfGenerationTokenIDs: Set<Int>
    /// The control token that closes each chat turn (`<|im_end|>` for ChatML, 2 in SmolLM2;
    /// `<end_of_turn>` for Gemma, 106), nil when the vocabulary has none. Training on chats
    /// puts it after each assistant reply.
    public let endOfTurnTokenID: Int?
    /// The chat formatter, nil when the file has no template and its vocabulary no known
    /// turn markers.
    public let chatTemplate: ChatTemplate?
    /// The file the tokenizer was read from (for messages).
    public let sourcePath: String

    /// Reads the tokenizer and its chat template from `gguf`; an unrecognised chat template
    /// is refused (pass one to `init(gguf:chatTemplate:)` to override it). A file without a
    /// template whose vocabulary has Gemma's `<start_of_turn>` and `<end_of_turn>` control
    /// tokens (Gemma 3's base models) gets Gemma's format.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        var template: ChatTemplate? = nil
        if let source = gguf.metadata["tokenizer.chat_template"]?.stringValue {
            do {
                template = try ChatTemplate(source: source)
            } catch {
                throw .unsupportedChatTemplate(path: gguf.path, reason: error.reason, excerpt: String(source.prefix(160)))
            }
        }
        try self.init(gguf: gguf, chatTemplate: template, inferringMissingTemplate: template == nil)
    }

    /// Reads the tokenizer from `gguf` and formats chats with `chatTemplate` instead of the
    /// file's template (nil: no chat formatting).
    public init(gguf: GGUFFile, chatTemplate: ChatTemplate?) throws(TokenizerError) {
        try self.init(gguf: gguf, chatTemplate: chatTemplate, inferringMissingTemplate: false)
    }

    private init(gguf: GGUFFile, chatTemplate: ChatTemplate?, inferringMissingTemplate: Bool) throws(TokenizerError) {
        let path = gguf.path
        func metadata<T>(_ read: () throws(ModelFileError) -> T) throws(TokenizerError) -> T {
            do { return try read() } catch { throw .metadata(error) }
        }
        let modelName = try metadata { () throws(ModelFileError) in try gguf.string("tokenizer.ggml.model") }
        guard TokenizerModel.supportedNames.contains(modelName) else { throw .unsupportedModel(path: path, model: modelName) }
        let tokens = try metadata { () throws(ModelFileError) in try gguf.strings("tokenizer.ggml.tokens") }
        let rawTypes: [Int]
        if gguf.metadata["tokenizer.ggml.token_type"] != nil {
            rawTypes = try metadata { () throws(ModelFileError) in try gguf.integers("tokenizer.ggml.token_type") }
            guard rawTypes.count == tokens.count else {
                throw .lengthMismatch(path: path, key: "tokenizer.ggml.token_type", count: rawTypes.count, expected: tokens.count)
            }
        } else {
            rawTypes = [Int](repeating: TokenType.normal.rawValue, count: tokens.count)
        }
        let types = rawTypes.map { TokenType(rawValue: $0) ?? .normal }
        let index = TokenSpellingIndex(tokens)
        let model = try TokenizerModel(gguf: gguf, name: modelName, tokens: tokens, types: types, index: index)
        tables = TokenizerTables(tokens: tokens, types: types, index: index, model: model)

        func optionalID(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = gguf.metadata[key]?.intValue else { return nil }
            guard value >= 0 && value < tokens.count else {
                throw .tokenIDOutOfRange(path: path, key: key, id: value, vocabularySize: tokens.count)
            }
            return value
        }
        func controlID(_ spelling: String) -> Int? {
            index.id(of: spelling).flatMap { types[Int($0)] == .control ? Int($0) : nil }
        }
        bosTokenID = try optionalID("tokenizer.ggml.bos_token_id")
        guard let eos = try optionalID("tokenizer.ggml.eos_token_id") else {
            throw .metadata(.missingKey(path: path, key: "tokenizer.ggml.eos_token_id"))
        }
        eosTokenID = eos
        unknownTokenID = try optionalID("tokenizer.ggml.unknown_token_id")
        paddingTokenID = try optionalID("tokenizer.ggml.padding_token_id")
        addsBOSToken = gguf.metadata["tokenizer.ggml.add_bos_token"]?.boolValue ?? false
        var endIDs: Set<Int> = [eos]
        if let eot = try optionalID("tokenizer.ggml.eot_token_id") { endIDs.insert(eot) }
        for marker in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|end_of_text|>"] {
            if let id = controlID(marker) { endIDs.insert(id) }
        }
        endOfGenerationTokenIDs = endIDs

        var template = chatTemplate
        if template == nil && inferringMissingTemplate && controlID("<start_of_turn>") != nil && controlID("<end_of_turn>") != nil {
            template = .gemma()
        }
        self.chatTemplate = template
        let endOfTurnMarkers = [template?.endOfTurnMarker, "<|im_end|>", "<end_of_turn>"].compactMap { $0 }
        endOfTurnTokenID = endOfTurnMarkers.lazy.compactMap(controlID).first
        sourcePath = path
    }

    // MARK: encoding

    /// Token ids of `text` (no BOS added). With `parseSpecial`, control tokens written in the
    /// text (`<|im_start|>`) become their ids; without, they are tokenized as plain text.
    /// User-defined tokens (Gemma's runs of spaces, tabs and newlines, `<b>`, `<table>`) are
    /// always matched whole, as llama.cpp and SentencePiece match them.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 4)
        var scratch = TokenizerModel.Scratch()
        var text = text
        text.withUTF8 { buffer in
            tables.encode(buffer, parseSpecial: parseSpecial, into: &output, scratch: &scratch)
        }
        return output.map(Int.init)
    }

    // MARK: decoding

    /// The text of `ids`. Bytes that do not form valid UTF-8 (a sequence cut short) decode as
    /// U+FFFD; an id outside the vocabulary decodes as U+FFFD. With `skipSpecialTokens`,
    /// control tokens are left out.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { tables.appendBytes(of: id, skipSpecial: skipSpecialTokens, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A decoder that turns ids fed one at a time into text deltas, holding back bytes of a
    /// character until the character is complete.
    public func makeStreamingDecoder(skipSpecialTokens: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, skipSpecialTokens: skipSpecialTokens)
    }

    // MARK: vocabulary

    /// The vocabulary entry of `id` as stored (byte-level "Ġthe", SentencePiece "▁the"), or nil
    /// when out of range.
    public func token(for id: Int) -> String? {
        tables.tokens.indices.contains(id) ? tables.tokens[id] : nil
    }

    /// The id of a vocabulary entry spelled as stored ("Ġthe", "▁the", "<|im_end|>"), byte for
    /// byte (a canonically equivalent spelling is another entry).
    public func id(forToken token: String) -> Int? {
        tables.index.id(of: token).map(Int.init)
    }

    /// The kind of vocabulary entry `id` is, or nil when out of range.
    public func tokenType(for id: Int) -> TokenType? {
        tables.types.indices.contains(id) ? tables.types[id] : nil
    }

    /// The raw bytes `id` decodes to (empty when out of range).
    public func bytes(for id: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        if tables.tokens.indices.contains(id) { tables.appendBytes(of: id, skipSpecial: false, to: &bytes) }
        return bytes
    }

    /// Bytes the vocabulary has no token for, so text holding them does not round-trip:
    /// byte-level BPE leaves them out (as HF and llama.cpp do), SentencePiece writes the
    /// unknown token. SmolLM2 lacks 21, none of them in ordinary text: the control characters
    /// 0x04 0x06 0x13 0x14 0x16 0x1D, and 0xC0 0xC1 0xF1 0xF2 0xF5–0xFF (invalid or
    /// unassigned-plane UTF-8 lead bytes). Gemma 3 has all 256 as `<0xXX>` tokens.
    public var bytesWithoutToken: [UInt8] {
        let byteTokens = tables.model.byteTokens
        return (0..<256).compactMap { byteTokens[$0] < 0 ? UInt8($0) : nil }
    }

    /// Whether generation should stop after `id`.
    public func isEndOfGeneration(_ id: Int) -> Bool {
        endOfGenerationTokenIDs.contains(id)
    }

    // MARK: chat

    /// The prompt text for `turns` as the model's chat template renders it.
    public func render(_ turns: [ChatTurn], addGenerationPrompt: Bool) throws(TokenizerError) -> String {
        guard let chatTemplate else { throw .noChatTemplate(path: sourcePath) }
        return chatTemplate.render(turns, addGenerationPrompt: addGenerationPrompt)
    }

    /// Token ids of the rendered chat. The template's own markers become control tokens;
    /// message roles and contents are tokenized as plain text, so a message that quotes
    /// `<|im_end|>` cannot end its turn early. For ordinary messages this equals
    /// `encode(render(...))`, BOS included where the template writes it (Gemma).
    public func encodeChat(_ turns: [ChatTurn], addGenerationPrompt: Bool) throws(TokenizerError) -> [Int] {
        guard let chatTemplate else { throw .noChatTemplate(path: sourcePath) }
        let segments = chatTemplate.segments(turns, addGenerationPrompt: addGenerationPrompt)
        var output: [Int32] = []
        var scratch = TokenizerModel.Scratch()
        // Plain text is gathered across segments so that BPE sees the same words as it would
        // in the rendered string; it is cut only at control tokens found in template text.
        // User-defined tokens are matched in the gathered text, where one may span a content's
        // end and template text (Gemma: a system message ending in "\n", then "\n\n").
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            pending.withUnsafeBufferPointer { buffer in
                tables.encode(buffer, parseSpecial: false, into: &output, scratch: &scratch)
            }
            pending.removeAll(keepingCapacity: true)
        }
        for segment in segments {
            var text = segment.text
            if !segment.isTemplateText {
                pending.append(contentsOf: text.utf8)
                continue
            }
            text.withUTF8 { buffer in
                tables.specials.split(buffer, includeControl: true, includeUserDefined: false) { chunk in
                    switch chunk {
                    case .text(let range):
                        pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
                    case .special(let id):
                        flush()
                        output.append(id)
                    }
                }
            }
        }
        flush()
        return output.map(Int.init)
    }
}
