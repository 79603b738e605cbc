/// Division of big integers: short division by one limb, and Knuth's algorithm D (TAOCP vol. 2,
/// 4.3.1) for longer divisors, which finds each 32-bit quotient limb from the top two limbs
/// of the running remainder — `(a.count - b.count + 1) * b.count` limb products in all.
extension BigInt {
    /// Short division of a magnitude by one nonzero limb: (quotient, remainder).
    static func divSmall(_ a: [UInt32], _ d: UInt32) -> ([UInt32], UInt32) {
        var q = [UInt32](repeating: 0, count: a.count)
        var rem: UInt64 = 0
        let divisor = UInt64(d)
        var i = a.count - 1
        while i >= 0 {
            let cur = (rem << 32) | UInt64(a[i])
            q[i] = UInt32(truncatingIfNeeded: cur / divisor); rem = cur % divisor
            i -= 1
        }
        return (q, UInt32(truncatingIfNeeded: rem))
    }

    /// Truncating division of normalized magnitudes: (quotient, remainder), which may have
    /// leading zero limbs. `b` is nonzero.
    static func divModMag(_ a: [UInt32], _ b: [UInt32]) -> ([UInt32], [UInt32]) {
        if cmpMag(a, b) < 0 { return ([], a) }
        if b.count == 1 { let (q, r) = divSmall(a, b[0]); return (q, r == 0 ? [] : [r]) }
        let n = b.count, m = a.count - n
        // Normalize so the divisor's top bit is set: the estimate q̂ is then at most 2 too big.
        let shift = b[n - 1].leadingZeroBitCount
        let v = Array(shiftLeftMag(b, shift)[0..<n])
        var u = shiftLeftMag(a, shift)
        if u.count < a.count + 1 { u.append(0) }
        var q = [UInt32](repeating: 0, count: m + 1)
        let base: UInt64 = 1 << 32
        u.withUnsafeMutableBufferPointer { u in
            v.withUnsafeBufferPointer { v in
                let vTop = UInt64(v[n - 1]), vNext = UInt64(v[n - 2])
                var j = m
                while j >= 0 {
                    let top = UInt64(u[j + n]) << 32 | UInt64(u[j + n - 1])
                    var qhat = top / vTop
                    var rhat = top % vTop
                    while qhat >= base || qhat * vNext > (rhat << 32 | UInt64(u[j + n - 2])) {
                        qhat -= 1; rhat += vTop
                        if rhat >= base { break }
                    }
                    // u[j...j+n] -= qhat * v, with a signed borrow carried between limbs.
                    var borrow: Int64 = 0
                    for i in 0..<n {
                        let p = qhat * UInt64(v[i])
                        let t = Int64(u[i + j]) - borrow - Int64(p & 0xFFFF_FFFF)
                        u[i + j] = UInt32(truncatingIfNeeded: t)
                        borrow = Int64(p >> 32) - (t >> 32)
                    }
                    let t = Int64(u[j + n]) - borrow
                    u[j + n] = UInt32(truncatingIfNeeded: t)
                    if t < 0 {
                        // q̂ was one too big (rare): add the divisor back.
                        qhat -= 1
                        var carry: UInt64 = 0
                        for i in 0..<n {
                            let s = UInt64(u[i + j]) + UInt64(v[i]) + carry
                            u[i + j] = UInt32(truncatingIfNeeded: s); carry = s >> 32
                        }
                        u[j + n] = UInt32(truncatingIfNeeded: UInt64(u[j + n]) + carry)
                    }
                    q[j] = UInt32(truncatingIfNeeded: qhat)
                    j -= 1
                }
            }
        }
        let r = shiftRightMag(Array(u[0..<n]), shift)
        return (q, r)
    }

    /// Python floor division and modulo (remainder takes the divisor's sign). `b` is nonzero.
    static func floorDivMod(_ a: BigInt, _ b: BigInt) -> (BigInt, BigInt) {
        let (qm, rm) = divModMag(a.limbs, b.limbs)
        var q = BigInt(negative: a.negative != b.negative, limbs: qm)
        var r = BigInt(negative: a.negative, limbs: rm)
        if !r.isZero && r.negative != b.negative { q = q - BigInt(1); r = r + b }
        return (q, r)
    }
}
