import Foundation

/// The `math` module: the only importable module in the sandbox.
enum MathModule {
    static let constants: [String: Double] = ["pi": Double.pi, "e": M_E, "tau": 2 * Double.pi, "inf": .infinity, "nan": .nan]
    static let functions: Set<String> = ["sqrt", "floor", "ceil", "pow", "gcd", "lcm", "factorial", "comb", "perm",
        "log", "log2", "log10", "exp", "fabs", "isclose", "trunc", "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
        "degrees", "radians", "hypot", "prod", "fsum", "isqrt", "copysign", "isfinite", "isinf", "isnan", "fmod", "dist"]
    static var members: [String] { Array(constants.keys) + functions.sorted() }

    static func attribute(_ name: String) throws -> Value {
        if let c = constants[name] { return .float(c) }
        if functions.contains(name) { return .builtin("math." + name) }
        if name.hasPrefix("__") { throw PyError.sandbox("access to dunder attribute '\(name)' is not allowed") }
        throw PyError("AttributeError", "module 'math' has no attribute '\(name)'")
    }

    static func call(_ name: String, _ args: [Value], _ it: Interpreter) throws -> Value {
        func real(_ i: Int) throws -> Double {
            guard i < args.count else { throw PyError.type("\(name)() missing required argument (pos \(i + 1))") }
            guard let n = Interpreter.num(args[i]) else { throw PyError.type("must be real number, not \(args[i].typeName)") }
            return try Interpreter.toDouble(n)
        }
        func integer(_ i: Int) throws -> BigInt {
            guard i < args.count else { throw PyError.type("\(name)() missing required argument (pos \(i + 1))") }
            switch args[i] {
            case .int(let x): return BigInt(x)
            case .bool(let b): return BigInt(b ? 1 : 0)
            case .big(let b): return b
            default: throw PyError.type("'\(args[i].typeName)' object cannot be interpreted as an integer")
            }
        }
        func domain(_ ok: Bool) throws { if !ok { throw PyError.value("math domain error") } }
        func result(_ d: Double) throws -> Value {
            if d.isInfinite && args.allSatisfy({ if case .float(let x) = $0 { return x.isFinite }; return true }) {
                throw PyError("OverflowError", "math range error")
            }
            return .float(d)
        }
        let arity: [String: ClosedRange<Int>] = ["log": 1...2, "gcd": 0...64, "lcm": 0...64, "isclose": 2...4,
            "perm": 1...2, "prod": 1...1, "fsum": 1...1, "atan2": 2...2, "pow": 2...2, "copysign": 2...2, "fmod": 2...2,
            "comb": 2...2, "hypot": 0...64, "dist": 2...2]
        try it.argCount(name, args, arity[name] ?? 1...1)
        switch name {
        case "sqrt": let x = try real(0); try domain(x >= 0); return .float(x.squareRoot())
        case "floor", "ceil", "trunc":
            if case .float(let d) = args[0] {
                return try it.floatToInt(name == "floor" ? Foundation.floor(d) : name == "ceil" ? Foundation.ceil(d) : d.rounded(.towardZero))
            }
            _ = try integer(0); return args[0].isBool ? .int(args[0].isTruthy ? 1 : 0) : args[0]
        case "pow":
            let (x, y) = (try real(0), try real(1))
            if x == 0 && y < 0 { throw PyError.value("math domain error") }
            try domain(!(x < 0 && y != y.rounded() && y.isFinite))
            return try result(Foundation.pow(x, y))
        case "gcd", "lcm":
            var acc = BigInt(name == "gcd" ? 0 : 1)
            for i in args.indices {
                let b = try integer(i)
                let g = try BigInt.gcd(acc, b) { try it.chargeLimbProducts($0) }
                if name == "gcd" { acc = g; continue }
                if acc.isZero || b.isZero { acc = BigInt(0); continue }
                try it.checkBits(acc.bitWidth + b.bitWidth - g.bitWidth + 1)
                try it.chargeLimbProducts(BigInt.productCost(acc.limbs.count, b.limbs.count)
                                          + BigInt.divisionCost(acc.limbs.count + b.limbs.count, g.limbs.count))
                acc = BigInt.floorDivMod(acc * b, g).0.magnitude
            }
            return .integer(acc)
        case "factorial":
            guard case .int(let n) = args[0] else {
                if case .float = args[0] { throw PyError.type("'float' object cannot be interpreted as an integer") }
                _ = try integer(0); throw PyError("OverflowError", "factorial() argument should not exceed 9223372036854775807")
            }
            if n < 0 { throw PyError.value("factorial() not defined for negative values") }
            let bits = n > 1_000_000 ? Int.max : Int(lgamma(Double(n) + 1) / M_LN2)
            try it.checkBits(bits)
            try it.charge(bits / 32 + 1)
            var acc = BigInt(1)
            if n > 1 {
                for k in 2...n {
                    try it.chargeLimbProducts(acc.limbs.count)
                    acc = acc * BigInt(k)
                }
            }
            return .integer(acc)
        case "comb", "perm":
            let n = try integer(0)
            let k = args.count > 1 && !args[1].isNone ? try integer(1) : n
            guard let ni = n.asInt, let ki = k.asInt else { throw PyError("OverflowError", "\(name)() arguments too large") }
            if ni < 0 || ki < 0 { throw PyError.value("\(name == "comb" ? "n" : "n") must be a non-negative integer") }
            if ki > ni { return .int(0) }
            let kk = name == "comb" ? min(ki, ni - ki) : ki
            // log2 of n!/(n-k)! (and of k! for comb) bounds the result before it is computed.
            let (dn, dk) = (Double(ni), Double(kk))
            var log2Result = (lgamma(dn + 1) - lgamma(dn - dk + 1)) / M_LN2
            if name == "comb" { log2Result -= lgamma(dk + 1) / M_LN2 }
            let bits = log2Result > 1e9 ? Int.max : Int(log2Result)
            try it.checkBits(bits)
            try it.charge(bits / 32 + 1)
            var acc = BigInt(1)
            if kk > 0 {
                for j in 0..<kk {
                    try it.chargeLimbProducts(2 * acc.limbs.count + 2)
                    acc = acc * BigInt(ni - j)
                    if name == "comb" { acc = BigInt.floorDivMod(acc, BigInt(j + 1)).0 }
                }
            }
            return .integer(acc)
        case "log":
            let x: Double
            if case .big(let b) = args[0] {
                try domain(!b.negative)
                x = b.toDouble.isFinite ? b.toDouble : .greatestFiniteMagnitude
            } else { x = try real(0) }
            try domain(x > 0)
            if args.count > 1 {
                let base = try real(1)
                try domain(base > 0 && base != 1)
                return .float(Foundation.log(x) / Foundation.log(base))
            }
            return .float(Foundation.log(x))
        case "log2": let x = try real(0); try domain(x > 0); return .float(Foundation.log2(x))
        case "log10": let x = try real(0); try domain(x > 0); return .float(Foundation.log10(x))
        case "exp": return try result(Foundation.exp(try real(0)))
        case "fabs": return .float(abs(try real(0)))
        case "isclose":
            let (a, b) = (try real(0), try real(1))
            let rel = args.count > 2 ? try real(2) : 1e-9, absTol = args.count > 3 ? try real(3) : 0
            if a == b { return .bool(true) }
            if a.isInfinite || b.isInfinite { return .bool(false) }
            let diff = abs(b - a)
            return .bool(diff <= abs(rel * b) || diff <= abs(rel * a) || diff <= absTol)
        case "sin": return .float(Foundation.sin(try real(0)))
        case "cos": return .float(Foundation.cos(try real(0)))
        case "tan": return .float(Foundation.tan(try real(0)))
        case "asin": let x = try real(0); try domain(abs(x) <= 1); return .float(Foundation.asin(x))
        case "acos": let x = try real(0); try domain(abs(x) <= 1); return .float(Foundation.acos(x))
        case "atan": return .float(Foundation.atan(try real(0)))
        case "atan2": return .float(Foundation.atan2(try real(0), try real(1)))
        case "degrees": return .float(try real(0) * 180 / Double.pi)
        case "radians": return .float(try real(0) * Double.pi / 180)
        case "hypot":
            var s = 0.0
            for i in args.indices { let x = try real(i); s += x * x }
            return .float(s.squareRoot())
        case "dist":
            let (p, q) = (try it.materialize(args[0]), try it.materialize(args[1]))
            var s = 0.0
            for (a, b) in zip(p, q) {
                let d = try Interpreter.toDouble(Interpreter.num(a) ?? .float(.nan)) - Interpreter.toDouble(Interpreter.num(b) ?? .float(.nan))
                s += d * d
            }
            return .float(s.squareRoot())
        case "prod":
            var acc: Value = .int(1)
            for x in try it.materialize(args[0]) { acc = try it.binary(.mul, acc, x) }
            return acc
        case "fsum":
            var s = 0.0, c = 0.0  // Kahan-Neumaier; CPython is exact, this is close enough for grade-school sums
            for x in try it.materialize(args[0]) {
                guard let n = Interpreter.num(x) else { throw PyError.type("must be real number, not \(x.typeName)") }
                let v = try Interpreter.toDouble(n)
                let t = s + v
                c += abs(s) >= abs(v) ? (s - t) + v : (v - t) + s
                s = t
            }
            return .float(s + c)
        case "isqrt":
            let n = try integer(0)
            if n.negative { throw PyError.value("isqrt() argument must be nonnegative") }
            if let i = n.asInt {
                var r = Int(Double(i).squareRoot())
                while r * r > i { r -= 1 }
                while (r + 1) * (r + 1) <= i { r += 1 }
                return .int(r)
            }
            // CPython's precision-doubling Newton iteration (mathmodule.c): each step doubles the
            // correct bits of a, so the work is about that of the last, full-size division.
            let c = (n.bitWidth - 1) / 2
            var a = BigInt(1), d = 0
            for s in stride(from: Int.bitWidth - c.leadingZeroBitCount - 1, through: 0, by: -1) {
                let e = d
                d = c >> s
                let top = n.shiftedRight(2 * c - e - d + 1)
                try it.chargeLimbProducts(BigInt.divisionCost(top.limbs.count, a.limbs.count) + top.limbs.count)
                a = a.shiftedLeft(d - e - 1) + BigInt.floorDivMod(top, a).0
            }
            try it.chargeLimbProducts(BigInt.productCost(a.limbs.count, a.limbs.count))
            return .integer(BigInt.compare(a * a, n) > 0 ? a - BigInt(1) : a)
        case "copysign": return .float(Foundation.copysign(try real(0), try real(1)))
        case "isfinite": return .bool(try real(0).isFinite)
        case "isinf": return .bool(try real(0).isInfinite)
        case "isnan": return .bool(try real(0).isNaN)
        case "fmod":
            let (x, y) = (try real(0), try real(1))
            try domain(y != 0 && !x.isInfinite)
            return .float(Foundation.fmod(x, y))
        default: throw PyError("AttributeError", "module 'math' has no attribute '\(name)'")
        }
    }
}
