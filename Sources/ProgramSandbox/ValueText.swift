/// Text being built under a length limit (the memory left to the run): a write that would pass
/// the limit is refused before it is made, so a text whose length is only known once written —
/// the repr of a list holding a thousand references to one long string — is never built past
/// the budget. Lengths are UTF-8 bytes, the unit strings are charged in.
struct TextWriter {
    private(set) var text = ""
    private(set) var length = 0
    let limit: Int
    /// Python's limit on int-to-decimal conversion (4300 digits), or nil for none.
    let intDigitLimit: Int?
    /// Bytes written since the deadline was last checked (each write counts 16 more).
    private var unchecked = 0
    private unowned let interpreter: Interpreter

    init(limit: Int, intDigitLimit: Int? = Interpreter.maxIntStringDigits, interpreter: Interpreter) {
        self.limit = limit; self.intDigitLimit = intDigitLimit; self.interpreter = interpreter
    }

    /// Refuses (MemoryError) when `count` more bytes would pass the limit.
    func reserve(_ count: Int) throws {
        if count > limit - length {
            throw interpreter.memoryError("text longer than the \(limit) elements left")
        }
    }

    mutating func write(_ s: String) throws {
        let n = s.utf8.count
        try reserve(n)
        text += s
        length += n
        unchecked += n + 16
        if unchecked >= 1 << 16 {
            unchecked = 0
            try interpreter.checkTime()
        }
    }
}

/// Python's `str()` and `repr()` of every value, written through a `TextWriter`.
extension Interpreter {
    /// CPython's `sys.get_int_max_str_digits()` default: longer int-to-str conversions fail.
    static let maxIntStringDigits = 4300

    /// `str(v)` or `repr(v)`, refused before it would pass the memory left, then charged:
    /// its length as memory and the work of writing it as steps.
    func text(_ v: Value, repr: Bool = false) throws -> String {
        if case .str(let s) = v, !repr { return s }
        var w = TextWriter(limit: memoryRemaining, interpreter: self)
        try write(v, repr: repr, to: &w)
        try charge(w.length)
        try chargeSteps(w.length / 16)
        return w.text
    }

    /// Writes `str(v)` (or `repr(v)`). Self-containing containers print as `[...]`, as in Python.
    func write(_ v: Value, repr: Bool, to w: inout TextWriter) throws {
        var active = Set<ObjectIdentifier>()
        try write(v, repr: repr, to: &w, active: &active, depth: 0)
    }

    private func write(_ v: Value, repr: Bool, to w: inout TextWriter, active: inout Set<ObjectIdentifier>, depth: Int) throws {
        func items(_ xs: [Value], _ open: String, _ close: String) throws {
            try w.write(open)
            for (i, x) in xs.enumerated() {
                if i > 0 { try w.write(", ") }
                try write(x, repr: true, to: &w, active: &active, depth: depth + 1)
            }
            try w.write(close)
        }
        switch v {
        case .str(let s):
            if repr { try Interpreter.writeQuoted(s, to: &w) } else { try w.write(s) }
        case .exception(let k, let m):
            if !repr { try w.write(m); return }
            try w.write(k + "(")
            if !m.isEmpty { try Interpreter.writeQuoted(m, to: &w) }
            try w.write(")")
        case .big(let b):
            try w.write(try decimalText(b, digitLimit: w.intDigitLimit))
        case .list(let l):
            if active.contains(ObjectIdentifier(l)) || depth > 500 { try w.write("[...]"); return }
            active.insert(ObjectIdentifier(l)); defer { active.remove(ObjectIdentifier(l)) }
            try items(l.items, "[", "]")
        case .tuple(let t):
            if depth > 500 { try w.write("(...)"); return }
            try items(t, "(", t.count == 1 ? ",)" : ")")
        case .dict(let d):
            if active.contains(ObjectIdentifier(d)) || depth > 500 { try w.write("{...}"); return }
            active.insert(ObjectIdentifier(d)); defer { active.remove(ObjectIdentifier(d)) }
            try w.write("{")
            for (i, (k, x)) in zip(d.keys, d.values).enumerated() {
                if i > 0 { try w.write(", ") }
                try write(k, repr: true, to: &w, active: &active, depth: depth + 1)
                try w.write(": ")
                try write(x, repr: true, to: &w, active: &active, depth: depth + 1)
            }
            try w.write("}")
        case .set(let s):
            if s.items.isEmpty { try w.write("set()"); return }
            try items(s.items, "{", "}")
        case .iterator(let it) where it.reusable:
            try w.write(it.kind + "(")
            try items(it.items, "[", "]")
            try w.write(")")
        case .slice(let a, let b, let c):
            try items([a, b, c], "slice(", ")")
        case .none: try w.write("None")
        case .bool(let b): try w.write(b ? "True" : "False")
        case .int(let i): try w.write(String(i))
        case .float(let d): try w.write(FloatFormat.repr(d))
        case .range(let a, let b, let s): try w.write(s == 1 ? "range(\(a), \(b))" : "range(\(a), \(b), \(s))")
        case .function(let f): try w.write("<function \(f.name)>")
        case .builtin(let n): try w.write(Builtins.typeNames.contains(n) ? "<class '\(n)'>" : "<built-in function \(n)>")
        case .boundMethod(let v, let n): try w.write("<built-in method \(n) of \(v.typeName) object>")
        case .module(let n): try w.write("<module '\(n)'>")
        case .iterator(let it): try w.write("<\(it.kind) object>")
        case .exceptionClass(let n): try w.write("<class '\(n)'>")
        }
    }

    /// Decimal digits of a big integer, charged as the quadratic work it is; past `digitLimit`
    /// digits a ValueError, as CPython's int-to-str conversion limit.
    func decimalText(_ b: BigInt, digitLimit: Int?) throws -> String {
        let tooLong = PyError.value("Exceeds the limit (\(Interpreter.maxIntStringDigits) digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")
        // log10(2) < 0.30103: more bits than this always make more digits than the limit.
        if let digitLimit, Double(b.bitWidth - 1) * 0.30103 > Double(digitLimit) + 1 { throw tooLong }
        try chargeLimbProducts(BigInt.decimalCost(b.limbs.count))
        let s = b.description
        if let digitLimit, s.utf8.count - (b.negative ? 1 : 0) > digitLimit { throw tooLong }
        return s
    }

    /// Writes Python's quoted form of `s`, its exact length reserved first.
    static func writeQuoted(_ s: String, to w: inout TextWriter) throws {
        try w.reserve(s.utf8.count + 2)  // the shortest it can be: refused without a scan
        let q = UInt8(quoteCharacter(s).value)
        // Only ASCII is escaped, so the length is found from the UTF-8 bytes.
        let escapes = s.withBytes { bytes in
            var n = 0
            for b in bytes where b < 0x20 || b == 0x7F || b == q || b == UInt8(ascii: "\\") {
                n += b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t") || b == q || b == UInt8(ascii: "\\") ? 1 : 3
            }
            return n
        }
        try w.reserve(s.utf8.count + 2 + escapes)
        try w.write(escapes == 0 ? String(Unicode.Scalar(q)) + s + String(Unicode.Scalar(q)) : quote(s))
    }

    /// Python's string repr: single quotes unless the text has a single quote and no double.
    static func quote(_ s: String) -> String {
        let q = quoteCharacter(s)
        var out = String(q)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case q: out += "\\" + String(q)
            default:
                if u.value < 0x20 || u.value == 0x7f {
                    let h = String(u.value, radix: 16)
                    out += "\\x" + (h.count < 2 ? "0" + h : h)
                } else { out.unicodeScalars.append(u) }
            }
        }
        out.unicodeScalars.append(q)
        return out
    }

    private static func quoteCharacter(_ s: String) -> Unicode.Scalar {
        s.withBytes { $0.contains(UInt8(ascii: "'")) && !$0.contains(UInt8(ascii: "\"")) } ? "\"" : "'"
    }
}
