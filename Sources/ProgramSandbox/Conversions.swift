import Foundation

/// The builtin type constructors: int, float, str, bool, list, tuple, dict, set, type.
extension Interpreter {
    func convert(_ name: String, _ args: [Value], _ kw: [String: Value]) throws -> Value {
        switch name {
        case "int":
            try argCount(name, args, 0...2)
            guard let v = args.first else { return .int(0) }
            let base = args.count > 1 ? args[1] : kw["base"]
            if let base {
                let b = try intArg(base)
                guard b == 0 || (2...36).contains(b) else { throw PyError.value("int() base must be >= 2 and <= 36, or 0") }
                return try parseInt(v, base: b)
            }
            switch v {
            case .bool(let b): return .int(b ? 1 : 0)
            case .int, .big: return v
            case .float(let d): return try floatToInt(d)
            case .str: return try parseInt(v, base: 10)
            default:
                throw PyError.type("int() argument must be a string, a bytes-like object or a real number, not '\(v.typeName)'")
            }
        case "float":
            try argCount(name, args, 0...1)
            guard let v = args.first else { return .float(0) }
            switch v {
            case .float: return v
            case .bool, .int, .big: return .float(try Interpreter.toDouble(Interpreter.num(v)!))
            case .str(let s):
                let t = s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
                let lower = t.lowercased()
                let special: [String: Double] = ["inf": .infinity, "+inf": .infinity, "-inf": -.infinity, "infinity": .infinity,
                    "+infinity": .infinity, "-infinity": -.infinity, "nan": .nan, "+nan": .nan, "-nan": .nan]
                if let d = special[lower] { return .float(d) }
                guard !t.isEmpty, t.allSatisfy({ "0123456789.eE+-".contains($0) }), let d = Double(t) else {
                    throw PyError.value("could not convert string to float: \(Interpreter.quote(s))")
                }
                return .float(d)
            default: throw PyError.type("float() argument must be a string or a real number, not '\(v.typeName)'")
            }
        case "str":
            try argCount(name, args, 0...1)
            return .str(try args.first.map { try text($0) } ?? "")
        case "bool":
            try argCount(name, args, 0...1)
            return .bool(args.first?.isTruthy ?? false)
        case "list":
            try argCount(name, args, 0...1)
            guard let v = args.first else { return .list(ListBox([])) }
            let items = try materialize(v)
            try charge(items.count)
            return .list(ListBox(items))
        case "tuple":
            try argCount(name, args, 0...1)
            guard let v = args.first else { return .tuple([]) }
            if case .tuple = v { return v }
            return .tuple(try materialize(v))
        case "set", "frozenset":
            try argCount(name, args, 0...1)
            let box = SetBox()
            if let v = args.first {
                let items = try materialize(v)
                try chargeSteps(items.count / 8)
                for x in items { box.insert(x, try hashKey(x)) }
            }
            return .set(box)
        case "dict":
            try argCount(name, args, 0...1)
            let box = DictBox()
            if let v = args.first {
                if case .dict(let d) = v {
                    for (k, x) in zip(d.keys, d.values) { box.set(k, try hashKey(k), x) }
                } else {
                    for (i, pair) in try materialize(v).enumerated() {
                        switch pair {
                        case .list, .tuple, .str, .dict, .set, .range, .iterator: break
                        default: throw PyError.type("cannot convert dictionary update sequence element #\(i) to a sequence")
                        }
                        let kv = try materialize(pair)
                        guard kv.count == 2 else {
                            throw PyError.value("dictionary update sequence element #\(i) has length \(kv.count); 2 is required")
                        }
                        box.set(kv[0], try hashKey(kv[0]), kv[1])
                    }
                }
            }
            for (k, x) in kw.sorted(by: { $0.key < $1.key }) { box.set(.str(k), .str(k), x) }
            try charge(box.keys.count)
            return .dict(box)
        case "type":
            try argCount(name, args, 1...1)
            let t = args[0].typeName
            if case .exception(let k, _) = args[0] { return .exceptionClass(k) }
            return .builtin(Builtins.typeNames.contains(t) ? t : "type")
        default:
            throw PyError.type("'\(name)' cannot be called in the sandbox")
        }
    }

    /// `int(text, base)`: whitespace, sign, underscores and 0x/0o/0b prefixes as Python accepts.
    private func parseInt(_ v: Value, base: Int) throws -> Value {
        guard case .str(let s) = v else { throw PyError.type("int() can't convert non-string with explicit base") }
        let invalid = PyError.value("invalid literal for int() with base \(base): \(Interpreter.quote(s))")
        var t = Substring(s.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if t.first == "-" || t.first == "+" { negative = t.first == "-"; t = t.dropFirst() }
        var b = base
        let lower = t.lowercased()
        for (p, pb) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(p) && (base == pb || base == 0) {
            t = t.dropFirst(2); b = pb
        }
        if b == 0 { b = 10 }
        if t.isEmpty || t.hasPrefix("_") || t.hasSuffix("_") || t.contains("__") { throw invalid }
        let digits = t.replacingOccurrences(of: "_", with: "")
        if b == 10 {
            if digits.count > 4300 {
                throw PyError.value("Exceeds the limit (4300 digits) for integer string conversion: value has \(digits.count) digits")
            }
            guard let big = BigInt(decimal: Substring(digits), negative: negative) else { throw invalid }
            return .integer(big)
        }
        guard !digits.hasPrefix("+"), !digits.hasPrefix("-"), let i = Int(digits, radix: b) else { throw invalid }
        return .int(negative ? -i : i)
    }
}
