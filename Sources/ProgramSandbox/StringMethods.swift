import Foundation

/// `str` methods. Positions are counted in Unicode scalars, as Python counts code points.
/// A result's length is computed, and charged, before it is built; a result that is part of
/// the receiver (a strip, a slice) is bounded by memory already charged for the receiver.
extension Interpreter {
    func stringMethod(_ s: String, _ name: String, _ args: [Value], _ kw: [String: Value]) throws -> Value {
        func strArg(_ i: Int, _ what: String = "str") throws -> String {
            guard i < args.count else { throw PyError.type("\(name)() takes at least \(i + 1) argument (\(args.count) given)") }
            guard case .str(let t) = args[i] else {
                throw PyError.type("\(name)() argument \(i + 1) must be \(what), not \(args[i].typeName)")
            }
            return t
        }
        func optChars(_ i: Int) throws -> String? {
            if i >= args.count || args[i].isNone { return nil }
            return try strArg(i)
        }
        if name != "format" && name != "split" && name != "rsplit" && name != "splitlines" && !kw.isEmpty {
            throw PyError.type("str.\(name)() takes no keyword arguments")
        }
        let noArgs: Set<String> = ["lower", "upper", "title", "capitalize", "swapcase", "casefold", "isdigit", "isdecimal",
                                   "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower"]
        if noArgs.contains(name) && !args.isEmpty {
            throw PyError.type("str.\(name)() takes no arguments (\(args.count) given)")
        }
        // Decoded only by the methods that index code points.
        lazy var scalars = Array(s.unicodeScalars)
        try chargeSteps(s.utf8.count / 64)
        switch name {
        case "split", "rsplit":
            let sepV = args.count > 0 ? args[0] : (kw["sep"] ?? .none)
            let maxsplit = try intArg(args.count > 1 ? args[1] : (kw["maxsplit"] ?? .int(-1)))
            let limit = maxsplit < 0 ? Int.max : maxsplit
            let parts: [String]
            if case .str(let sep) = sepV {
                if sep.isEmpty { throw PyError.value("empty separator") }
                parts = try split(s, on: sep, limit: limit, fromRight: name == "rsplit")
            } else {
                parts = try splitOnWhitespace(scalars, limit: limit, fromRight: name == "rsplit")
            }
            return .list(ListBox(parts.map { .str($0) }))
        case "join":
            try argCount("join", args, 1...1)
            var pieces: [String] = []
            var idx = 0
            try iterate(args[0]) { x in
                guard case .str(let t) = x else {
                    throw PyError.type("sequence item \(idx): expected str instance, \(x.typeName) found")
                }
                try self.tick()
                pieces.append(t); idx += 1; return true
            }
            try charge(pieces.reduce(Interpreter.size(s.utf8.count, times: max(0, pieces.count - 1))) { $0 + $1.utf8.count })
            return .str(pieces.joined(separator: s))
        case "strip", "lstrip", "rstrip":
            let chars = try optChars(0).map { Set($0.unicodeScalars) }
            let strip: (Unicode.Scalar) -> Bool = { u in chars?.contains(u) ?? u.properties.isWhitespace }
            var lo = 0, hi = scalars.count
            if name != "rstrip" { while lo < hi && strip(scalars[lo]) { lo += 1 } }
            if name != "lstrip" { while hi > lo && strip(scalars[hi - 1]) { hi -= 1 } }
            let out = String(String.UnicodeScalarView(scalars[lo..<hi]))
            try charge(out.utf8.count)
            return .str(out)
        case "lower", "casefold", "upper", "title", "capitalize", "swapcase":
            // Case mapping keeps the length except for the few letters that expand (ß → SS, at
            // most threefold): the length is charged before, any growth once it is known.
            try charge(s.utf8.count)
            let out: String
            switch name {
            case "lower", "casefold": out = s.lowercased()
            case "upper": out = s.uppercased()
            case "title": out = s.capitalized
            case "capitalize": out = s.prefix(1).uppercased() + s.dropFirst().lowercased()
            default: out = String(s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
            }
            try charge(max(0, out.utf8.count - s.utf8.count))
            return .str(out)
        case "replace":
            try argCount("replace", args, 2...3)
            let old = try strArg(0), new = try strArg(1)
            let count = args.count > 2 ? try intArg(args[2]) : -1
            return .str(try replace(s, old, new, limit: count < 0 ? Int.max : count))
        case "startswith", "endswith":
            try argCount(name, args, 1...3)
            var candidates: [String] = []
            if case .tuple(let ts) = args[0] { for t in ts { guard case .str(let x) = t else { throw PyError.type("tuple for \(name) must only contain str") }; candidates.append(x) } }
            else { candidates = [try strArg(0, "str or a tuple of str")] }
            var sub = s
            if args.count > 1 {
                let idx = try sliceIndices(args[1], args.count > 2 ? args[2] : .none, .none, count: scalars.count)
                sub = String(String.UnicodeScalarView(idx.map { scalars[$0] }))
            }
            return .bool(candidates.contains { name == "startswith" ? sub.unicodeScalars.starts(with: $0.unicodeScalars)
                                                               : sub.unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed()) })
        case "find", "rfind", "index", "rindex", "count":
            try argCount(name, args, 1...3)
            let sub = try strArg(0)
            let n = s.unicodeScalars.count
            var lo = 0, hi = n
            if args.count > 1, !args[1].isNone { lo = try intArg(args[1]); if lo < 0 { lo = max(0, lo + n) } }
            if args.count > 2, !args[2].isNone { hi = try intArg(args[2]); if hi < 0 { hi = max(0, hi + n) } }
            hi = min(hi, n)
            if lo > hi {
                if name == "count" { return .int(0) }
                if name.hasSuffix("index") { throw PyError.value("substring not found") }
                return .int(-1)
            }
            if sub.isEmpty {
                if name == "count" { return .int(hi - lo + 1) }
                return .int(name.hasPrefix("r") ? hi : lo)
            }
            try chargeSteps(s.utf8.count / 16)
            let search = SubstringSearch(sub)
            let found: Int? = s.withBytes { bytes in
                let (from, to) = (bytes.byteOffset(ofScalar: lo), bytes.byteOffset(ofScalar: hi))
                var hits = 0, first: Int?, last: Int?
                search.forEachMatch(in: bytes, from: from, to: to, overlapping: name.hasPrefix("r")) { at in
                    hits += 1; first = first ?? at; last = at
                    return name.hasPrefix("r") || name == "count"
                }
                if name == "count" { return hits }
                return (name.hasPrefix("r") ? last : first).map { bytes.scalarCount(upTo: $0) }
            }
            if let found { return .int(found) }
            if name.hasSuffix("index") { throw PyError.value("substring not found") }
            return .int(-1)
        case "isdigit", "isdecimal", "isnumeric":
            return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.numericType != nil })
        case "isalpha": return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum":
            return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!scalars.isEmpty && scalars.allSatisfy { $0.properties.isWhitespace })
        case "isupper":
            return .bool(s.contains { $0.isCased } && s.allSatisfy { !$0.isCased || $0.isUppercase })
        case "islower":
            return .bool(s.contains { $0.isCased } && s.allSatisfy { !$0.isCased || $0.isLowercase })
        case "format": return .str(try strFormat(s, args, kw))
        case "center", "ljust", "rjust":
            try argCount(name, args, 1...2)
            let width = try intArg(args[0])
            let fill = args.count > 1 ? try strArg(1) : " "
            guard fill.unicodeScalars.count == 1 else { throw PyError.type("The fill character must be exactly one character long") }
            let pad = max(0, width - scalars.count)
            try charge(Interpreter.size(pad, times: fill.utf8.count, plus: s.utf8.count))
            let left = name == "ljust" ? 0 : name == "rjust" ? pad : pad / 2 + (pad & width & 1)
            return .str(String(repeating: fill, count: left) + s + String(repeating: fill, count: pad - left))
        case "zfill":
            try argCount("zfill", args, 1...1)
            let width = try intArg(args[0])
            let pad = max(0, width - scalars.count)
            try charge(Interpreter.size(pad, times: 1, plus: s.utf8.count))
            if let f = s.first, f == "-" || f == "+" { return .str(String(f) + String(repeating: "0", count: pad) + s.dropFirst()) }
            return .str(String(repeating: "0", count: pad) + s)
        case "splitlines":
            try argCount("splitlines", args, 0...1)
            let keepends = (args.first ?? kw["keepends"])?.isTruthy ?? false
            return .list(ListBox(try splitLines(scalars, keepends: keepends).map { .str($0) }))
        case "partition", "rpartition":
            try argCount(name, args, 1...1)
            let sep = try strArg(0)
            if sep.isEmpty { throw PyError.value("empty separator") }
            try chargeSteps(s.utf8.count / 16)
            try charge(s.utf8.count)
            let search = SubstringSearch(sep)
            return s.withBytes { bytes in
                var at: Int?
                search.forEachMatch(in: bytes, overlapping: true) { i in at = i; return name == "rpartition" }
                guard let at else {
                    return name == "partition" ? .tuple([.str(s), .str(""), .str("")]) : .tuple([.str(""), .str(""), .str(s)])
                }
                let before = String(decoding: bytes[..<at], as: UTF8.self)
                let after = String(decoding: bytes[(at + search.needle.count)...], as: UTF8.self)
                return .tuple([.str(before), .str(sep), .str(after)])
            }
        case "removeprefix":
            let p = try strArg(0)
            return .str(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
        case "removesuffix":
            let p = try strArg(0)
            return .str(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
        default: throw PyError("AttributeError", "'str' object has no attribute '\(name)'")
        }
    }

    /// `s.replace(old, new, count)`: the replacements are counted first, so the result's length
    /// is charged before it is built, in place, in one allocation.
    private func replace(_ s: String, _ old: String, _ new: String, limit: Int) throws -> String {
        let newBytes = Array(new.utf8), oldLength = old.utf8.count
        try chargeSteps(s.utf8.count / 16)
        let search = old.isEmpty ? nil : SubstringSearch(old)
        // An empty `old` matches before every code point and at the end.
        let hits = s.withBytes { bytes in search?.count(in: bytes, limit: limit) ?? min(limit, bytes.scalarCount(upTo: bytes.count) + 1) }
        if hits == 0 { return s }
        let length = Interpreter.size(hits, times: newBytes.count - oldLength, plus: s.utf8.count)
        try charge(length)
        try chargeSteps(length / 16)
        return s.withBytes { bytes in
            String(utf8Length: length) { out in
                var written = 0, copied = 0, made = 0
                func copy(_ source: UnsafeBufferPointer<UInt8>.SubSequence) {
                    for b in source { out[written] = b; written += 1 }
                }
                func replacement(at i: Int) -> Bool {
                    copy(bytes[copied..<i])
                    for b in newBytes { out[written] = b; written += 1 }
                    copied = i + oldLength
                    made += 1
                    return made < hits
                }
                if let search {
                    search.forEachMatch(in: bytes, replacement)
                } else {
                    for i in 0...bytes.count where i == bytes.count || bytes[i] & 0xC0 != 0x80 {
                        if !replacement(at: i) { break }
                    }
                }
                copy(bytes[copied...])
            }
        }
    }

    /// `s.split(sep, maxsplit)` / `s.rsplit(...)`: the separators are found (from the right for
    /// rsplit, as Python does) and counted before the parts are made.
    private func split(_ s: String, on sep: String, limit: Int, fromRight: Bool) throws -> [String] {
        try chargeSteps(s.utf8.count / 16)
        return try s.withBytes { bytes in
            var cuts: [Int] = []
            if fromRight {
                let reversed = Array(bytes.reversed()), m = sep.utf8.count
                let search = SubstringSearch(String(decoding: sep.utf8.reversed(), as: UTF8.self))
                if limit > 0 {
                    reversed.withUnsafeBufferPointer { r in
                        search.forEachMatch(in: r) { at in cuts.append(bytes.count - at - m); return cuts.count < limit }
                    }
                }
                cuts.reverse()
            } else if limit > 0 {
                SubstringSearch(sep).forEachMatch(in: bytes) { at in cuts.append(at); return cuts.count < limit }
            }
            try charge(s.utf8.count + cuts.count + 1)
            var parts: [String] = []
            parts.reserveCapacity(cuts.count + 1)
            var start = 0
            for c in cuts {
                parts.append(String(decoding: bytes[start..<c], as: UTF8.self))
                start = c + sep.utf8.count
            }
            parts.append(String(decoding: bytes[start...], as: UTF8.self))
            return parts
        }
    }

    /// `s.split()` / `s.rsplit()` on runs of whitespace: with a limit, the unsplit rest keeps its
    /// inner and outer whitespace on the far side, as Python's does.
    private func splitOnWhitespace(_ scalars: [Unicode.Scalar], limit: Int, fromRight: Bool) throws -> [String] {
        func space(_ u: Unicode.Scalar) -> Bool { u.properties.isWhitespace || (0x1C...0x1F).contains(u.value) }
        let n = scalars.count
        var words: [Range<Int>] = []
        var wordCount = 0
        for i in 0..<n where !space(scalars[i]) && (i == 0 || space(scalars[i - 1])) { wordCount += 1 }
        try charge(n + wordCount)
        func text(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        if !fromRight {
            var i = 0
            while i < n {
                while i < n && space(scalars[i]) { i += 1 }
                if i == n { break }
                if words.count == limit { words.append(i..<n); break }
                let start = i
                while i < n && !space(scalars[i]) { i += 1 }
                words.append(start..<i)
            }
            return words.map(text)
        }
        var i = n
        while i > 0 {
            while i > 0 && space(scalars[i - 1]) { i -= 1 }
            if i == 0 { break }
            if words.count == limit { words.append(0..<i); break }
            let end = i
            while i > 0 && !space(scalars[i - 1]) { i -= 1 }
            words.append(i..<end)
        }
        return words.reversed().map(text)
    }

    /// `s.splitlines(keepends)` at Python's line boundaries (\n, \r, \r\n, \v, \f, \x1c–\x1e,
    /// \x85, U+2028, U+2029).
    private func splitLines(_ scalars: [Unicode.Scalar], keepends: Bool) throws -> [String] {
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        let lineCount = scalars.reduce(0) { $0 + (breaks.contains($1.value) ? 1 : 0) } + 1
        try charge(scalars.count + lineCount)
        var lines: [String] = []
        var start = 0, i = 0
        while i < scalars.count {
            guard breaks.contains(scalars[i].value) else { i += 1; continue }
            var end = i + 1
            if scalars[i] == "\r" && end < scalars.count && scalars[end] == "\n" { end += 1 }
            lines.append(String(String.UnicodeScalarView(scalars[start..<(keepends ? end : i)])))
            start = end; i = end
        }
        if start < scalars.count { lines.append(String(String.UnicodeScalarView(scalars[start...]))) }
        return lines
    }
}
