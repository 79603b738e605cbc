/// Applies ranked merges to one pre-tokenized word, as GPT-2 BPE does.
///
/// Symbols start as one token per byte; the adjacent pair whose merge has the lowest rank
/// (leftmost on ties) is merged, repeatedly, until no pair has a merge. A heap of candidate
/// pairs over a linked list of symbols keeps long words O(n log n) (llama.cpp's approach);
/// stale heap entries are recognised by their ids no longer matching.
struct BytePairEncoder: Sendable {
    /// The result and rank of merging a pair of token ids.
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    /// (left id << 32 | right id) -> merge.
    let merges: [UInt64: Merge]
    /// token id for each byte value, -1 where the vocabulary has none.
    let byteTokens: [Int32]

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Reusable per-call buffers, so that encoding many words allocates once.
    struct Scratch {
        var ids: [Int32] = []
        var next: [Int32] = []
        var previous: [Int32] = []
        var heap = CandidateHeap<Candidate>()
    }

    /// A pair that may be merged: ordered by rank, then by the left symbol's position.
    struct Candidate: HeapOrdered {
        var order: UInt64  // rank << 32 | left position
        var leftID: Int32
        var rightID: Int32

        func precedes(_ other: Candidate) -> Bool { order < other.order }
    }

    /// Token ids of one word (its UTF-8 bytes), appended to `output`. Bytes without a token
    /// are left out before merging, as HF's BPE does without an unknown token (SmolLM2's
    /// vocabulary lacks 21 bytes, e.g. 0x04 and 0xC0, which valid text rarely or never holds).
    func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32], scratch: inout Scratch) {
        if bytes.count == 1 {
            let id = byteTokens[Int(bytes[0])]
            if id >= 0 { output.append(id) }
            return
        }
        scratch.ids.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.heap.removeAll()
        for byte in bytes {
            let id = byteTokens[Int(byte)]
            guard id >= 0 else { continue }
            let index = scratch.ids.count
            scratch.ids.append(id)
            scratch.next.append(Int32(index + 1))
            scratch.previous.append(Int32(index - 1))
        }
        let count = scratch.ids.count
        if count == 0 { return }
        scratch.next[count - 1] = -1
        for index in 0..<(count - 1) {
            push(left: Int32(index), scratch: &scratch)
        }
        while let candidate = scratch.heap.popFirst() {
            let left = Int(candidate.order & 0xFFFF_FFFF)
            let right = Int(scratch.next[left])
            // stale: one side was merged since this pair was queued
            guard right >= 0, scratch.ids[left] == candidate.leftID, scratch.ids[right] == candidate.rightID else { continue }
            let merged = merges[Self.key(candidate.leftID, candidate.rightID)]!.result
            scratch.ids[left] = merged
            scratch.ids[right] = -1
            let afterRight = scratch.next[right]
            scratch.next[left] = afterRight
            if afterRight >= 0 { scratch.previous[Int(afterRight)] = Int32(left) }
            let before = scratch.previous[left]
            if before >= 0 { push(left: before, scratch: &scratch) }
            if afterRight >= 0 { push(left: Int32(left), scratch: &scratch) }
        }
        var index: Int32 = 0
        while index >= 0 {
            output.append(scratch.ids[Int(index)])
            index = scratch.next[Int(index)]
        }
    }

    /// Queues the pair starting at symbol `left` if the merge table has it.
    @inline(__always)
    private func push(left: Int32, scratch: inout Scratch) {
        let right = scratch.next[Int(left)]
        let leftID = scratch.ids[Int(left)]
        let rightID = scratch.ids[Int(right)]
        guard let merge = merges[Self.key(leftID, rightID)] else { return }
        let candidate = Candidate(order: UInt64(UInt32(merge.rank)) << 32 | UInt64(UInt32(left)), leftID: leftID, rightID: rightID)
        scratch.heap.push(candidate)
    }
}
