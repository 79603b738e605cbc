import Foundation

/// Binary operators on all types, comparisons, equality and membership.
extension Interpreter {
    func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        if let x = Interpreter.num(a), let y = Interpreter.num(b) { return try numericBinary(op, x, y) }
        switch (op, a, b) {
        case (.add, .str(let x), .str(let y)):
            try charge(x.utf8.count + y.utf8.count)
            return .str(x + y)
        case (.add, .list(let x), .list(let y)):
            try charge(x.items.count + y.items.count)
            return .list(ListBox(x.items + y.items))
        case (.add, .tuple(let x), .tuple(let y)):
            try charge(x.count + y.count)
            return .tuple(x + y)
        case (.mul, .str, _), (.mul, .list, _), (.mul, .tuple, _):
            return try repeatSequence(a, b)
        case (.mul, _, .str), (.mul, _, .list), (.mul, _, .tuple):
            return try repeatSequence(b, a)
        case (.mod, .str(let fmt), _):
            return .str(try percentFormat(fmt, b))
        case (.bitOr, .set(let x), .set(let y)), (.bitAnd, .set(let x), .set(let y)),
             (.sub, .set(let x), .set(let y)), (.bitXor, .set(let x), .set(let y)):
            return .set(try setOperation(op, x, y))
        case (.bitOr, .dict(let x), .dict(let y)):
            let box = DictBox()
            for (k, v) in zip(x.keys + y.keys, x.values + y.values) { box.set(k, try hashKey(k), v) }
            return .dict(box)
        default: break
        }
        if case .str = a, op == .add {
            throw PyError.type("can only concatenate str (not \"\(b.typeName)\") to str")
        }
        if case .list = a, op == .add {
            throw PyError.type("can only concatenate list (not \"\(b.typeName)\") to list")
        }
        if case .tuple = a, op == .add {
            throw PyError.type("can only concatenate tuple (not \"\(b.typeName)\") to tuple")
        }
        if op == .pow {
            throw PyError.type("unsupported operand type(s) for ** or pow(): '\(a.typeName)' and '\(b.typeName)'")
        }
        throw PyError.type("unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
    }

    private func repeatSequence(_ seq: Value, _ count: Value) throws -> Value {
        let n: Int
        switch count {
        case .int(let i): n = max(i, 0)
        case .bool(let b): n = b ? 1 : 0
        case .big(let b): n = b.negative ? 0 : Int.max
        default: throw PyError.type("can't multiply sequence by non-int of type '\(count.typeName)'")
        }
        switch seq {
        case .str(let s):
            let total = Interpreter.size(s.utf8.count, times: n)
            try charge(total)
            try chargeSteps(total / 1024)
            if total == 0 { return .str("") }
            // One allocation, filled by doubling copies: 10**7 bytes take milliseconds.
            return .str(s.withBytes { pattern in
                String(utf8Length: total) { out in
                    var filled = min(pattern.count, total)
                    _ = out.initialize(from: pattern[..<filled])
                    while filled < total {
                        let chunk = min(filled, total - filled)
                        (out.baseAddress! + filled).update(from: out.baseAddress!, count: chunk)
                        filled += chunk
                    }
                }
            })
        case .list(let l):
            let total = Interpreter.size(l.items.count, times: n)
            try charge(total)
            try chargeSteps(total / 64)
            if l.items.count == 1 { return .list(ListBox(Array(repeating: l.items[0], count: n))) }
            var out: [Value] = []; out.reserveCapacity(total)
            for _ in 0..<(l.items.isEmpty ? 0 : n) { out += l.items }
            return .list(ListBox(out))
        case .tuple(let t):
            let total = Interpreter.size(t.count, times: n)
            try charge(total)
            try chargeSteps(total / 64)
            var out: [Value] = []; out.reserveCapacity(total)
            for _ in 0..<(t.isEmpty ? 0 : n) { out += t }
            return .tuple(out)
        default: fatalError("not a sequence")
        }
    }

    func setOperation(_ op: BinaryOp, _ x: SetBox, _ y: SetBox) throws -> SetBox {
        let out = SetBox()
        switch op {
        case .bitOr:
            for v in x.items + y.items { out.insert(v, try hashKey(v)) }
        case .bitAnd:
            for v in x.items { let k = try hashKey(v); if y.contains(k) { out.insert(v, k) } }
        case .sub:
            for v in x.items { let k = try hashKey(v); if !y.contains(k) { out.insert(v, k) } }
        default:
            for v in x.items { let k = try hashKey(v); if !y.contains(k) { out.insert(v, k) } }
            for v in y.items { let k = try hashKey(v); if !x.contains(k) { out.insert(v, k) } }
        }
        try charge(out.items.count)
        return out
    }

    /// The dictionary/set key of `v`; hashing a long string or a large tuple is charged as steps.
    func hashKey(_ v: Value) throws -> HashKey {
        guard let k = v.hashKey else { throw PyError.type("unhashable type: '\(v.typeName)'") }
        func cost(_ v: Value) -> Int {
            switch v {
            case .str(let s): return s.utf8.count / 256
            case .tuple(let t): return t.reduce(t.count / 16) { $0 + cost($1) }
            default: return 0
            }
        }
        try chargeSteps(cost(v))
        return k
    }

    func compare(_ op: CompareOp, _ a: Value, _ b: Value) throws -> Bool {
        switch op {
        case .eq: return try equals(a, b)
        case .ne: return !(try equals(a, b))
        case .lt: return try less(a, b, "<")
        case .gt: return try less(b, a, ">", swapped: true)
        case .le: return try lessOrEqual(a, b, "<=")
        case .ge: return try lessOrEqual(b, a, ">=", swapped: true)
        case .isOp: return identical(a, b)
        case .isNot: return !identical(a, b)
        case .inOp: return try contains(b, a)
        case .notIn: return !(try contains(b, a))
        }
    }

    /// `is`: identity for reference types, value identity for None/bool/small immutables.
    func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y && x >= -5 && x <= 256
        case (.str(let x), .str(let y)): return x == y
        case (.list(let x), .list(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        case (.set(let x), .set(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x == y
        case (.exceptionClass(let x), .exceptionClass(let y)): return x == y
        case (.module(let x), .module(let y)): return x == y
        default: return false
        }
    }

    func equals(_ a: Value, _ b: Value) throws -> Bool {
        if let x = Interpreter.num(a), let y = Interpreter.num(b) {
            switch (x, y) {
            case (.int(let i), .int(let j)): return i == j
            case (.float(let d), _): return d == (try? Interpreter.toDouble(y))
            case (_, .float(let d)): return d == (try? Interpreter.toDouble(x))
            default: return BigInt.compare(Interpreter.big(x), Interpreter.big(y)) == 0
            }
        }
        if case .str(let x) = a, case .str(let y) = b {
            try chargeSteps(min(x.utf8.count, y.utf8.count) / 256)
            return Interpreter.compareCodePoints(x, y) == 0
        }
        if identical(a, b) { return true }  // Python compares identical items as equal first
        try tick()
        compareDepth += 1
        defer { compareDepth -= 1 }
        if compareDepth > limits.recursionDepth { throw PyError("RecursionError", "maximum recursion depth exceeded in comparison") }
        switch (a, b) {
        case (.list(let x), .list(let y)): return try sequencesEqual(x.items, y.items)
        case (.tuple(let x), .tuple(let y)): return try sequencesEqual(x, y)
        case (.dict(let x), .dict(let y)):
            guard x.keys.count == y.keys.count else { return false }
            for (k, v) in zip(x.keys, x.values) {
                guard let w = y.get(try hashKey(k)), try equals(v, w) else { return false }
            }
            return true
        case (.set(let x), .set(let y)):
            return x.items.count == y.items.count && x.index.keys.allSatisfy { y.contains($0) }
        case (.range(let a1, let b1, let s1), .range(let a2, let b2, let s2)):
            return try sequencesEqual(materialize(.range(a1, b1, s1)), materialize(.range(a2, b2, s2)))
        case (.exception(let k1, let m1), .exception(let k2, let m2)): return k1 == k2 && m1 == m2
        default: return identical(a, b)
        }
    }

    private func sequencesEqual(_ x: [Value], _ y: [Value]) throws -> Bool {
        guard x.count == y.count else { return false }
        try chargeSteps(x.count / 16)
        for (p, q) in zip(x, y) where !(try equals(p, q)) { return false }
        return true
    }

    /// Python's string order (by code points, which UTF-8 bytes order the same way): negative,
    /// zero or positive. Strings sharing storage are equal without a scan, as CPython's `is` check.
    static func compareCodePoints(_ x: String, _ y: String) -> Int {
        x.withBytes { a in
            y.withBytes { b in
                if a.baseAddress == b.baseAddress && a.count == b.count { return 0 }
                let n = min(a.count, b.count)
                let c = n == 0 ? 0 : Int(memcmp(a.baseAddress!, b.baseAddress!, n))
                return c != 0 ? c : a.count - b.count
            }
        }
    }

    /// `a < b`; `swapped` when evaluating `b > a`, so a TypeError names the operands in source order.
    func less(_ a: Value, _ b: Value, _ sym: String = "<", swapped: Bool = false) throws -> Bool {
        if let x = Interpreter.num(a), let y = Interpreter.num(b) {
            switch (x, y) {
            case (.int(let i), .int(let j)): return i < j
            case (.float(let d), _): return d < (try Interpreter.toDouble(y))
            case (_, .float(let d)): return (try Interpreter.toDouble(x)) < d
            default: return BigInt.compare(Interpreter.big(x), Interpreter.big(y)) < 0
            }
        }
        compareDepth += 1
        defer { compareDepth -= 1 }
        if compareDepth > limits.recursionDepth { throw PyError("RecursionError", "maximum recursion depth exceeded in comparison") }
        switch (a, b) {
        case (.str(let x), .str(let y)):
            try chargeSteps(min(x.utf8.count, y.utf8.count) / 256)
            return Interpreter.compareCodePoints(x, y) < 0
        case (.list(let x), .list(let y)): return try sequenceLess(x.items, y.items, sym, swapped)
        case (.tuple(let x), .tuple(let y)): return try sequenceLess(x, y, sym, swapped)
        case (.set(let x), .set(let y)):
            return x.items.count < y.items.count && x.index.keys.allSatisfy { y.contains($0) }
        default:
            let (l, r) = swapped ? (b, a) : (a, b)
            throw PyError.type("'\(sym)' not supported between instances of '\(l.typeName)' and '\(r.typeName)'")
        }
    }

    private func lessOrEqual(_ a: Value, _ b: Value, _ sym: String, swapped: Bool = false) throws -> Bool {
        if case .set(let x) = a, case .set(let y) = b { return x.index.keys.allSatisfy { y.contains($0) } }
        if Interpreter.num(a) != nil, Interpreter.num(b) != nil {
            if case .float(let d) = a, d.isNaN { return false }
            if case .float(let d) = b, d.isNaN { return false }
        }
        return try !less(b, a, sym, swapped: !swapped)
    }

    private func sequenceLess(_ x: [Value], _ y: [Value], _ sym: String, _ swapped: Bool) throws -> Bool {
        for (p, q) in zip(x, y) where !(try equals(p, q)) { return try less(p, q, sym, swapped: swapped) }
        return x.count < y.count
    }

    func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .str(let s):
            guard case .str(let sub) = item else {
                throw PyError.type("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            if sub.isEmpty { return true }
            try chargeSteps(s.utf8.count / 16)
            let search = SubstringSearch(sub)
            return s.withBytes { bytes in
                var found = false
                search.forEachMatch(in: bytes) { _ in found = true; return false }
                return found
            }
        case .list(let l):
            try chargeSteps(l.items.count / 8)
            return try l.items.contains { try equals($0, item) }
        case .tuple(let t):
            try chargeSteps(t.count / 8)
            return try t.contains { try equals($0, item) }
        case .dict(let d): return d.get(try hashKey(item)) != nil
        case .set(let s): return s.contains(try hashKey(item))
        case .range(let start, let stop, let step):
            guard case .int(let i) = item else { return try materialize(container).contains { try equals($0, item) } }
            if step > 0 ? (i < start || i >= stop) : (i > start || i <= stop) { return false }
            return (i - start) % step == 0
        case .iterator(let it): return try it.items[it.position...].contains { try equals($0, item) }
        default:
            throw PyError.type("argument of type '\(container.typeName)' is not iterable")
        }
    }
}
