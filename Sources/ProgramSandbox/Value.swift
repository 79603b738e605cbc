/// A runtime Python value inside the sandbox. Mutable containers are reference types so
/// aliasing behaves as in Python (`b = a; b.append(1)` changes `a`).
enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case big(BigInt)
    case float(Double)
    case str(String)
    case list(ListBox)
    case tuple([Value])
    case dict(DictBox)
    case set(SetBox)
    case range(Int, Int, Int)
    case function(FunctionBox)
    /// A builtin function or type (`len`, `int`, ...) or a `math` function (`math.sqrt`).
    case builtin(String)
    /// `receiver.method` not yet called.
    indirect case boundMethod(Value, String)
    case module(String)
    case iterator(IteratorBox)
    /// A builtin exception class (`ValueError`), usable in `raise` and `except`.
    case exceptionClass(String)
    /// A raised/caught exception instance: class name and message.
    case exception(String, String)
    /// `a:b:c` inside a subscript.
    indirect case slice(Value, Value, Value)

    /// Normalizes a big integer back to `.int` when it fits.
    static func integer(_ b: BigInt) -> Value {
        if let i = b.asInt { return .int(i) }
        return .big(b)
    }

    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .big: return "int"
        case .float: return "float"
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .set: return "set"
        case .range: return "range"
        case .function: return "function"
        case .builtin: return "builtin_function_or_method"
        case .boundMethod: return "builtin_function_or_method"
        case .module: return "module"
        case .iterator(let it): return it.kind
        case .exceptionClass: return "type"
        case .exception(let k, _): return k
        case .slice: return "slice"
        }
    }

    var isTruthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .big(let b): return !b.isZero
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return !d.keys.isEmpty
        case .set(let s): return !s.items.isEmpty
        case .range(let a, let b, let s): return Value.rangeCount(a, b, s) > 0
        default: return true
        }
    }

    static func rangeCount(_ start: Int, _ stop: Int, _ step: Int) -> Int {
        // Distances are computed on magnitudes so extreme bounds cannot overflow.
        if step > 0 {
            guard start < stop else { return 0 }
            let span = UInt(bitPattern: stop &- start) &- 1
            return Int(clamping: span / step.magnitude + 1)
        }
        guard start > stop else { return 0 }
        let span = UInt(bitPattern: start &- stop) &- 1
        return Int(clamping: span / step.magnitude + 1)
    }

    /// A dictionary/set key with Python equality (`1 == 1.0 == True`), or nil if unhashable.
    var hashKey: HashKey? {
        switch self {
        case .none: return HashKey.none
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .big(let b): return .big(b)
        case .float(let d):
            if d == d.rounded(), abs(d) < 9.0e18 { return .int(Int(d)) }
            return .float(d)
        case .str(let s): return .str(s)
        case .tuple(let t):
            var ks: [HashKey] = []
            for v in t { guard let k = v.hashKey else { return nil }; ks.append(k) }
            return .tuple(ks)
        case .function(let f): return .object(ObjectIdentifier(f))
        case .builtin(let n), .exceptionClass(let n), .module(let n): return .name(n)
        default: return nil
        }
    }
}

/// Hashable projection of a hashable Python value.
enum HashKey: Hashable {
    case none, int(Int), big(BigInt), float(Double), str(String), tuple([HashKey])
    case object(ObjectIdentifier), name(String)
}

final class ListBox { var items: [Value]; init(_ items: [Value]) { self.items = items } }

/// Insertion-ordered dictionary, as Python's.
final class DictBox {
    var keys: [Value] = []
    var values: [Value] = []
    var index: [HashKey: Int] = [:]
    init() {}

    func get(_ k: HashKey) -> Value? { index[k].map { values[$0] } }
    func set(_ key: Value, _ k: HashKey, _ v: Value) {
        if let i = index[k] { values[i] = v } else { index[k] = keys.count; keys.append(key); values.append(v) }
    }
    @discardableResult func remove(_ k: HashKey) -> Value? {
        guard let i = index[k] else { return nil }
        let v = values[i]
        keys.remove(at: i); values.remove(at: i)
        reindex()
        return v
    }
    func reindex() {
        index = [:]
        for (i, key) in keys.enumerated() { if let k = key.hashKey { index[k] = i } }
    }
}

/// Insertion-ordered set (CPython orders small ints by hash; programs should sort before printing).
final class SetBox {
    var items: [Value] = []
    var index: [HashKey: Int] = [:]
    init() {}
    func contains(_ k: HashKey) -> Bool { index[k] != nil }
    func insert(_ v: Value, _ k: HashKey) { if index[k] == nil { index[k] = items.count; items.append(v) } }
    func remove(_ k: HashKey) -> Bool {
        guard let i = index[k] else { return false }
        items.remove(at: i)
        index = [:]
        for (j, v) in items.enumerated() { if let key = v.hashKey { index[key] = j } }
        return true
    }
}

/// A one-shot iterator (results of zip, map, enumerate, reversed, ...), materialized eagerly.
/// Dict views (`dict_keys`, ...) are `reusable`: iterating them does not consume them.
final class IteratorBox {
    let kind: String
    var items: [Value]
    var position = 0
    let reusable: Bool
    init(kind: String, items: [Value], reusable: Bool = false) {
        self.kind = kind; self.items = items; self.reusable = reusable
    }
}

/// A user function or lambda with its defining scope (closures see later rebinding, as in Python).
final class FunctionBox {
    let name: String
    let params: Parameters
    let body: [Stmt]
    let closure: Scope
    /// Defaults for `params.names` followed by those for `params.kwonly`.
    let defaults: [Value?]
    /// Names assigned in the body: local throughout the function, as in Python.
    let locals: Set<String>
    /// Python's `__qualname__`, used in argument errors.
    var qualname: String
    init(name: String, params: Parameters, body: [Stmt], closure: Scope, defaults: [Value?], locals: Set<String>) {
        self.name = name; self.params = params; self.body = body; self.closure = closure
        self.defaults = defaults; self.locals = locals; self.qualname = name
    }
}

/// A variable scope: a function frame or the module. `parent` is the lexically enclosing scope.
final class Scope {
    var vars: [String: Value] = [:]
    let parent: Scope?
    var globalNames: Set<String> = []
    var nonlocalNames: Set<String> = []
    /// For function frames: the names that are local (reading one before assignment is an error).
    var localNames: Set<String>?
    /// Qualified name of the running function (`solution.<locals>.helper`), for error messages.
    var qualname: String?
    init(parent: Scope?, localNames: Set<String>? = nil) { self.parent = parent; self.localNames = localNames }
}
