/// GPT-2 byte-level BPE (`tokenizer.ggml.model = "gpt2"`: SmolLM2) on text that holds no
/// special tokens: the pre-tokenizer cuts words, each word's bytes merge by rank
/// (`BytePairEncoder`), and short words are remembered in the shared word cache.
struct ByteLevelEncoder: Sendable {
    let preTokenizer: PreTokenizer
    let bytePairs: BytePairEncoder
    let cache: WordCache

    /// Reads `merges` ("left right", best first) against the vocabulary.
    init(path: String, merges: [String], index: TokenSpellingIndex, preTokenizer: PreTokenizer) throws(TokenizerError) {
        self.preTokenizer = preTokenizer
        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            byteTokens[byte] = index.id(of: ByteLevelAlphabet.spell([UInt8(byte)])) ?? -1
        }
        var table: [UInt64: BytePairEncoder.Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            guard let space = merge.firstIndex(of: " ") else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "expected two tokens separated by a space")
            }
            let left = String(merge[..<space])
            let right = String(merge[merge.index(after: space)...])
            guard let leftID = index.id(of: left), let rightID = index.id(of: right) else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "a side is not in the vocabulary")
            }
            guard let resultID = index.id(of: left + right) else {
                throw .malformedMerge(path: path, index: rank, merge: merge, reason: "the merged token \"\(left + right)\" is not in the vocabulary")
            }
            let key = BytePairEncoder.key(leftID, rightID)
            if table[key] == nil {
                table[key] = .init(rank: Int32(rank), result: resultID)
            }
        }
        bytePairs = BytePairEncoder(merges: table, byteTokens: byteTokens)
        cache = WordCache(capacity: 1 << 17)
    }

    /// Appends the ids of `text` to `output`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32], scratch: inout BytePairEncoder.Scratch) {
        preTokenizer.split(text) { range in
            let word = UnsafeBufferPointer(rebasing: text[range])
            if word.count == 1 {
                let id = bytePairs.byteTokens[Int(word[0])]
                if id >= 0 { output.append(id) }
                return
            }
            guard let key = WordCache.Key(word) else {
                bytePairs.encode(word, into: &output, scratch: &scratch)
                return
            }
            if let cached = cache.lookup(key) {
                output.append(contentsOf: cached)
                return
            }
            let start = output.count
            bytePairs.encode(word, into: &output, scratch: &scratch)
            cache.store(key, Array(output[start...]))
        }
    }
}
