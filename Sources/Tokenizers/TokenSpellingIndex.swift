/// Token ids by their spelling as the vocabulary stores it, looked up by raw UTF-8 bytes.
///
/// SentencePiece merges look up the concatenation of two adjacent symbols, which is a byte
/// range of the text being encoded, so lookups take bytes and allocate nothing. Keys are
/// bytes rather than `String`s, whose equality is canonical equivalence: Gemma's vocabulary
/// holds both "é" and "e\u{301}", and a `[String: Int]` would keep only one of them.
/// Open addressing over a power-of-two table at most half full.
struct TokenSpellingIndex: Sendable {
    /// Spelling of token i is spellings[offsets[i]..<offsets[i+1]].
    private let spellings: [UInt8]
    private let offsets: [Int32]
    /// token id per slot, -1 when empty.
    private let slots: [Int32]
    private let mask: Int

    /// Indexes `tokens`; where two are spelled alike the lower id wins (as llama.cpp's map).
    init(_ tokens: [String]) {
        var spellings: [UInt8] = []
        spellings.reserveCapacity(tokens.count * 8)
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(tokens.count + 1)
        for token in tokens {
            spellings.append(contentsOf: token.utf8)
            offsets.append(Int32(spellings.count))
        }
        var capacity = 16
        while capacity < tokens.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        spellings.withUnsafeBufferPointer { all in
            for id in tokens.indices {
                let spelling = UnsafeBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])])
                var slot = Self.hash(spelling) & mask
                var duplicate = false
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if all[Int(offsets[other])..<Int(offsets[other + 1])].elementsEqual(spelling) {
                        duplicate = true
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if !duplicate { slots[slot] = Int32(id) }
            }
        }
        self.spellings = spellings
        self.offsets = offsets
        self.slots = slots
        self.mask = mask
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The id of the token spelled `bytes`, or -1.
    func id(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var slot = Self.hash(bytes) & mask
        return spellings.withUnsafeBufferPointer { all in
            while true {
                let id = slots[slot]
                if id < 0 { return -1 }
                let start = Int(offsets[Int(id)]), end = Int(offsets[Int(id) + 1])
                if end - start == bytes.count {
                    var offset = 0
                    while offset < bytes.count && all[start + offset] == bytes[offset] { offset += 1 }
                    if offset == bytes.count { return id }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of the token spelled `spelling`, or nil.
    func id(of spelling: String) -> Int32? {
        var spelling = spelling
        let id = spelling.withUTF8 { self.id(of: $0) }
        return id >= 0 ? id : nil
    }
}
