/// An arbitrary-precision signed integer: Python ints overflow into it when an `Int`
/// operation would overflow, so `2**100` works. Magnitude is little-endian base-2^32 limbs,
/// always normalized (no leading zero limbs; zero has no limbs and is never negative).
///
/// Operations here do the arithmetic only; what each costs, in limb products, is in
/// `BigIntCost`, and the interpreter charges that before it calls them.
struct BigInt: Hashable, Sendable {
    var negative: Bool
    var limbs: [UInt32]

    init(negative: Bool, limbs: [UInt32]) {
        var l = limbs
        while let last = l.last, last == 0 { l.removeLast() }
        self.limbs = l
        self.negative = l.isEmpty ? false : negative
    }

    init(_ v: Int) {
        self.init(negative: v < 0, magnitude: UInt64(v.magnitude))
    }

    init(negative: Bool = false, magnitude m: UInt64) {
        self.init(negative: negative, limbs: [UInt32(truncatingIfNeeded: m), UInt32(truncatingIfNeeded: m >> 32)])
    }

    var isZero: Bool { limbs.isEmpty }
    var bitWidth: Int { limbs.isEmpty ? 0 : limbs.count * 32 - limbs.last!.leadingZeroBitCount }
    /// |self|.
    var magnitude: BigInt { BigInt(negative: false, limbs: limbs) }

    /// The magnitude as `UInt64` when it has at most two limbs.
    var smallMagnitude: UInt64? {
        switch limbs.count {
        case 0: return 0
        case 1: return UInt64(limbs[0])
        case 2: return UInt64(limbs[1]) << 32 | UInt64(limbs[0])
        default: return nil
        }
    }

    /// The value as `Int` when it fits.
    var asInt: Int? {
        guard let m = smallMagnitude else { return nil }
        if negative { return m <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- m) : nil }
        return m <= UInt64(Int.max) ? Int(m) : nil
    }

    // MARK: magnitude helpers

    static func cmpMag(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        var i = a.count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    static func addMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var r = [UInt32](repeating: 0, count: long.count + 1)
        var carry: UInt64 = 0
        for i in 0..<long.count {
            let s = UInt64(long[i]) + (i < short.count ? UInt64(short[i]) : 0) + carry
            r[i] = UInt32(truncatingIfNeeded: s); carry = s >> 32
        }
        r[long.count] = UInt32(carry)
        return r
    }

    /// a - b with |a| >= |b|.
    static func subMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var r = a
        var borrow: UInt32 = 0
        for i in 0..<a.count {
            if i >= b.count && borrow == 0 { break }
            let (d1, o1) = a[i].subtractingReportingOverflow(i < b.count ? b[i] : 0)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            r[i] = d2; borrow = (o1 || o2) ? 1 : 0
        }
        return r
    }

    /// Schoolbook product: `a.count * b.count` limb products.
    static func mulMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty || b.isEmpty { return [] }
        var r = [UInt32](repeating: 0, count: a.count + b.count)
        r.withUnsafeMutableBufferPointer { rp in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    for i in 0..<ap.count {
                        var carry: UInt64 = 0
                        let ai = UInt64(ap[i])
                        if ai == 0 { continue }
                        for j in 0..<bp.count {
                            let t = ai * UInt64(bp[j]) + UInt64(rp[i + j]) + carry
                            rp[i + j] = UInt32(truncatingIfNeeded: t); carry = t >> 32
                        }
                        rp[i + bp.count] = UInt32(carry)
                    }
                }
            }
        }
        return r
    }

    /// The magnitude times 2^n (n >= 0).
    static func shiftLeftMag(_ a: [UInt32], _ n: Int) -> [UInt32] {
        if a.isEmpty { return a }
        let words = n / 32, bits = UInt32(n % 32)
        var r = [UInt32](repeating: 0, count: words + a.count + 1)
        for (i, l) in a.enumerated() {
            if bits == 0 { r[words + i] = l; continue }
            r[words + i] |= l << bits
            r[words + i + 1] = l >> (32 - bits)
        }
        return r
    }

    /// The magnitude divided by 2^n, truncated (n >= 0).
    static func shiftRightMag(_ a: [UInt32], _ n: Int) -> [UInt32] {
        let words = n / 32, bits = UInt32(n % 32)
        if words >= a.count { return [] }
        var r = [UInt32](repeating: 0, count: a.count - words)
        for i in 0..<r.count {
            let lo = a[words + i], hi = words + i + 1 < a.count ? a[words + i + 1] : 0
            r[i] = bits == 0 ? lo : (lo >> bits) | (hi << (32 - bits))
        }
        return r
    }

    /// True when any of the low `n` bits of the magnitude is set.
    static func hasBitsBelow(_ a: [UInt32], _ n: Int) -> Bool {
        let words = min(n / 32, a.count)
        if a[..<words].contains(where: { $0 != 0 }) { return true }
        let bits = n % 32
        return words < a.count && bits > 0 && a[words] & ((1 << UInt32(bits)) - 1) != 0
    }

    // MARK: arithmetic

    static prefix func - (a: BigInt) -> BigInt { BigInt(negative: !a.negative, limbs: a.limbs) }

    static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.negative == b.negative { return BigInt(negative: a.negative, limbs: addMag(a.limbs, b.limbs)) }
        if cmpMag(a.limbs, b.limbs) >= 0 { return BigInt(negative: a.negative, limbs: subMag(a.limbs, b.limbs)) }
        return BigInt(negative: b.negative, limbs: subMag(b.limbs, a.limbs))
    }

    static func - (a: BigInt, b: BigInt) -> BigInt { a + (-b) }

    static func * (a: BigInt, b: BigInt) -> BigInt {
        BigInt(negative: a.negative != b.negative, limbs: mulMag(a.limbs, b.limbs))
    }

    /// self * 2^n (n >= 0).
    func shiftedLeft(_ n: Int) -> BigInt {
        BigInt(negative: negative, limbs: BigInt.shiftLeftMag(limbs, n))
    }

    /// Python's `self >> n` (n >= 0): floor(self / 2^n), so negative values round down.
    func shiftedRight(_ n: Int) -> BigInt {
        let q = BigInt(negative: negative, limbs: BigInt.shiftRightMag(limbs, n))
        if negative && BigInt.hasBitsBelow(limbs, n) { return q - BigInt(1) }
        return q
    }

    static func compare(_ a: BigInt, _ b: BigInt) -> Int {
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let c = cmpMag(a.limbs, b.limbs)
        return a.negative ? -c : c
    }

    // MARK: conversions

    /// Decimal digits (with a leading '-' when negative). Quadratic: one short division of
    /// the remaining magnitude per nine digits.
    var description: String {
        if isZero { return "0" }
        var parts: [UInt32] = []
        parts.reserveCapacity(limbs.count * 32 / 29 + 1)
        var m = limbs
        var top = m.count
        m.withUnsafeMutableBufferPointer { mp in
            while top > 0 {
                var rem: UInt64 = 0
                var i = top - 1
                while i >= 0 {
                    let cur = rem << 32 | UInt64(mp[i])
                    mp[i] = UInt32(cur / 1_000_000_000); rem = cur % 1_000_000_000
                    i -= 1
                }
                parts.append(UInt32(rem))
                while top > 0 && mp[top - 1] == 0 { top -= 1 }
            }
        }
        var s = negative ? "-" : ""
        s.reserveCapacity(parts.count * 9 + 1)
        s += String(parts.last!)
        for p in parts.dropLast().reversed() {
            let d = String(p)
            s += String(repeating: "0", count: 9 - d.count) + d
        }
        return s
    }

    /// Parses decimal digits (no sign, no underscores); nil if not all digits.
    init?(decimal: Substring, negative: Bool = false) {
        var mag: [UInt32] = []
        var chunk: UInt64 = 0, chunkLen = 0
        func flush(_ len: Int) {
            var mul: UInt64 = 1
            for _ in 0..<len { mul *= 10 }
            var carry = chunk
            for i in 0..<mag.count {
                let t = UInt64(mag[i]) * mul + carry
                mag[i] = UInt32(truncatingIfNeeded: t); carry = t >> 32
            }
            while carry != 0 { mag.append(UInt32(truncatingIfNeeded: carry)); carry >>= 32 }
        }
        if decimal.isEmpty { return nil }
        for c in decimal.utf8 {
            guard c >= 48 && c <= 57 else { return nil }
            chunk = chunk * 10 + UInt64(c - 48); chunkLen += 1
            if chunkLen == 9 { flush(9); chunk = 0; chunkLen = 0 }
        }
        if chunkLen > 0 { flush(chunkLen) }
        self.init(negative: negative, limbs: mag)
    }

    /// Nearest double (round half to even), ±infinity beyond the double range. Only the top
    /// 64 bits and whether any lower bit is set matter, so this is cheap for any size.
    var toDouble: Double {
        let bits = bitWidth
        let m: Double
        if bits <= 64 {
            m = Double(smallMagnitude!)
        } else if bits > 1025 {
            m = .infinity
        } else {
            let shift = bits - 64
            var top = BigInt(negative: false, limbs: BigInt.shiftRightMag(limbs, shift)).smallMagnitude!
            // A set bit below the top 64 is "sticky": it breaks a tie, as exact rounding would.
            if BigInt.hasBitsBelow(limbs, shift) { top |= 1 }
            m = Double(sign: .plus, exponent: shift, significand: Double(top))
        }
        return negative ? -m : m
    }

    /// Exact conversion of an integral finite double.
    init(exactly d: Double) {
        let m = d.magnitude
        if m < 9.0e18 { self.init(Int(d)); return }
        let exp = Int(m.exponent) - 52
        let sig = BigInt(Int(m.significandBitPattern | (1 << 52)))
        let r = sig.shiftedLeft(exp)
        self.init(negative: d < 0, limbs: r.limbs)
    }
}
