import Foundation

/// Removal smoothing (Deng, Choi, Shieber 2024): at each stage an example loses a few more
/// reasoning steps than the stage's count, by an offset `o ≥ 0` with `P(o) ∝ e^(−λo)`, so the
/// step from one stage to the next is not a cliff the whole set falls off at once. With
/// λ = 4, 98% of examples get no offset and about 1 in 55 loses one more step.
public struct RemovalSmoothing: Sendable, Hashable, Codable {
    /// The decay λ of the offset's distribution (> 0; larger means fewer offsets).
    public var lambda: Double

    public init(lambda: Double = 4) {
        self.lambda = lambda
    }

    /// Offsets are capped here: far more steps than any rationale has, and a tiny λ cannot
    /// overflow an Int.
    public static let maximumOffset = 1_000_000

    /// The offset drawn from the stream of `seed`: `⌊−ln(U)/λ⌋` for `U` uniform in (0, 1], so
    /// `P(o ≥ m) = e^(−λm)`, the geometric law with `P(o) ∝ e^(−λo)`.
    public func offset(seed: UInt64) -> Int {
        var random = SeededGenerator(seed: seed)
        let u = 1 - random.nextUnit()
        return Int(min((-log(u) / lambda).rounded(.down), Double(Self.maximumOffset)))
    }

    /// `P(o = k)` under this law (for reports and tests).
    public func probability(ofOffset k: Int) -> Double {
        (1 - exp(-lambda)) * exp(-lambda * Double(k))
    }
}
