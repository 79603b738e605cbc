/// The project's one seeded random number generator (SplitMix64): the same seed gives the same
/// stream on every platform and Swift version, unlike `SystemRandomNumberGenerator`, so task
/// generators, sampling, initialization, shuffles and test data are reproducible. Modules add
/// the draws they need (uniform floats, integers in a range, permutations) as extensions.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The position in the stream (saved in training checkpoints).
    public private(set) var state: UInt64

    /// Starts the stream at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
