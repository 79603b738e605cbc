import Foundation

/// Python numeric semantics: int/float promotion, floor division, modulo sign, `**`, bit ops.
extension Interpreter {
    /// Largest integer size allowed (bits); bigger results are refused before computing them.
    static let maxIntBits = 100_000

    enum Num { case int(Int), big(BigInt), float(Double) }

    static func num(_ v: Value) -> Num? {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .big(let b): return .big(b)
        case .float(let d): return .float(d)
        default: return nil
        }
    }

    static func toDouble(_ n: Num) throws -> Double {
        switch n {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .big(let b):
            let d = b.toDouble
            if !d.isFinite { throw PyError("OverflowError", "int too large to convert to float") }
            return d
        }
    }

    static func big(_ n: Num) -> BigInt {
        switch n {
        case .int(let i): return BigInt(i)
        case .big(let b): return b
        case .float: fatalError("float is not an integer")
        }
    }

    func numericBinary(_ op: BinaryOp, _ a: Num, _ b: Num) throws -> Value {
        if case .float = a { return try floatBinary(op, try Interpreter.toDouble(a), try Interpreter.toDouble(b)) }
        if case .float = b { return try floatBinary(op, try Interpreter.toDouble(a), try Interpreter.toDouble(b)) }
        if case .int(let x) = a, case .int(let y) = b, let r = try intBinary(op, x, y) { return r }
        return try bigBinary(op, Interpreter.big(a), Interpreter.big(b))
    }

    /// Fast path; nil means "overflowed, redo with BigInt".
    private func intBinary(_ op: BinaryOp, _ x: Int, _ y: Int) throws -> Value? {
        switch op {
        case .add: let (r, o) = x.addingReportingOverflow(y); return o ? nil : .int(r)
        case .sub: let (r, o) = x.subtractingReportingOverflow(y); return o ? nil : .int(r)
        case .mul: let (r, o) = x.multipliedReportingOverflow(by: y); return o ? nil : .int(r)
        case .div:
            if y == 0 { throw PyError("ZeroDivisionError", "division by zero") }
            if x.magnitude <= 1 << 53 && y.magnitude <= 1 << 53 { return .float(Double(x) / Double(y)) }
            return nil
        case .floorDiv, .mod:
            if y == 0 { throw PyError("ZeroDivisionError", op == .mod ? "integer modulo by zero" : "integer division or modulo by zero") }
            if x == Int.min && y == -1 { return nil }
            var q = x / y, r = x % y
            if r != 0 && (r < 0) != (y < 0) { q -= 1; r += y }
            return .int(op == .mod ? r : q)
        case .pow:
            if y < 0 { return try floatBinary(.pow, Double(x), Double(y)) }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 { let (r, o) = result.multipliedReportingOverflow(by: base); if o { return nil }; result = r }
                e >>= 1
                if e > 0 { let (b2, o) = base.multipliedReportingOverflow(by: base); if o { return nil }; base = b2 }
            }
            return .int(result)
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        case .lshift:
            if y < 0 { throw PyError.value("negative shift count") }
            if y < 63 && x.magnitude < (1 << (62 - y)) { return .int(x << y) }
            return nil
        case .rshift:
            if y < 0 { throw PyError.value("negative shift count") }
            return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
        case .matmul: throw PyError.type("unsupported operand type(s) for @: 'int' and 'int'")
        }
    }

    /// Refuses an integer result of more than `maxIntBits` bits, before computing it.
    func checkBits(_ bits: Int) throws {
        if bits > Interpreter.maxIntBits { throw integerTooLarge() }
    }

    private func integerTooLarge() -> PyError {
        PyError("MemoryError", "integer result too large: it would pass the sandbox limit of \(Interpreter.maxIntBits) bits", uncatchable: true)
    }

    /// Each operation's cost (`BigIntCost`) is charged as steps, and the size of a result that
    /// can outgrow its operands (`*`, `**`, `<<`) as memory, before the work is done.
    private func bigBinary(_ op: BinaryOp, _ x: BigInt, _ y: BigInt) throws -> Value {
        let (nx, ny) = (x.limbs.count, y.limbs.count)
        switch op {
        case .add, .sub:
            try chargeLimbProducts(max(nx, ny) + 1)
            return .integer(op == .add ? x + y : x - y)
        case .mul:
            try checkBits(x.bitWidth + y.bitWidth)
            try charge(nx + ny)
            try chargeLimbProducts(BigInt.productCost(nx, ny))
            return .integer(x * y)
        case .div:
            if y.isZero { throw PyError("ZeroDivisionError", "division by zero") }
            return .float(try trueDivide(x, y))
        case .floorDiv, .mod:
            if y.isZero { throw PyError("ZeroDivisionError", op == .mod ? "integer modulo by zero" : "integer division or modulo by zero") }
            try chargeLimbProducts(BigInt.divisionCost(nx, ny))
            let (q, r) = BigInt.floorDivMod(x, y)
            return .integer(op == .mod ? r : q)
        case .pow:
            if y.negative { return try floatBinary(.pow, x.toDouble, y.toDouble) }
            if x.isZero { return .int(y.isZero ? 1 : 0) }
            if x == BigInt(1) { return .int(1) }
            if x == BigInt(-1) { return .int(y.isZero || y.limbs[0] & 1 == 0 ? 1 : -1) }
            guard let e = y.asInt else { throw integerTooLarge() }
            // |x|^e has floor(e·log2|x|) + 1 bits: known, and refused or charged, up front.
            let bits = Double(e) * x.log2Magnitude
            if bits >= Double(Interpreter.maxIntBits) { throw integerTooLarge() }
            try charge(Int(bits) / 32 + 1)
            return .integer(try power(x, e))
        case .lshift:
            if y.negative { throw PyError.value("negative shift count") }
            if x.isZero { return .int(0) }
            guard let n = y.asInt else { throw PyError("OverflowError", "too many digits in integer") }
            try checkBits(x.bitWidth + n)
            try charge(nx + n / 32 + 1)
            try chargeLimbProducts(nx + n / 32 + 1)
            return .integer(x.shiftedLeft(n))
        case .rshift:
            if y.negative { throw PyError.value("negative shift count") }
            guard let n = y.asInt, n < x.bitWidth else { return .int(x.negative ? -1 : 0) }
            try chargeLimbProducts(nx)
            return .integer(x.shiftedRight(n))
        case .bitAnd, .bitOr, .bitXor:
            throw PyError("OverflowError", "bitwise operations on integers beyond 64 bits are not supported in the sandbox")
        case .matmul: throw PyError.type("unsupported operand type(s) for @: 'int' and 'int'")
        }
    }

    /// x / y correctly rounded, as CPython's: the quotient is taken to 55–56 bits, with a sticky
    /// low bit when anything was left over, and rounded once to a double. (Subnormal results
    /// may round twice; they need operands over 1000 bits apart.)
    private func trueDivide(_ x: BigInt, _ y: BigInt) throws -> Double {
        let (a, b) = (x.magnitude, y.magnitude)
        let diff = a.bitWidth - b.bitWidth
        if a.isZero || diff < -1080 { return x.negative != y.negative ? -0.0 : 0.0 }
        let tooLarge = PyError("OverflowError", "integer division result too large for a float")
        if diff > 1025 { throw tooLarge }
        let shift = 55 - diff
        let scaled = shift >= 0 ? a.shiftedLeft(shift) : a.shiftedRight(-shift)
        try chargeLimbProducts(BigInt.divisionCost(scaled.limbs.count, b.limbs.count))
        let (q, r) = BigInt.floorDivMod(scaled, b)
        var m = q.smallMagnitude!  // below 2^56
        if !r.isZero || (shift < 0 && BigInt.hasBitsBelow(a.limbs, -shift)) { m |= 1 }
        let d = Double(sign: .plus, exponent: -shift, significand: Double(m))
        if d.isInfinite { throw tooLarge }
        return x.negative != y.negative ? -d : d
    }

    /// x^e by binary powering, each product charged before it is made.
    func power(_ x: BigInt, _ e: Int) throws -> BigInt {
        var result = BigInt(1), base = x, k = e
        while k > 0 {
            if k & 1 == 1 {
                try chargeLimbProducts(BigInt.productCost(result.limbs.count, base.limbs.count))
                result = result * base
            }
            k >>= 1
            if k > 0 {
                try chargeLimbProducts(BigInt.productCost(base.limbs.count, base.limbs.count))
                base = base * base
            }
        }
        return result
    }

    func floatBinary(_ op: BinaryOp, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div:
            if y == 0 { throw PyError("ZeroDivisionError", "float division by zero") }
            return .float(x / y)
        case .floorDiv, .mod:
            if y == 0 { throw PyError("ZeroDivisionError", op == .mod ? "float modulo" : "float floor division by zero") }
            let (q, r) = Interpreter.floatDivMod(x, y)
            return .float(op == .mod ? r : q)
        case .pow:
            if x == 0 && y < 0 { throw PyError("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
            if x < 0 && y != y.rounded() && y.isFinite {
                throw PyError.value("complex results are not supported in the sandbox")
            }
            let r = Foundation.pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw PyError("OverflowError", "(34, 'Numerical result out of range')") }
            return .float(r)
        default:
            throw PyError.type("unsupported operand type(s) for \(op.rawValue): 'float' and 'float'")
        }
    }

    /// CPython's float_divmod.
    static func floatDivMod(_ vx: Double, _ wx: Double) -> (Double, Double) {
        var mod = fmod(vx, wx)
        var div = (vx - mod) / wx
        if mod != 0 {
            if (wx < 0) != (mod < 0) { mod += wx; div -= 1 }
        } else {
            mod = copysign(0, wx)
        }
        var floordiv: Double
        if div != 0 {
            floordiv = floor(div)
            if div - floordiv > 0.5 { floordiv += 1 }
        } else {
            floordiv = copysign(0, vx / wx)
        }
        return (floordiv, mod)
    }

    func unary(_ op: UnaryOp, _ v: Value) throws -> Value {
        if op == .not { return .bool(!v.isTruthy) }
        guard let n = Interpreter.num(v) else {
            let sym = op == .neg ? "-" : op == .pos ? "+" : "~"
            throw PyError.type("bad operand type for unary \(sym): '\(v.typeName)'")
        }
        switch (op, n) {
        case (.pos, .int(let i)): return .int(i)
        case (.pos, _): return v
        case (.neg, .int(let i)): return i == Int.min ? .big(-BigInt(i)) : .int(-i)
        case (.neg, .big(let b)): return .integer(-b)
        case (.neg, .float(let d)): return .float(-d)
        case (.invert, .int(let i)): return .int(~i)
        case (.invert, .big(let b)): return .integer(-b - BigInt(1))
        case (.invert, .float): throw PyError.type("bad operand type for unary ~: 'float'")
        default: return v
        }
    }
}
