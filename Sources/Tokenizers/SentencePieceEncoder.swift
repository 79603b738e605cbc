/// SentencePiece BPE (`tokenizer.ggml.model = "llama"`: Gemma 3, Llama 2) on text that holds
/// no special tokens, as llama.cpp and SentencePiece encode it:
///
/// - spaces become "▁" (U+2581), and with `addsSpacePrefix` a "▁" goes before text that starts
///   the input or follows a special token;
/// - symbols start as UTF-8 characters; the adjacent pair whose concatenation is a vocabulary
///   piece with the highest score merges, repeatedly (leftmost on ties);
/// - a symbol that is not a piece becomes one `<0xXX>` token per byte (byte fallback), or the
///   unknown token where the vocabulary lacks that byte.
///
/// Pieces are SentencePiece's: normal, user-defined and unused tokens. Control, unknown and
/// byte tokens are never formed by merging, so "<bos>" typed as plain text stays text. A heap of
/// candidate pairs over a linked list of symbols keeps long texts O(n log n) (llama.cpp's
/// bigram queue); stale entries are recognised by the symbols' lengths having changed.
struct SentencePieceEncoder: Sendable {
    let index: TokenSpellingIndex
    /// Merge priority per token (`tokenizer.ggml.scores`): higher merges first.
    let scores: [Float]
    /// Whether a token may be a symbol: a merge result or a starting character.
    let isPiece: [Bool]
    /// `<0xXX>` token id for each byte, -1 where the vocabulary has none.
    let byteTokens: [Int32]
    /// Written for a byte without a byte token; nil leaves such bytes out.
    let unknownID: Int32?
    /// `tokenizer.ggml.add_space_prefix` (llama.cpp's default for SentencePiece: true).
    let addsSpacePrefix: Bool

    /// "▁" in UTF-8.
    static let spaceMark: [UInt8] = [0xE2, 0x96, 0x81]

    /// A run of the text: one character at first, then whatever merged into it.
    struct Symbol {
        var start: Int32
        /// 0 once merged into the symbol on its left.
        var length: Int32
        var previous: Int32
        var next: Int32
        /// The piece it is, or -1 (a character outside the vocabulary).
        var id: Int32
    }

    /// A pair that may merge into `id`; `length` is both symbols' length when it was queued.
    struct Candidate: HeapOrdered {
        var score: Float
        var left: Int32
        var right: Int32
        var length: Int32
        var id: Int32

        /// Higher score first, then the leftmost.
        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    /// Reusable per-call buffers, so that encoding many fragments allocates once.
    struct Scratch {
        var text: [UInt8] = []
        var symbols: [Symbol] = []
        var heap = CandidateHeap<Candidate>()
    }

    /// Appends the ids of `fragment` to `output`. `startsInput` is true for text at the start
    /// of the input or right after a special token (where a space prefix goes).
    func encode(_ fragment: UnsafeBufferPointer<UInt8>, startsInput: Bool, into output: inout [Int32], scratch: inout Scratch) {
        guard !fragment.isEmpty else { return }
        scratch.text.removeAll(keepingCapacity: true)
        if addsSpacePrefix && startsInput { scratch.text.append(contentsOf: Self.spaceMark) }
        for byte in fragment {
            if byte == 0x20 {
                scratch.text.append(contentsOf: Self.spaceMark)
            } else {
                scratch.text.append(byte)
            }
        }
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.heap.removeAll()
        // A second reference to the text's storage (no copy), so that reading it does not
        // overlap the writes to the scratch's other buffers.
        let normalized = scratch.text
        normalized.withUnsafeBufferPointer { text in
            var offset = 0
            while offset < text.count {
                let length = min(Self.utf8Length(lead: text[offset]), text.count - offset)
                let position = Int32(scratch.symbols.count)
                let id = pieceID(in: text, at: offset, length: length)
                scratch.symbols.append(Symbol(start: Int32(offset), length: Int32(length), previous: position - 1, next: position + 1, id: id))
                offset += length
            }
            scratch.symbols[scratch.symbols.count - 1].next = -1
            for left in 0..<(scratch.symbols.count - 1) {
                queuePair(left: Int32(left), text: text, scratch: &scratch)
            }
            while let candidate = scratch.heap.popFirst() {
                let left = Int(candidate.left), right = Int(candidate.right)
                let leftLength = scratch.symbols[left].length, rightLength = scratch.symbols[right].length
                // stale: one side merged elsewhere since the pair was queued
                guard leftLength > 0, rightLength > 0, leftLength + rightLength == candidate.length else { continue }
                scratch.symbols[left].length = candidate.length
                scratch.symbols[left].id = candidate.id
                scratch.symbols[right].length = 0
                let afterRight = scratch.symbols[right].next
                scratch.symbols[left].next = afterRight
                if afterRight >= 0 { scratch.symbols[Int(afterRight)].previous = Int32(left) }
                let before = scratch.symbols[left].previous
                if before >= 0 { queuePair(left: before, text: text, scratch: &scratch) }
                if afterRight >= 0 { queuePair(left: Int32(left), text: text, scratch: &scratch) }
            }
            var position: Int32 = 0
            while position >= 0 {
                let symbol = scratch.symbols[Int(position)]
                if symbol.id >= 0 {
                    output.append(symbol.id)
                } else {
                    for offset in Int(symbol.start)..<Int(symbol.start + symbol.length) {
                        let id = byteTokens[Int(text[offset])]
                        if id >= 0 {
                            output.append(id)
                        } else if let unknownID {
                            output.append(unknownID)
                        }
                    }
                }
                position = symbol.next
            }
        }
    }

    /// The piece spelled by `length` bytes at `offset`, or -1.
    @inline(__always)
    private func pieceID(in text: UnsafeBufferPointer<UInt8>, at offset: Int, length: Int) -> Int32 {
        let id = index.id(of: UnsafeBufferPointer(rebasing: text[offset..<(offset + length)]))
        return id >= 0 && isPiece[Int(id)] ? id : -1
    }

    /// Queues the pair starting at symbol `left` if together they spell a piece.
    @inline(__always)
    private func queuePair(left: Int32, text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) {
        let leftSymbol = scratch.symbols[Int(left)]
        let right = leftSymbol.next
        let length = leftSymbol.length + scratch.symbols[Int(right)].length
        let id = pieceID(in: text, at: Int(leftSymbol.start), length: Int(length))
        guard id >= 0 else { return }
        let candidate = Candidate(score: scores[Int(id)], left: left, right: right, length: length, id: id)
        scratch.heap.push(candidate)
    }

    /// Bytes in the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, as
    /// llama.cpp counts it).
    @inline(__always)
    static func utf8Length(lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}
