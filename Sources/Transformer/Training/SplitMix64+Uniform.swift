import Kernels

extension SplitMix64 {
    /// A uniform float in [-bound, bound].
    public mutating func uniform(_ bound: Float) -> Float {
        Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) * bound
    }
}
