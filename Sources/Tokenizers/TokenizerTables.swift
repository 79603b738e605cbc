/// The immutable tables behind a `Tokenizer`: vocabulary, the bytes each token stands for,
/// special tokens, and the model that encodes the text between them. A class so that
/// tokenizer copies share one instance.
final class TokenizerTables: Sendable {
    let tokens: [String]
    let types: [TokenType]
    let index: TokenSpellingIndex
    /// bytes of token i are tokenBytes[tokenOffsets[i]..<tokenOffsets[i+1]].
    let tokenBytes: [UInt8]
    let tokenOffsets: [Int32]
    /// The most bytes one token stands for: a text of B bytes is at least B / this many tokens.
    let longestTokenBytes: Int
    let model: TokenizerModel
    let specials: SpecialTokenMatcher

    init(tokens: [String], types: [TokenType], index: TokenSpellingIndex, model: TokenizerModel) {
        self.tokens = tokens
        self.types = types
        self.index = index
        self.model = model

        // Control and user-defined tokens are literal text; the model spells the others.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokens.count * 8)
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(tokens.count + 1)
        var specialEntries: [SpecialTokenMatcher.Entry] = []
        for (id, token) in tokens.enumerated() {
            switch types[id] {
            case .control, .userDefined:
                bytes.append(contentsOf: token.utf8)
                specialEntries.append(.init(bytes: Array(token.utf8), id: Int32(id), isControl: types[id] == .control))
            case .unused:
                break
            case .normal, .unknown, .byte:
                model.appendBytes(ofSpelling: token, type: types[id], to: &bytes)
            }
            offsets.append(Int32(bytes.count))
        }
        tokenBytes = bytes
        tokenOffsets = offsets
        longestTokenBytes = max(1, zip(offsets.dropFirst(), offsets).map { Int($0 - $1) }.max() ?? 1)
        specials = SpecialTokenMatcher(specialEntries)
    }

    /// Encodes UTF-8 `buffer`: special tokens (control ones only with `parseSpecial`;
    /// user-defined ones always), then the model on the text between them.
    func encode(_ buffer: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, into output: inout [Int32], scratch: inout TokenizerModel.Scratch) {
        if specials.isEmpty {
            model.encode(buffer, startsInput: true, into: &output, scratch: &scratch)
            return
        }
        var afterSpecial = true
        specials.split(buffer, includeControl: parseSpecial) { chunk in
            switch chunk {
            case .special(let id):
                output.append(id)
                afterSpecial = true
            case .text(let range):
                model.encode(UnsafeBufferPointer(rebasing: buffer[range]), startsInput: afterSpecial, into: &output, scratch: &scratch)
                afterSpecial = false
            }
        }
    }

    /// Appends the bytes `id` stands for; out-of-range ids append U+FFFD.
    @inline(__always)
    func appendBytes(of id: Int, skipSpecial: Bool, to bytes: inout [UInt8]) {
        guard id >= 0 && id < tokens.count else {
            bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            return
        }
        if skipSpecial && types[id] == .control { return }
        let start = Int(tokenOffsets[id])
        let end = Int(tokenOffsets[id + 1])
        bytes.append(contentsOf: tokenBytes[start..<end])
    }
}
