import Foundation

/// Python's format-spec mini-language (`f"{x:>8,.2f}"`), `str.format` and `%` formatting.
extension Interpreter {
    struct FormatSpec {
        var fill: Character = " "
        var align: Character?
        var sign: Character = "-"
        var alternate = false
        var zero = false
        var width = 0
        var grouping: Character?
        var precision: Int?
        var type: Character?

        init(_ spec: String) throws {
            var c = Array(spec), i = 0
            let aligns: Set<Character> = ["<", ">", "^", "="]
            if c.count >= 2 && aligns.contains(c[1]) { fill = c[0]; align = c[1]; i = 2 }
            else if !c.isEmpty && aligns.contains(c[0]) { align = c[0]; i = 1 }
            if i < c.count && "+- ".contains(c[i]) { sign = c[i]; i += 1 }
            if i < c.count && c[i] == "z" { i += 1 }
            if i < c.count && c[i] == "#" { alternate = true; i += 1 }
            if i < c.count && c[i] == "0" { zero = true; i += 1 }
            var w = ""
            while i < c.count && c[i].isASCII && c[i].isNumber { w.append(c[i]); i += 1 }
            // Any width that fits a machine word is accepted (and charged when padding is built).
            guard w.count < 19 else { throw PyError.value("Too many decimal digits in format string") }
            width = Int(w) ?? 0
            if i < c.count && (c[i] == "," || c[i] == "_") { grouping = c[i]; i += 1 }
            if i < c.count && c[i] == "." {
                i += 1
                var p = ""
                while i < c.count && c[i].isASCII && c[i].isNumber { p.append(c[i]); i += 1 }
                guard let pv = Int(p) else { throw PyError.value("Format specifier missing precision") }
                guard pv <= 1000 else { throw PyError.value("precision too big") }
                precision = pv
            }
            if i < c.count { type = c[i]; i += 1 }
            if i != c.count { throw PyError.value("Invalid format specifier '\(spec)' for object") }
            if zero && align == nil { fill = "0"; align = "=" }
            c = []
        }
    }

    func format(_ v: Value, spec: String) throws -> String {
        if spec.isEmpty { return try text(v) }
        let f = try FormatSpec(spec)
        switch v {
        case .str(let s):
            if let t = f.type, t != "s" { throw PyError.value("Unknown format code '\(t)' for object of type 'str'") }
            if f.align == "=" { throw PyError.value("'=' alignment not allowed in string format specifier") }
            if f.grouping != nil { throw PyError.value("Cannot specify ',' with 's'.") }
            var text = s
            if let p = f.precision { text = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
            return try pad(text, sign: "", f, defaultAlign: "<")
        case .int, .big, .bool:
            let t = f.type ?? "d"
            if t == "s", let g = f.grouping { throw PyError.value("Cannot specify '\(g)' with 's'.") }
            if "eEfFgG%".contains(t) { return try formatFloat(try Interpreter.toDouble(Interpreter.num(v)!), f) }
            if case .bool(let b) = v, f.type == nil { return try pad(b ? "True" : "False", sign: "", f, defaultAlign: "<") }
            if f.precision != nil { throw PyError.value("Precision not allowed in integer format specifier") }
            var negative = false
            var digits: String
            switch v {
            case .big(let b):
                guard t == "d" || t == "n" else { throw PyError.value("format code '\(t)' is not supported for integers beyond 64 bits in the sandbox") }
                negative = b.negative
                digits = String(try decimalText(b, digitLimit: Interpreter.maxIntStringDigits).drop(while: { $0 == "-" }))
            default:
                let i = Interpreter.indexValue(v)!
                negative = i < 0
                switch t {
                case "d", "n": digits = String(i.magnitude)
                case "x": digits = String(i.magnitude, radix: 16)
                case "X": digits = String(i.magnitude, radix: 16).uppercased()
                case "o": digits = String(i.magnitude, radix: 8)
                case "b": digits = String(i.magnitude, radix: 2)
                case "c":
                    guard i >= 0, i <= 0x10FFFF, let u = Unicode.Scalar(UInt32(i)) else { throw PyError("OverflowError", "%c arg not in range(0x110000)") }
                    return try pad(String(u), sign: "", f, defaultAlign: "<")
                default: throw PyError.value("Unknown format code '\(t)' for object of type 'int'")
                }
            }
            if let g = f.grouping { digits = group(digits, g, every: "xXob".contains(t) ? 4 : 3) }
            if f.alternate, let pfx = ["x": "0x", "X": "0X", "o": "0o", "b": "0b"][String(t)] { digits = pfx + digits }
            return try pad(digits, sign: signText(negative, f), f, defaultAlign: ">")
        case .float(let d): return try formatFloat(d, f)
        default:
            if f.type != nil { throw PyError.type("unsupported format string passed to \(v.typeName).__format__") }
            return try pad(try text(v), sign: "", f, defaultAlign: "<")
        }
    }

    private func signText(_ negative: Bool, _ f: FormatSpec) -> String {
        negative ? "-" : f.sign == "+" ? "+" : f.sign == " " ? " " : ""
    }

    private func group(_ digits: String, _ sep: Character, every n: Int) -> String {
        var out = "", count = 0
        for ch in digits.reversed() {
            if count > 0 && count % n == 0 { out.append(sep) }
            out.append(ch); count += 1
        }
        return String(out.reversed())
    }

    private func formatFloat(_ d: Double, _ f: FormatSpec) throws -> String {
        let t = f.type
        if let t, !"eEfFgG%n".contains(t) { throw PyError.value("Unknown format code '\(t)' for object of type 'float'") }
        let negative = d.sign == .minus && !(d.isNaN)
        let m = abs(d)
        var body: String
        switch t {
        case nil:
            if let p = f.precision {
                body = FloatFormat.printf(m, precision: max(p, 1), type: "g")
                if !body.contains(".") && !body.contains("e") && m.isFinite && !body.contains("n") { body += ".0" }
            } else { body = FloatFormat.repr(m) }
        case "%": body = FloatFormat.printf(m * 100, precision: f.precision ?? 6, type: "f") + "%"
        case "n": body = FloatFormat.printf(m, precision: f.precision ?? 6, type: "g")
        default:
            body = FloatFormat.printf(m, precision: f.precision ?? 6, type: t!)
            if f.alternate && !body.contains(".") && (t == "f" || t == "F") { body += "." }
        }
        if t == "F" || t == "E" || t == "G" { body = body.uppercased() }
        if let g = f.grouping, m.isFinite {
            let intEnd = body.firstIndex(where: { !$0.isNumber }) ?? body.endIndex
            body = group(String(body[..<intEnd]), g, every: 3) + body[intEnd...]
        }
        return try pad(body, sign: signText(negative, f), f, defaultAlign: ">")
    }

    /// The padded field, its length charged before it is built (a width can be 10**9 - 1).
    private func pad(_ body: String, sign: String, _ f: FormatSpec, defaultAlign: Character) throws -> String {
        let len = body.count + sign.count
        guard f.width > len else {
            try charge(body.utf8.count + sign.utf8.count)
            return sign + body
        }
        let n = f.width - len
        let fill = String(f.fill)
        try charge(Interpreter.size(n, times: fill.utf8.count, plus: body.utf8.count + sign.utf8.count))
        switch f.align ?? defaultAlign {
        case "<": return sign + body + String(repeating: fill, count: n)
        case "^": return String(repeating: fill, count: n / 2) + sign + body + String(repeating: fill, count: n - n / 2)
        case "=": return sign + String(repeating: fill, count: n) + body
        default: return String(repeating: fill, count: n) + sign + body
        }
    }

    /// `"...{}...{name:spec}".format(...)`.
    func strFormat(_ s: String, _ args: [Value], _ kw: [String: Value]) throws -> String {
        var out = TextWriter(limit: memoryRemaining, interpreter: self)
        var i = s.startIndex, auto = 0
        while i < s.endIndex {
            let c = s[i]
            if c == "{" {
                let n = s.index(after: i)
                if n < s.endIndex && s[n] == "{" { try out.write("{"); i = s.index(after: n); continue }
                guard let close = s[n...].firstIndex(of: "}") else { throw PyError.value("Single '{' encountered in format string") }
                var field = String(s[n..<close])
                var spec = ""
                var conv: Character?
                if let colon = field.firstIndex(of: ":") { spec = String(field[field.index(after: colon)...]); field = String(field[..<colon]) }
                if let bang = field.firstIndex(of: "!") { conv = field.last; field = String(field[..<bang]) }
                var v: Value
                if field.isEmpty {
                    guard auto < args.count else { throw PyError("IndexError", "Replacement index \(auto) out of range for positional args tuple") }
                    v = args[auto]; auto += 1
                } else if field.allSatisfy({ $0.isASCII && $0.isNumber }), let k = Int(field) {
                    guard k >= 0, k < args.count else { throw PyError("IndexError", "Replacement index \(k) out of range for positional args tuple") }
                    v = args[k]
                } else {
                    guard let x = kw[field] else { throw PyError("KeyError", Interpreter.quote(field)) }
                    v = x
                }
                if conv == "r" { v = .str(try text(v, repr: true)) } else if conv == "s" { v = .str(try text(v)) }
                try out.write(try format(v, spec: spec))
                i = s.index(after: close)
            } else if c == "}" {
                let n = s.index(after: i)
                guard n < s.endIndex && s[n] == "}" else { throw PyError.value("Single '}' encountered in format string") }
                try out.write("}"); i = s.index(after: n)
            } else {
                let next = s[i...].firstIndex(where: { $0 == "{" || $0 == "}" }) ?? s.endIndex
                try out.write(String(s[i..<next])); i = next
            }
        }
        try charge(out.length)
        return out.text
    }

    /// `"%d items at %.2f" % (n, price)`.
    func percentFormat(_ fmt: String, _ values: Value) throws -> String {
        var args: [Value]
        if case .tuple(let t) = values { args = t } else { args = [values] }
        var out = TextWriter(limit: memoryRemaining, interpreter: self)
        var i = fmt.startIndex, k = 0
        while i < fmt.endIndex {
            guard fmt[i] == "%" else {
                let next = fmt[i...].firstIndex(of: "%") ?? fmt.endIndex
                try out.write(String(fmt[i..<next])); i = next
                continue
            }
            i = fmt.index(after: i)
            var spec = ""
            while i < fmt.endIndex, "-+ #0123456789.*".contains(fmt[i]) {
                if fmt[i] == "*" {
                    // `*` takes the width (or precision) from the arguments; a negative width left-justifies.
                    guard k < args.count else { throw PyError.type("not enough arguments for format string") }
                    guard case .int(var n) = args[k] else { throw PyError.type("* wants int") }
                    k += 1
                    if n < 0 { if spec.contains(".") { n = 0 } else { spec = "-" + spec; n = -n } }
                    spec += String(n)
                } else {
                    spec.append(fmt[i])
                }
                i = fmt.index(after: i)
            }
            guard i < fmt.endIndex else { throw PyError.value("incomplete format") }
            let t = fmt[i]; i = fmt.index(after: i)
            if t == "%" { try out.write("%"); continue }
            guard k < args.count else { throw PyError.type("not enough arguments for format string") }
            let v = args[k]; k += 1
            var pySpec = spec.hasPrefix("-") ? "<" + spec.dropFirst() : (spec.contains(where: { $0 != "0" && $0.isNumber }) && !spec.hasPrefix("0") ? ">" + spec : spec)
            switch t {
            case "s": try out.write(try format(.str(try text(v)), spec: pySpec.replacingOccurrences(of: "+", with: "")))
            case "r": try out.write(try format(.str(try text(v, repr: true)), spec: pySpec))
            case "d", "i", "u":
                guard let n = Interpreter.num(v) else { throw PyError.type("%\(t) format: a real number is required, not \(v.typeName)") }
                var iv: Value = v
                if case .float(let d) = n { iv = try floatToInt(d) }
                pySpec += "d"
                try out.write(try format(iv, spec: pySpec))
            case "f", "F", "e", "E", "g", "G", "x", "X", "o":
                guard Interpreter.num(v) != nil else { throw PyError.type("%\(t) format: a real number is required, not \(v.typeName)") }
                if "fFeEgG".contains(t), !pySpec.contains(".") { pySpec += ".6" }
                try out.write(try format(v, spec: pySpec + String(t)))
            default: throw PyError.value("unsupported format character '\(t)'")
            }
        }
        if k < args.count { throw PyError.type("not all arguments converted during string formatting") }
        try charge(out.length)
        return out.text
    }
}
