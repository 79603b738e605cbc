/// Which methods each builtin type offers, and dispatch to their implementations.
enum Methods {
    static let byType: [String: Set<String>] = [
        "str": ["split", "rsplit", "join", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize",
                "swapcase", "replace", "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "isdigit",
                "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal", "format", "center",
                "ljust", "rjust", "zfill", "splitlines", "partition", "rpartition", "casefold", "removeprefix",
                "removesuffix"],
        "list": ["append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy", "clear"],
        "tuple": ["index", "count"],
        "dict": ["get", "keys", "values", "items", "update", "setdefault", "pop", "popitem", "copy", "clear"],
        "set": ["add", "remove", "discard", "pop", "union", "intersection", "difference", "symmetric_difference",
                "issubset", "issuperset", "isdisjoint", "update", "copy", "clear"],
        "int": ["bit_length"], "bool": ["bit_length"],
        "float": ["is_integer"],
    ]

    static func exists(_ v: Value, _ name: String) -> Bool {
        byType[v.typeName]?.contains(name) ?? false
    }
}

extension Interpreter {
    func callMethod(_ recv: Value, _ name: String, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        let kw = Dictionary(kwargs, uniquingKeysWith: { $1 })
        switch recv {
        case .str(let s): return try stringMethod(s, name, args, kw)
        case .list(let l): return try listMethod(l, name, args, kw)
        case .tuple(let t):
            return try listMethod(ListBox(t), name, args, kw, typeName: "tuple")
        case .dict(let d): return try dictMethod(d, name, args, kw)
        case .set(let s): return try setMethod(s, name, args)
        case .int(let i):
            return .int(Int.bitWidth - i.magnitude.leadingZeroBitCount)
        case .bool(let b): return .int(b ? 1 : 0)
        case .big(let b): return .int(b.bitWidth)
        case .float(let d): return .bool(d.isFinite && d == d.rounded())
        default: throw PyError("AttributeError", "'\(recv.typeName)' object has no attribute '\(name)'")
        }
    }

    private func listMethod(_ l: ListBox, _ name: String, _ args: [Value], _ kw: [String: Value], typeName: String = "list") throws -> Value {
        for k in kw.keys where !(name == "sort" && (k == "key" || k == "reverse")) {
            throw PyError.type("\(typeName).\(name)() takes no keyword arguments")
        }
        switch name {
        case "append":
            try argCount("\(typeName).append", args, 1...1)
            try charge(1); l.items.append(args[0])
        case "extend":
            try argCount("\(typeName).extend", args, 1...1)
            let items = try materialize(args[0])
            try charge(items.count); l.items += items
        case "pop":
            try argCount("pop", args, 0...1)
            if l.items.isEmpty { throw PyError("IndexError", "pop from empty list") }
            if !args.isEmpty { try chargeSteps(l.items.count / 16) }
            var i = args.isEmpty ? l.items.count - 1 : try intArg(args[0])
            if i < 0 { i += l.items.count }
            if i < 0 || i >= l.items.count { throw PyError("IndexError", "pop index out of range") }
            return l.items.remove(at: i)
        case "insert":
            try argCount("insert", args, 2...2)
            try chargeSteps(l.items.count / 16)
            var i = try intArg(args[0])
            if i < 0 { i = max(0, i + l.items.count) }
            try charge(1)
            l.items.insert(args[1], at: min(i, l.items.count))
        case "remove":
            try argCount("\(typeName).remove", args, 1...1)
            try chargeSteps(l.items.count / 16)
            guard let i = try l.items.firstIndex(where: { try equals($0, args[0]) }) else {
                throw PyError.value("list.remove(x): x not in list")
            }
            l.items.remove(at: i)
        case "index":
            try argCount("index", args, 1...3)
            try chargeSteps(l.items.count / 16)
            let n = l.items.count
            var start = args.count > 1 ? try intArg(args[1]) : 0
            var stop = args.count > 2 ? try intArg(args[2]) : n
            if start < 0 { start = max(0, start + n) }
            if stop < 0 { stop = max(0, stop + n) }
            stop = min(stop, n)
            if start < stop {
                for i in start..<stop where try equals(l.items[i], args[0]) { return .int(i) }
            }
            throw PyError.value(typeName == "tuple" ? "tuple.index(x): x not in tuple" : "\(try text(args[0], repr: true)) is not in list")
        case "count":
            try argCount("count", args, 1...1)
            try chargeSteps(l.items.count / 16)
            return .int(try l.items.filter { try equals($0, args[0]) }.count)
        case "sort":
            try argCount("sort", args, 0...0)
            l.items = try sortValues(l.items, key: kw["key"], reverse: kw["reverse"]?.isTruthy ?? false)
        case "reverse": l.items.reverse()
        case "copy":
            try charge(l.items.count)
            return .list(ListBox(l.items))
        case "clear": l.items.removeAll()
        default: throw PyError("AttributeError", "'\(typeName)' object has no attribute '\(name)'")
        }
        return .none
    }

    private func dictMethod(_ d: DictBox, _ name: String, _ args: [Value], _ kw: [String: Value]) throws -> Value {
        switch name {
        case "get":
            try argCount("get", args, 1...2)
            return d.get(try hashKey(args[0])) ?? (args.count > 1 ? args[1] : .none)
        case "keys": return .iterator(IteratorBox(kind: "dict_keys", items: d.keys, reusable: true))
        case "values": return .iterator(IteratorBox(kind: "dict_values", items: d.values, reusable: true))
        case "items":
            try charge(d.keys.count)
            try chargeSteps(d.keys.count / 16)
            return .iterator(IteratorBox(kind: "dict_items", items: zip(d.keys, d.values).map { .tuple([$0, $1]) }, reusable: true))
        case "update":
            try argCount("update", args, 0...1)
            if let v = args.first {
                guard case .dict(let other) = try convert("dict", [v], [:]) else { return .none }
                for (k, x) in zip(other.keys, other.values) { d.set(k, try hashKey(k), x) }
            }
            for (k, x) in kw.sorted(by: { $0.key < $1.key }) { d.set(.str(k), .str(k), x) }
            try charge(args.count + kw.count)
        case "setdefault":
            try argCount("setdefault", args, 1...2)
            let k = try hashKey(args[0])
            if let v = d.get(k) { return v }
            let v = args.count > 1 ? args[1] : .none
            try charge(1)
            d.set(args[0], k, v)
            return v
        case "pop":
            try argCount("pop", args, 1...2)
            try chargeSteps(d.keys.count / 16)
            if let v = d.remove(try hashKey(args[0])) { return v }
            if args.count > 1 { return args[1] }
            throw PyError("KeyError", try text(args[0], repr: true))
        case "popitem":
            try chargeSteps(d.keys.count / 16)
            guard let k = d.keys.last else { throw PyError("KeyError", "'popitem(): dictionary is empty'") }
            let v = d.remove(try hashKey(k))!
            return .tuple([k, v])
        case "copy":
            let box = DictBox()
            box.keys = d.keys; box.values = d.values; box.index = d.index
            try charge(d.keys.count)
            return .dict(box)
        case "clear": d.keys = []; d.values = []; d.index = [:]
        default: throw PyError("AttributeError", "'dict' object has no attribute '\(name)'")
        }
        return .none
    }

    private func setMethod(_ s: SetBox, _ name: String, _ args: [Value]) throws -> Value {
        func other(_ i: Int) throws -> SetBox {
            guard case .set(let o) = try convert("set", [args[i]], [:]) else { return SetBox() }
            return o
        }
        switch name {
        case "add":
            try argCount("set.add", args, 1...1)
            try charge(1); s.insert(args[0], try hashKey(args[0]))
        case "remove":
            try argCount("set.remove", args, 1...1)
            try chargeSteps(s.items.count / 16)  // removal re-indexes the set
            if !s.remove(try hashKey(args[0])) { throw PyError("KeyError", try text(args[0], repr: true)) }
        case "discard":
            try argCount("set.discard", args, 1...1)
            try chargeSteps(s.items.count / 16)
            _ = s.remove(try hashKey(args[0]))
        case "pop":
            guard let v = s.items.first else { throw PyError("KeyError", "'pop from an empty set'") }
            try chargeSteps(s.items.count / 16)
            _ = s.remove(try hashKey(v))
            return v
        case "union", "intersection", "difference", "symmetric_difference":
            let op: BinaryOp = name == "union" ? .bitOr : name == "intersection" ? .bitAnd : name == "difference" ? .sub : .bitXor
            var acc = s
            if args.isEmpty { acc = try setOperation(.bitOr, s, SetBox()) }
            for i in args.indices { acc = try setOperation(op, acc, try other(i)) }
            return .set(acc)
        case "update":
            for i in args.indices { for v in try other(i).items { try charge(1); s.insert(v, try hashKey(v)) } }
        case "issubset", "issuperset", "isdisjoint":
            try argCount("set.\(name)", args, 1...1)
            let o = try other(0)
            switch name {
            case "issubset": return .bool(s.index.keys.allSatisfy { o.contains($0) })
            case "issuperset": return .bool(o.index.keys.allSatisfy { s.contains($0) })
            default: return .bool(!s.index.keys.contains { o.contains($0) })
            }
        case "copy": return .set(try setOperation(.bitOr, s, SetBox()))
        case "clear": s.items = []; s.index = [:]
        default: throw PyError("AttributeError", "'set' object has no attribute '\(name)'")
        }
        return .none
    }
}
