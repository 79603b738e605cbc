/// The immutable tables behind a `Tokenizer`: vocabulary, merges, special tokens, and the
/// shared word cache. A class so that tokenizer copies share one instance.
final class TokenizerTables: Sendable {
    let tokens: [String]
    let types: [TokenType]
    let tokenIDs: [String: Int32]
    /// bytes of token i are tokenBytes[tokenOffsets[i]..<tokenOffsets[i+1]].
    let tokenBytes: [UInt8]
    let tokenOffsets: [Int32]
    /// The most bytes one token stands for: a text of B bytes is at least B / this many tokens.
    let longestTokenBytes: Int
    let encoder: BytePairEncoder
    let specials: SpecialTokenMatcher
    let preTokenizer: PreTokenizer
    let cache: WordCache

    init(path: String, tokens: [String], types: [TokenType], merges: [String], preTokenizer: PreTokenizer) throws(TokenizerError) {
        self.tokens = tokens
        self.types = types
        self.preTokenizer = preTokenizer
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[token] == nil {
            ids[token] = Int32(id)
        }
        tokenIDs = ids

        // Normal tokens are spelled in the byte-level alphabet; control and user-defined
        // tokens are literal text.
        var bytes: [UInt8] = []
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
            default:
                if let decoded = ByteLevelAlphabet.bytes(ofSpelling: token) {
                    bytes.append(contentsOf: decoded)
                } else {
                    bytes.append(contentsOf: token.utf8)
                }
            }
            offsets.append(Int32(bytes.count))
        }
        tokenBytes = bytes
        tokenOffsets = offsets
        longestTokenBytes = max(1, zip(offsets.dropFirst(), offsets).map { Int($0 - $1) }.max() ?? 1)
        specials = SpecialTokenMatcher(specialEntries)

        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let spelling = ByteLevelAlphabet.spell([UInt8(byte)])
            byteTokens[byte] = ids[spelling] ?? -1
        }

        var table: [UInt64: BytePairEncoder.Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            guard let space = merge.firstIndex(of: " ") else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "expected two tokens separated by a space")
            }
            let left = String(merge[..<space])
            let right = String(merge[merge.index(after: space)...])
            guard let leftID = ids[left], let rightID = ids[right] else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "a side is not in the vocabulary")
            }
            guard let resultID = ids[left + right] else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "the merged token \"\(left + right)\" is not in the vocabulary")
            }
            let key = BytePairEncoder.key(leftID, rightID)
            if table[key] == nil {
                table[key] = .init(rank: Int32(rank), result: resultID)
            }
        }
        encoder = BytePairEncoder(merges: table, byteTokens: byteTokens)
        cache = WordCache(capacity: 1 << 17)
    }

    /// Encodes UTF-8 `buffer` (special tokens, then pre-tokenizer words, then BPE).
    func encode(_ buffer: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, useCache: Bool = true, into output: inout [Int32], scratch: inout BytePairEncoder.Scratch) {
        if specials.isEmpty {
            encodePlain(buffer, useCache: useCache, into: &output, scratch: &scratch)
            return
        }
        specials.split(buffer, includeControl: parseSpecial) { chunk in
            switch chunk {
            case .special(let id):
                output.append(id)
            case .text(let range):
                encodePlain(UnsafeBufferPointer(rebasing: buffer[range]), useCache: useCache, into: &output, scratch: &scratch)
            }
        }
    }

    /// Encodes text that contains no special tokens to match.
    private func encodePlain(_ buffer: UnsafeBufferPointer<UInt8>, useCache: Bool, into output: inout [Int32], scratch: inout BytePairEncoder.Scratch) {
        preTokenizer.split(buffer) { range in
            let word = UnsafeBufferPointer(rebasing: buffer[range])
            if word.count == 1 {
                let id = encoder.byteTokens[Int(word[0])]
                if id >= 0 { output.append(id) }
                return
            }
            guard useCache, let key = WordCache.Key(word) else {
                encoder.encode(word, into: &output, scratch: &scratch)
                return
            }
            if let cached = cache.lookup(key) {
                output.append(contentsOf: cached)
                return
            }
            let start = output.count
            encoder.encode(word, into: &output, scratch: &scratch)
            cache.store(key, Array(output[start...]))
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
