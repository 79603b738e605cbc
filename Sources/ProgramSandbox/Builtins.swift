import Foundation

/// Names of the builtin functions and types available to programs.
enum Builtins {
    static let typeNames: Set<String> = ["int", "float", "str", "bool", "list", "tuple", "dict", "set", "frozenset",
                                         "range", "type", "NoneType", "slice"]
    static let functionNames: Set<String> = ["len", "print", "abs", "min", "max", "sum", "sorted", "reversed",
        "enumerate", "zip", "any", "all", "map", "filter", "isinstance", "divmod", "pow", "round", "chr", "ord",
        "hex", "bin", "oct", "repr", "callable", "format", "iter", "next", "hash"]
    static let names = typeNames.union(functionNames)
}

extension Interpreter {
    func argCount(_ name: String, _ args: [Value], _ range: ClosedRange<Int>) throws {
        if range.contains(args.count) { return }
        if range.lowerBound == range.upperBound {
            let n = range.lowerBound
            if n >= 2 { throw PyError.type("\(name) expected \(n) arguments, got \(args.count)") }
            throw PyError.type("\(name)() takes exactly \(n == 1 ? "one argument" : "no arguments") (\(args.count) given)")
        }
        if args.count < range.lowerBound {
            throw PyError.type("\(name) expected at least \(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s"), got \(args.count)")
        }
        let most = range.upperBound
        throw PyError.type("\(name) expected at most \(most) argument\(most == 1 ? "" : "s"), got \(args.count)")
    }

    func intArg(_ v: Value) throws -> Int {
        guard let i = Interpreter.indexValue(v) else {
            throw PyError.type("'\(v.typeName)' object cannot be interpreted as an integer")
        }
        return i
    }

    func callBuiltin(_ name: String, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        if name.hasPrefix("math.") { return try MathModule.call(String(name.dropFirst(5)), args, self) }
        let kw = Dictionary(kwargs, uniquingKeysWith: { $1 })
        let allowedKw: [String: Set<String>] = ["print": ["sep", "end", "file", "flush"], "sorted": ["key", "reverse"],
            "min": ["key", "default"], "max": ["key", "default"], "sum": ["start"], "enumerate": ["start"],
            "round": ["ndigits"], "int": ["base"], "dict": Set(kw.keys), "zip": ["strict"], "pow": ["mod", "base", "exp"]]
        for k in kw.keys where !(allowedKw[name]?.contains(k) ?? false) {
            throw PyError.type("\(name)() got an unexpected keyword argument '\(k)'")
        }
        switch name {
        case "print":
            if let f = kw["file"], !(f.isNone) { throw PyError.sandbox("print(file=...) is not allowed in the sandbox") }
            let sep = try kw["sep"].flatMap { $0.isNone ? nil : $0 }.map { try text($0) } ?? " "
            let end = try kw["end"].flatMap { $0.isNone ? nil : $0 }.map { try text($0) } ?? "\n"
            let pieces = try args.map { try self.text($0) }
            // The printed line's length is known, and charged, before it is written.
            try charge(pieces.reduce(end.utf8.count + sep.utf8.count * max(0, pieces.count - 1)) { $0 + $1.utf8.count })
            for (i, p) in pieces.enumerated() { if i > 0 { output += sep }; output += p }
            output += end
            return .none
        case "len":
            try argCount(name, args, 1...1)
            return .int(try length(args[0]))
        case "range":
            try argCount(name, args, 1...3)
            let xs = try args.map(intArg)
            if xs.count == 3 && xs[2] == 0 { throw PyError.value("range() arg 3 must not be zero") }
            switch xs.count {
            case 1: return .range(0, xs[0], 1)
            case 2: return .range(xs[0], xs[1], 1)
            default: return .range(xs[0], xs[1], xs[2])
            }
        case "abs":
            try argCount(name, args, 1...1)
            switch args[0] {
            case .bool(let b): return .int(b ? 1 : 0)
            case .int(let i): return i == Int.min ? .big(-BigInt(i)) : .int(abs(i))
            case .big(let b): return .big(BigInt(negative: false, limbs: b.limbs))
            case .float(let d): return .float(abs(d))
            default: throw PyError.type("bad operand type for abs(): '\(args[0].typeName)'")
            }
        case "min", "max": return try minMax(name, args, kw)
        case "sum":
            try argCount(name, args, 1...2)
            var acc = args.count > 1 ? args[1] : (kw["start"] ?? .int(0))
            if case .str = acc { throw PyError.type("sum() can't sum strings [use ''.join(seq) instead]") }
            try iterate(args[0]) { x in try self.tick(); acc = try self.binary(.add, acc, x); return true }
            return acc
        case "sorted":
            try argCount(name, args, 1...1)
            let items = try materialize(args[0])
            try charge(items.count)
            return .list(ListBox(try sortValues(items, key: kw["key"], reverse: kw["reverse"]?.isTruthy ?? false)))
        case "reversed":
            try argCount(name, args, 1...1)
            switch args[0] {
            case .list, .tuple, .str, .range: break
            case .dict: break
            default: throw PyError.type("'\(args[0].typeName)' object is not reversible")
            }
            let items = try materialize(args[0])
            try charge(items.count)
            return .iterator(IteratorBox(kind: "reversed", items: items.reversed()))
        case "enumerate":
            try argCount(name, args, 1...2)
            var i = try intArg(args.count > 1 ? args[1] : (kw["start"] ?? .int(0)))
            var out: [Value] = []
            try iterate(args[0]) { x in
                try self.tick()
                out.append(.tuple([.int(i), x]))
                let (n, o) = i.addingReportingOverflow(1)
                if o { throw PyError("OverflowError", "enumerate counter beyond 64 bits is not supported in the sandbox") }
                i = n
                return true
            }
            try charge(out.count)
            return .iterator(IteratorBox(kind: "enumerate", items: out))
        case "zip":
            let lists = try args.map(materialize)
            let n = lists.map(\.count).min() ?? 0
            try charge(n)
            return .iterator(IteratorBox(kind: "zip", items: (0..<n).map { i in .tuple(lists.map { $0[i] }) }))
        case "any", "all":
            try argCount(name, args, 1...1)
            var result = name == "all"
            try iterate(args[0]) { x in
                try self.tick()
                if x.isTruthy == (name == "any") { result = !result; return false }
                return true
            }
            return .bool(result)
        case "map":
            try argCount(name, args, 2...99)
            let lists = try args.dropFirst().map(materialize)
            let n = lists.map(\.count).min() ?? 0
            try charge(n)
            var out: [Value] = []
            for i in 0..<n { out.append(try call(args[0], lists.map { $0[i] })) }
            return .iterator(IteratorBox(kind: "map", items: out))
        case "filter":
            try argCount(name, args, 2...2)
            var out: [Value] = []
            for x in try materialize(args[1]) {
                let keep = args[0].isNone ? x.isTruthy : try call(args[0], [x]).isTruthy
                if keep { try charge(1); out.append(x) }
            }
            return .iterator(IteratorBox(kind: "filter", items: out))
        case "isinstance":
            try argCount(name, args, 2...2)
            return .bool(try isInstance(args[0], args[1]))
        case "divmod":
            try argCount(name, args, 2...2)
            return .tuple([try binary(.floorDiv, args[0], args[1]), try binary(.mod, args[0], args[1])])
        case "pow":
            let a = args + (kw["base"].map { [$0] } ?? []) + (kw["exp"].map { [$0] } ?? []) + (kw["mod"].map { [$0] } ?? [])
            try argCount(name, a, 2...3)
            if a.count == 3 && !a[2].isNone { return try modPow(a[0], a[1], a[2]) }
            return try binary(.pow, a[0], a[1])
        case "round": return try round(args, kw)
        case "chr":
            try argCount(name, args, 1...1)
            let i = try intArg(args[0])
            guard i >= 0, i <= 0x10FFFF, let u = Unicode.Scalar(UInt32(i)) else { throw PyError.value("chr() arg not in range(0x110000)") }
            return .str(String(u))
        case "ord":
            try argCount(name, args, 1...1)
            guard case .str(let s) = args[0], s.unicodeScalars.count == 1 else {
                if case .str(let s) = args[0] {
                    throw PyError.type("ord() expected a character, but string of length \(s.unicodeScalars.count) found")
                }
                throw PyError.type("ord() expected string of length 1, but \(args[0].typeName) found")
            }
            return .int(Int(s.unicodeScalars.first!.value))
        case "hex", "bin", "oct":
            try argCount(name, args, 1...1)
            let i = try intArg(args[0])
            let radix = name == "hex" ? 16 : name == "bin" ? 2 : 8
            let prefix = name == "hex" ? "0x" : name == "bin" ? "0b" : "0o"
            return .str((i < 0 ? "-" : "") + prefix + String(i.magnitude, radix: radix))
        case "repr":
            try argCount(name, args, 1...1)
            return .str(try text(args[0], repr: true))
        case "callable":
            try argCount(name, args, 1...1)
            switch args[0] {
            case .function, .builtin, .boundMethod, .exceptionClass: return .bool(true)
            default: return .bool(false)
            }
        case "format":
            try argCount(name, args, 1...2)
            return .str(try format(args[0], spec: args.count > 1 ? try text(args[1]) : ""))
        case "iter":
            try argCount(name, args, 1...1)
            if case .iterator(let it) = args[0], !it.reusable { return args[0] }
            let items = try materialize(args[0])
            try charge(items.count)
            return .iterator(IteratorBox(kind: "iterator", items: items))
        case "next":
            try argCount(name, args, 1...2)
            guard case .iterator(let it) = args[0], !it.reusable else {
                throw PyError.type("'\(args[0].typeName)' object is not an iterator")
            }
            if it.position < it.items.count { it.position += 1; return it.items[it.position - 1] }
            if args.count > 1 { return args[1] }
            throw PyError("StopIteration", "")
        case "hash":
            try argCount(name, args, 1...1)
            let k = try hashKey(args[0])
            if case .int(let i) = k { return .int(i) }
            return .int(k.hashValue)
        default:
            return try convert(name, args, kw)
        }
    }

    func length(_ v: Value) throws -> Int {
        switch v {
        case .str(let s): return s.unicodeScalars.count
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .dict(let d): return d.keys.count
        case .set(let s): return s.items.count
        case .range(let a, let b, let s): return Value.rangeCount(a, b, s)
        case .iterator(let it) where it.reusable: return it.items.count
        default: throw PyError.type("object of type '\(v.typeName)' has no len()")
        }
    }

    private func minMax(_ name: String, _ args: [Value], _ kw: [String: Value]) throws -> Value {
        if args.isEmpty { throw PyError.type("\(name) expected at least 1 argument, got 0") }
        let items = args.count == 1 ? try materialize(args[0]) : args
        guard var best = items.first else {
            if let d = kw["default"] { return d }
            throw PyError.value("\(name)() arg is an empty sequence")
        }
        let key = kw["key"].flatMap { $0.isNone ? nil : $0 }
        var bestKey = try key.map { try call($0, [best]) } ?? best
        for x in items.dropFirst() {
            try tick()
            let k = try key.map { try call($0, [x]) } ?? x
            if name == "min" ? try less(k, bestKey) : try less(bestKey, k) { best = x; bestKey = k }
        }
        return best
    }

    /// Stable merge sort using only `<`, as Python's list.sort (reverse keeps equal items in order).
    func sortValues(_ items: [Value], key: Value?, reverse: Bool) throws -> [Value] {
        let keyFn = key.flatMap { $0.isNone ? nil : $0 }
        let keys = try items.map { x in try keyFn.map { try call($0, [x]) } ?? x }
        var idx = Array(items.indices)
        var tmp = idx
        func lessIdx(_ a: Int, _ b: Int) throws -> Bool {
            try tick()
            return reverse ? try less(keys[b], keys[a]) : try less(keys[a], keys[b])
        }
        var width = 1
        let n = idx.count
        while width < n {
            var lo = 0
            while lo < n {
                let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                var i = lo, j = mid, k = lo
                while i < mid && j < hi {
                    if try lessIdx(idx[j], idx[i]) { tmp[k] = idx[j]; j += 1 } else { tmp[k] = idx[i]; i += 1 }
                    k += 1
                }
                while i < mid { tmp[k] = idx[i]; i += 1; k += 1 }
                while j < hi { tmp[k] = idx[j]; j += 1; k += 1 }
                lo = hi
            }
            swap(&idx, &tmp)
            width *= 2
        }
        return idx.map { items[$0] }
    }

    private func isInstance(_ v: Value, _ t: Value) throws -> Bool {
        switch t {
        case .tuple(let ts): return try ts.contains { try isInstance(v, $0) }
        case .builtin(let n) where Builtins.typeNames.contains(n):
            if n == "int", case .bool = v { return true }
            return v.typeName == n
        case .exceptionClass(let k):
            if case .exception(let vk, _) = v { return ExceptionHierarchy.isSubclass(vk, of: k) }
            return false
        default: throw PyError.type("isinstance() arg 2 must be a type, a tuple of types, or a union")
        }
    }

    private func modPow(_ a: Value, _ b: Value, _ m: Value) throws -> Value {
        guard let x = Interpreter.num(a), let y = Interpreter.num(b), let z = Interpreter.num(m) else {
            throw PyError.type("unsupported operand type(s) for pow(): '\(a.typeName)', '\(b.typeName)', '\(m.typeName)'")
        }
        if case .float = x { throw PyError.type("pow() 3rd argument not allowed unless all arguments are integers") }
        if case .float = y { throw PyError.type("pow() 3rd argument not allowed unless all arguments are integers") }
        if case .float = z { throw PyError.type("pow() 3rd argument not allowed unless all arguments are integers") }
        let mod = Interpreter.big(z)
        if mod.isZero { throw PyError.value("pow() 3rd argument cannot be 0") }
        let e = Interpreter.big(y)
        if e.negative { throw PyError.value("base is not invertible for the given modulus") }
        let value = Interpreter.big(x)
        try chargeLimbProducts(BigInt.divisionCost(value.limbs.count, mod.limbs.count))
        var base = BigInt.floorDivMod(value, mod).1
        var result = BigInt.floorDivMod(BigInt(1), mod).1
        // Every step is one product of residues and one reduction, charged before it is done.
        let n = mod.limbs.count
        let stepCost = BigInt.productCost(n, n) + BigInt.divisionCost(2 * n, n)
        let bits = e.bitWidth
        for i in 0..<bits {
            if (e.limbs[i / 32] >> UInt32(i % 32)) & 1 == 1 {
                try chargeLimbProducts(stepCost)
                result = BigInt.floorDivMod(result * base, mod).1
            }
            if i < bits - 1 {
                try chargeLimbProducts(stepCost)
                base = BigInt.floorDivMod(base * base, mod).1
            }
        }
        return .integer(result)
    }

    private func round(_ args: [Value], _ kw: [String: Value]) throws -> Value {
        try argCount("round", args, 1...2)
        let nd = args.count > 1 ? args[1] : (kw["ndigits"] ?? .none)
        guard let n = Interpreter.num(args[0]) else { throw PyError.type("type \(args[0].typeName) doesn't define __round__ method") }
        if nd.isNone {
            switch n {
            case .int, .big: return args[0].isBool ? .int(args[0].isTruthy ? 1 : 0) : args[0]
            case .float(let d): return try floatToInt(d.rounded(.toNearestOrEven))
            }
        }
        let digits = max(-400, min(400, try intArg(nd)))
        switch n {
        case .float(let d): return .float(FloatFormat.round(d, digits: digits))
        case .int, .big:
            if digits >= 0 { return args[0].isBool ? .int(args[0].isTruthy ? 1 : 0) : args[0] }
            let p = try binary(.pow, .int(10), .int(-digits))
            let (q, r) = (try binary(.floorDiv, args[0], p), try binary(.mod, args[0], p))
            let twice = try binary(.mul, r, .int(2))
            var up = try less(p, twice)
            if try equals(twice, p) { up = try binary(.mod, q, .int(2)).isTruthy }
            return try binary(.mul, up ? try binary(.add, q, .int(1)) : q, p)
        }
    }

    func floatToInt(_ d: Double) throws -> Value {
        if d.isNaN { throw PyError.value("cannot convert float NaN to integer") }
        if d.isInfinite { throw PyError("OverflowError", "cannot convert float infinity to integer") }
        let t = d.rounded(.towardZero)
        if abs(t) < 9.0e18 { return .int(Int(t)) }
        return .integer(BigInt(exactly: t))
    }
}

extension Value {
    var isNone: Bool { if case .none = self { return true }; return false }
    var isBool: Bool { if case .bool = self { return true }; return false }
}
