/// Greatest common divisor of big integers by Lehmer's algorithm (as CPython's `math.gcd`):
/// Euclid's steps are simulated on the top 60 bits of both numbers in machine words, and only
/// their combined effect is applied to the full numbers — one pass of about four limb products
/// per limb for every ~30 bits removed, instead of one long division per Euclid step.
extension BigInt {
    /// gcd(|a|, |b|). `work` is told the limb products of each pass before it is done, so the
    /// caller can charge them and stop at its deadline.
    static func gcd(_ a: BigInt, _ b: BigInt, work: (Int) throws -> Void) rethrows -> BigInt {
        var x = a.limbs, y = b.limbs
        if cmpMag(x, y) < 0 { swap(&x, &y) }
        while x.count > 2 {
            if y.isEmpty { return BigInt(negative: false, limbs: x) }
            let shift = BigInt(negative: false, limbs: x).bitWidth - 60
            let (A, B, C, D, steps) = lehmerCofactors(Int64(bits64(x, from: shift)), Int64(bits64(y, from: shift)))
            if steps == 0 {
                // The next quotient does not fit in the window: one full Euclid step.
                try work(divisionCost(x.count, y.count))
                (x, y) = (y, BigInt(negative: false, limbs: divModMag(x, y).1).limbs)
                continue
            }
            try work(4 * x.count)
            // The cofactors' signs alternate with each step, so an odd count swaps the roles.
            (x, y) = steps & 1 == 0 ? combine(x, y, A, B, C, D) : combine(y, x, A, B, C, D)
        }
        var u = BigInt(negative: false, limbs: x).smallMagnitude!, v = BigInt(negative: false, limbs: y).smallMagnitude!
        while v != 0 { (u, v) = (v, u % v) }
        return BigInt(magnitude: u)
    }

    /// Euclid's algorithm on the 60-bit leading parts `x >= y`, stopped (Collins' condition) while
    /// its quotients are still certain to be those of the full numbers. Returns the cofactors and
    /// the number of steps k: new x = A·x − B·y, new y = D·y − C·x when k is even, and
    /// new x = A·y − B·x, new y = D·x − C·y when k is odd.
    private static func lehmerCofactors(_ x0: Int64, _ y0: Int64) -> (Int64, Int64, Int64, Int64, Int) {
        var x = x0, y = y0
        var A: Int64 = 1, B: Int64 = 0, C: Int64 = 0, D: Int64 = 1
        var steps = 0
        while y - C != 0 {
            let q = (x + (A - 1)) / (y - C)
            let (qd, o1) = q.multipliedReportingOverflow(by: D)
            let (qy, o2) = q.multipliedReportingOverflow(by: y)
            let (qc, o3) = q.multipliedReportingOverflow(by: C)
            if o1 || o2 || o3 { break }
            let s = B + qd, t = x - qy
            if s > t { break }
            // Cofactors stay below 2^30 with a 60-bit window; stop before `combine` could overflow.
            if s >= 1 << 30 || A + qc >= 1 << 30 { break }
            (x, y) = (y, t)
            (A, B, C, D) = (D, C, s, A + qc)
            steps += 1
        }
        return (A, B, C, D, steps)
    }

    /// (A·u − B·v, D·v − C·u) in one pass, for cofactors below 2^30 when the caller knows
    /// neither is negative.
    private static func combine(_ u: [UInt32], _ v: [UInt32], _ A: Int64, _ B: Int64, _ C: Int64, _ D: Int64)
        -> ([UInt32], [UInt32]) {
        let n = max(u.count, v.count)
        var r = [UInt32](repeating: 0, count: n), w = [UInt32](repeating: 0, count: n)
        r.withUnsafeMutableBufferPointer { r in
            w.withUnsafeMutableBufferPointer { w in
                u.withUnsafeBufferPointer { u in
                    v.withUnsafeBufferPointer { v in
                        var c1: Int64 = 0, c2: Int64 = 0
                        for i in 0..<n {
                            let a = i < u.count ? Int64(u[i]) : 0, b = i < v.count ? Int64(v[i]) : 0
                            let t1 = A &* a &- B &* b &+ c1, t2 = D &* b &- C &* a &+ c2
                            r[i] = UInt32(truncatingIfNeeded: t1); c1 = t1 >> 32
                            w[i] = UInt32(truncatingIfNeeded: t2); c2 = t2 >> 32
                        }
                    }
                }
            }
        }
        while let last = r.last, last == 0 { r.removeLast() }
        while let last = w.last, last == 0 { w.removeLast() }
        return (r, w)
    }

    /// The magnitude divided by 2^shift, truncated to its low 64 bits.
    static func bits64(_ a: [UInt32], from shift: Int) -> UInt64 {
        let w = shift / 32, b = UInt64(shift % 32)
        func limb(_ i: Int) -> UInt64 { i < a.count ? UInt64(a[i]) : 0 }
        let low = limb(w) | limb(w + 1) << 32
        return b == 0 ? low : low >> b | limb(w + 2) << (64 - b)
    }
}
