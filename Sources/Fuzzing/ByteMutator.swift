import Distillation
import Inference

/// Byte-level mutations of the kind that break file readers: flipped bits, bytes and integers
/// set to edge values, removed, repeated and inserted runs, and truncation.
struct ByteMutator {
    /// Where mutations may land (for model files: the header, not the weights).
    var region: Range<Int>? = nil
    /// Text pieces inserted now and then (for text formats: delimiters, quotes, keywords).
    var pieces: [String] = []

    static let edgeIntegers: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt64(Int64.max), UInt64.max]

    /// `bytes` with 1 to 4 mutations.
    func mutate(_ bytes: [UInt8], random: inout RandomSource) -> [UInt8] {
        var out = bytes
        for _ in 0..<random.int(in: 1...4) {
            let span = region.map { $0.clamped(to: 0..<max(out.count, 1)) } ?? 0..<max(out.count, 1)
            guard !span.isEmpty, !out.isEmpty else {
                out.append(UInt8(truncatingIfNeeded: random.next()))
                continue
            }
            let at = random.int(in: span.lowerBound...(span.upperBound - 1))
            switch random.int(in: 0...7) {
            case 0: out[at] ^= 1 << UInt8(random.int(in: 0...7))
            case 1: out[at] = UInt8(truncatingIfNeeded: random.next())
            case 2:  // an edge value written as a little-endian integer of 1, 2, 4 or 8 bytes
                let width = random.pick([1, 2, 4, 8])
                let value = random.pick(Self.edgeIntegers)
                for k in 0..<width where at + k < out.count { out[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
            case 3: out.removeSubrange(at..<min(out.count, at + random.int(in: 1...16)))
            case 4:
                let run = Array(out[at..<min(out.count, at + random.int(in: 1...32))])
                out.insert(contentsOf: run, at: at)
            case 5 where !pieces.isEmpty: out.insert(contentsOf: Array(random.pick(pieces).utf8), at: at)
            case 6: out.swapAt(at, random.int(in: span.lowerBound...(span.upperBound - 1)))
            case 7 where random.int(in: 0...3) == 0: out.removeSubrange(at...)  // truncated
            default: out.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            }
        }
        return out
    }
}
