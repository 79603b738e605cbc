import Kernels

/// The sampler's seeded generator: the project's one SplitMix64, so that sample `i` of a
/// request with seed `s` draws the same stream on every platform and Swift version.
public typealias RandomSource = SplitMix64
