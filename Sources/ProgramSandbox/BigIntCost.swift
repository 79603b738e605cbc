import Foundation

/// What big-integer operations cost and how large their results can be, from operand sizes
/// alone, so that the interpreter can charge steps and memory before doing the work. Costs are
/// in limb products: one 32×32-bit multiply-add, the inner step of every loop in `BigInt`.
extension BigInt {
    /// Schoolbook product of an `a`-limb and a `b`-limb magnitude.
    static func productCost(_ a: Int, _ b: Int) -> Int { max(1, a.multipliedReportingOverflow(by: b).partialValue) }

    /// Long division of an `a`-limb dividend by a `b`-limb divisor (normalizing shifts included).
    static func divisionCost(_ a: Int, _ b: Int) -> Int {
        a < b ? 1 : (a - b + 1) * b + a + b
    }

    /// Decimal conversion of an `n`-limb magnitude: one short division per nine digits.
    static func decimalCost(_ n: Int) -> Int { productCost(n, n * 32 / 29 + 1) }

    /// log2 of the magnitude (nonzero), accurate to about 1e-15 relative, for any size.
    var log2Magnitude: Double {
        let bits = bitWidth
        if bits <= 64 { return Foundation.log2(Double(smallMagnitude!)) }
        return Foundation.log2(Double(BigInt.bits64(limbs, from: bits - 64))) + Double(bits - 64)
    }
}
