/// Iteration, indexing and slicing.
extension Interpreter {
    /// Calls `body` for each item; `body` returns false to stop. Lists are iterated live, as in Python.
    func iterate(_ v: Value, _ body: (Value) throws -> Bool) throws {
        switch v {
        case .list(let box):
            var i = 0
            while i < box.items.count { if !(try body(box.items[i])) { return }; i += 1 }
        case .tuple(let t): for x in t where !(try body(x)) { return }
        case .str(let s): for u in s.unicodeScalars where !(try body(.str(String(u)))) { return }
        case .dict(let d): for k in d.keys where !(try body(k)) { return }
        case .set(let s): for x in s.items where !(try body(x)) { return }
        case .range(let start, let stop, let step):
            var i = start
            while step > 0 ? i < stop : i > stop {
                if !(try body(.int(i))) { return }
                let (n, o) = i.addingReportingOverflow(step)
                if o { return }
                i = n
            }
        case .iterator(let it):
            if it.reusable { for x in it.items where !(try body(x)) { return }; return }
            while it.position < it.items.count {
                let x = it.items[it.position]
                it.position += 1
                if !(try body(x)) { return }
            }
        default:
            throw PyError.type("'\(v.typeName)' object is not iterable")
        }
    }

    /// All items of an iterable as an array (charged against the memory budget).
    func materialize(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .range(let a, let b, let s):
            let n = Value.rangeCount(a, b, s)
            try charge(n); try chargeSteps(n / 4)
            var out: [Value] = []; out.reserveCapacity(n)
            var i = a
            for _ in 0..<n { out.append(.int(i)); i &+= s }
            return out
        default:
            var out: [Value] = []
            try iterate(v) { x in try self.tick(); out.append(x); return true }
            try charge(out.count)
            return out
        }
    }

    /// Python integer value of an index-like (int or bool); nil otherwise.
    static func indexValue(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .big(let b): return b.negative ? Int.min / 2 : Int.max / 2
        default: return nil
        }
    }

    /// The positions a slice selects in a sequence of `count` items (CPython's slice.indices).
    func sliceIndices(_ lo: Value, _ hi: Value, _ st: Value, count: Int) throws -> [Int] {
        func bound(_ v: Value) throws -> Int? {
            if case .none = v { return nil }
            guard let i = Interpreter.indexValue(v) else {
                throw PyError.type("slice indices must be integers or None or have an __index__ method")
            }
            return i
        }
        let step = try bound(st) ?? 1
        if step == 0 { throw PyError.value("slice step cannot be zero") }
        let lower = step < 0 ? -1 : 0, upper = step < 0 ? count - 1 : count
        func adjust(_ x: Int?, _ dflt: Int) -> Int {
            guard var i = x else { return dflt }
            if i < 0 { i += count; if i < lower { i = lower } } else if i > upper { i = upper }
            return i
        }
        let start = adjust(try bound(lo), step < 0 ? upper : lower)
        let stop = adjust(try bound(hi), step < 0 ? lower : upper)
        var out: [Int] = []
        var i = start
        while step > 0 ? i < stop : i > stop {
            out.append(i)
            let (n, o) = i.addingReportingOverflow(step)
            if o { break }
            i = n
        }
        return out
    }

    private func position(_ index: Value, count: Int, _ what: String) throws -> Int {
        guard let raw = Interpreter.indexValue(index) else {
            if what == "string" { throw PyError.type("string indices must be integers, not '\(index.typeName)'") }
            throw PyError.type("\(what) indices must be integers or slices, not \(index.typeName)")
        }
        let i = raw < 0 ? raw + count : raw
        if i < 0 || i >= count { throw PyError("IndexError", "\(what) index out of range") }
        return i
    }

    func getItem(_ c: Value, _ index: Value) throws -> Value {
        switch c {
        case .list(let l):
            if case .slice(let a, let b, let s) = index {
                let idx = try sliceIndices(a, b, s, count: l.items.count)
                try charge(idx.count)
                return .list(ListBox(idx.map { l.items[$0] }))
            }
            return l.items[try position(index, count: l.items.count, "list")]
        case .tuple(let t):
            if case .slice(let a, let b, let s) = index {
                let idx = try sliceIndices(a, b, s, count: t.count)
                try charge(idx.count)
                return .tuple(idx.map { t[$0] })
            }
            return t[try position(index, count: t.count, "tuple")]
        case .str(let s):
            try chargeSteps(s.utf8.count / 64)
            let scalars = Array(s.unicodeScalars)
            if case .slice(let a, let b, let st) = index {
                var out = String.UnicodeScalarView()
                for i in try sliceIndices(a, b, st, count: scalars.count) { out.append(scalars[i]) }
                try charge(out.count)
                return .str(String(out))
            }
            return .str(String(scalars[try position(index, count: scalars.count, "string")]))
        case .range(let start, _, let step):
            if case .slice = index { return try getItem(.list(ListBox(try materialize(c))), index) }
            let n = Value.rangeCount(start, (c.rangeStop), step)
            return .int(start + step * (try position(index, count: n, "range object")))
        case .dict(let d):
            guard let v = d.get(try hashKey(index)) else { throw PyError("KeyError", try text(index, repr: true)) }
            return v
        default:
            throw PyError.type("'\(c.typeName)' object is not subscriptable")
        }
    }

    func setItem(_ c: Value, _ index: Value, _ v: Value) throws {
        switch c {
        case .list(let l):
            if case .slice(let a, let b, let s) = index {
                let items = try materialize(v)
                let idx = try sliceIndices(a, b, s, count: l.items.count)
                if case .none = s {
                    let lo = idx.first ?? min(max(Interpreter.indexValue(a).map { $0 < 0 ? $0 + l.items.count : $0 } ?? 0, 0), l.items.count)
                    try charge(items.count)
                    l.items.replaceSubrange(lo..<(lo + idx.count), with: items)
                    return
                }
                guard idx.count == items.count else {
                    throw PyError.value("attempt to assign sequence of size \(items.count) to extended slice of size \(idx.count)")
                }
                for (i, x) in zip(idx, items) { l.items[i] = x }
                return
            }
            guard let raw = Interpreter.indexValue(index) else {
                throw PyError.type("list indices must be integers or slices, not \(index.typeName)")
            }
            let i = raw < 0 ? raw + l.items.count : raw
            if i < 0 || i >= l.items.count { throw PyError("IndexError", "list assignment index out of range") }
            l.items[i] = v
        case .dict(let d):
            let k = try hashKey(index)
            if d.index[k] == nil { try charge(1) }
            d.set(index, k, v)
        default:
            throw PyError.type("'\(c.typeName)' object does not support item assignment")
        }
    }

    func deleteItem(_ c: Value, _ index: Value) throws {
        switch c {
        case .list(let l):
            if case .slice(let a, let b, let s) = index {
                let idx = Set(try sliceIndices(a, b, s, count: l.items.count))
                try chargeSteps(l.items.count / 16)
                l.items = l.items.enumerated().filter { !idx.contains($0.offset) }.map(\.element)
                return
            }
            guard let raw = Interpreter.indexValue(index) else {
                throw PyError.type("list indices must be integers or slices, not \(index.typeName)")
            }
            let i = raw < 0 ? raw + l.items.count : raw
            if i < 0 || i >= l.items.count { throw PyError("IndexError", "list assignment index out of range") }
            l.items.remove(at: i)
        case .dict(let d):
            try chargeSteps(d.keys.count / 16)  // removal re-indexes the dictionary
            if d.remove(try hashKey(index)) == nil { throw PyError("KeyError", try text(index, repr: true)) }
        default:
            throw PyError.type("'\(c.typeName)' object doesn't support item deletion")
        }
    }
}

extension Value {
    var rangeStop: Int { if case .range(_, let b, _) = self { return b }; return 0 }
}
