/// Stable 64-bit FNV-1a fingerprints (Swift's `Hasher` is seeded per process) of what a
/// training checkpoint depends on.
enum ContentFingerprint {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a of raw bytes, 8 at a time (a word-wise variant: fast enough for 540 MB of weights).
    static func fnv1a(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        let words = bytes.count / 8
        for i in 0..<words {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* prime
        }
        for i in (words * 8)..<bytes.count { hash = (hash ^ UInt64(bytes[i])) &* prime }
        return hash
    }

    /// The sequences' tokens and loss masks, in order, with their lengths.
    static func sequences(_ sequences: [TrainingSequence]) -> UInt64 {
        var hash = offsetBasis
        for sequence in sequences {
            let mask = sequence.lossMask.map { UInt64($0 ? 1 : 0) }
            let values = [UInt64(sequence.tokens.count)] + sequence.tokens.map { UInt64(bitPattern: Int64($0)) } + mask
            hash = values.withUnsafeBytes { fnv1a($0, seed: hash) }
        }
        return hash
    }
}
