/// Expression evaluation, calls and comprehensions.
extension Interpreter {
    func eval(_ e: Expr, _ scope: Scope) throws -> Value {
        try tick()
        switch e.kind {
        case .constant(let v): return v
        case .name(let n): return try lookup(n, scope)
        case .fstring(let parts): return .str(try renderFString(parts, scope))
        case .unary(let op, let x): return try unary(op, try eval(x, scope))
        case .binary(let op, let a, let b):
            let l = try eval(a, scope)
            return try binary(op, l, try eval(b, scope))
        case .boolOp(let isAnd, let xs):
            var v = Value.none
            for x in xs {
                v = try eval(x, scope)
                if v.isTruthy != isAnd { return v }
            }
            return v
        case .compare(let first, let rest):
            var left = try eval(first, scope)
            for (op, rhsExpr) in rest {
                let right = try eval(rhsExpr, scope)
                if !(try compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .ifExp(let cond, let a, let b):
            return try eval(try eval(cond, scope).isTruthy ? a : b, scope)
        case .call(let fnExpr, let args):
            return try evalCall(fnExpr, args, scope)
        case .attribute(let obj, let name):
            return try attribute(try eval(obj, scope), name)
        case .item(let obj, let index):
            let o = try eval(obj, scope)
            return try getItem(o, try eval(index, scope))
        case .slice(let a, let b, let c):
            let lo = try a.map { try eval($0, scope) } ?? .none
            let hi = try b.map { try eval($0, scope) } ?? .none
            let st = try c.map { try eval($0, scope) } ?? .none
            return .slice(lo, hi, st)
        case .list(let xs):
            return .list(ListBox(try evalItems(xs, scope)))
        case .tuple(let xs):
            return .tuple(try evalItems(xs, scope))
        case .set(let xs):
            let box = SetBox()
            for v in try evalItems(xs, scope) { box.insert(v, try hashKey(v)) }
            return .set(box)
        case .dict(let items):
            let box = DictBox()
            try charge(items.count)
            for (k, v) in items {
                if let k {
                    let key = try eval(k, scope)
                    box.set(key, try hashKey(key), try eval(v, scope))
                } else {
                    guard case .dict(let other) = try eval(v, scope) else { throw PyError.type("argument after ** must be a mapping") }
                    for (kk, vv) in zip(other.keys, other.values) { box.set(kk, try hashKey(kk), vv) }
                }
            }
            return .dict(box)
        case .starred: throw PyError.syntax("can't use starred expression here", line: e.line)
        case .listComp(let elt, let comps):
            var out: [Value] = []
            try comprehend(comps, 0, childScope(scope)) { s in
                try self.charge(1); out.append(try self.eval(elt, s)); return true
            }
            return .list(ListBox(out))
        case .generator(let elt, let comps):
            var out: [Value] = []
            try comprehend(comps, 0, childScope(scope)) { s in
                try self.charge(1); out.append(try self.eval(elt, s)); return true
            }
            return .iterator(IteratorBox(kind: "generator", items: out))
        case .setComp(let elt, let comps):
            let box = SetBox()
            try comprehend(comps, 0, childScope(scope)) { s in
                let v = try self.eval(elt, s)
                try self.charge(1); box.insert(v, try self.hashKey(v)); return true
            }
            return .set(box)
        case .dictComp(let k, let v, let comps):
            let box = DictBox()
            try comprehend(comps, 0, childScope(scope)) { s in
                let key = try self.eval(k, s)
                try self.charge(1); box.set(key, try self.hashKey(key), try self.eval(v, s)); return true
            }
            return .dict(box)
        case .lambda(let params, let body):
            return .function(try makeFunction(name: "<lambda>", params: params, body: [Stmt(.returnStmt(body), e.line)], scope: scope))
        }
    }

    private func evalItems(_ xs: [Expr], _ scope: Scope) throws -> [Value] {
        var out: [Value] = []
        out.reserveCapacity(xs.count)
        try charge(xs.count)
        for x in xs {
            if case .starred(let inner) = x.kind {
                let items = try materialize(try eval(inner, scope))
                try charge(items.count)
                out += items
            } else { out.append(try eval(x, scope)) }
        }
        return out
    }

    /// A comprehension's own scope (its variables do not leak), inheriting the qualified name.
    private func childScope(_ scope: Scope) -> Scope {
        let s = Scope(parent: scope)
        s.qualname = scope.qualname
        return s
    }

    /// Runs the comprehension clauses; `body` returns false to stop early (lazy any/all/next).
    /// Returns false when stopped.
    @discardableResult
    private func comprehend(_ comps: [Comprehension], _ i: Int, _ scope: Scope, _ body: (Scope) throws -> Bool) throws -> Bool {
        if i == comps.count { return try body(scope) }
        let c = comps[i]
        // The first iterable is evaluated in the enclosing scope, as in Python.
        let iterable = try eval(c.iter, i == 0 ? scope.parent! : scope)
        var going = true
        try iterate(iterable) { item in
            try self.assignTarget(c.target, item, scope)
            for cond in c.conditions where !(try self.eval(cond, scope).isTruthy) { return true }
            going = try self.comprehend(comps, i + 1, scope, body)
            return going
        }
        return going
    }

    /// any()/all()/next() over a generator expression stop at the deciding item, as in Python.
    private func lazyConsume(_ name: String, _ elt: Expr, _ comps: [Comprehension], _ extra: [Value], _ scope: Scope) throws -> Value {
        var found: Value?
        try comprehend(comps, 0, childScope(scope)) { s in
            let v = try self.eval(elt, s)
            switch name {
            case "any": if v.isTruthy { found = .bool(true); return false }
            case "all": if !v.isTruthy { found = .bool(false); return false }
            default: found = v; return false
            }
            return true
        }
        if let found { return found }
        switch name {
        case "any": return .bool(false)
        case "all": return .bool(true)
        default:
            if let d = extra.first { return d }
            throw PyError("StopIteration", "")
        }
    }

    private func evalCall(_ fnExpr: Expr, _ args: [Argument], _ scope: Scope) throws -> Value {
        let fn = try eval(fnExpr, scope)
        if case .builtin(let b) = fn, b == "any" || b == "all" || b == "next",
           case .positional(let first)? = args.first, case .generator(let elt, let comps) = first.kind,
           args.count == 1 || (b == "next" && args.count == 2) {
            var extra: [Value] = []
            if args.count == 2, case .positional(let d) = args[1] { extra = [try eval(d, scope)] }
            return try lazyConsume(b, elt, comps, extra, scope)
        }
        var positional: [Value] = []
        var keywords: [(String, Value)] = []
        for a in args {
            switch a {
            case .positional(let x): positional.append(try eval(x, scope))
            case .keyword(let n, let x): keywords.append((n, try eval(x, scope)))
            case .star(let x): positional += try materialize(try eval(x, scope))
            case .doubleStar(let x):
                guard case .dict(let d) = try eval(x, scope) else { throw PyError.type("argument after ** must be a mapping") }
                for (k, v) in zip(d.keys, d.values) {
                    guard case .str(let ks) = k else { throw PyError.type("keywords must be strings") }
                    keywords.append((ks, v))
                }
            }
        }
        return try call(fn, positional, keywords)
    }

    /// Calls any callable value.
    func call(_ fn: Value, _ args: [Value], _ kwargs: [(String, Value)] = []) throws -> Value {
        switch fn {
        case .function(let f): return try callFunction(f, args, kwargs)
        case .builtin(let name): return try callBuiltin(name, args, kwargs)
        case .boundMethod(let recv, let name): return try callMethod(recv, name, args, kwargs)
        case .exceptionClass(let k):
            if args.isEmpty { return .exception(k, "") }
            if args.count == 1 { return .exception(k, try text(args[0], repr: k == "KeyError")) }
            return .exception(k, try text(.tuple(args), repr: true))
        default: throw PyError.type("'\(fn.typeName)' object is not callable")
        }
    }

    func callFunction(_ f: FunctionBox, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.recursionDepth {
            throw PyError("RecursionError", "maximum recursion depth exceeded")
        }
        let scope = Scope(parent: f.closure, localNames: f.locals)
        scope.qualname = f.qualname
        try bindArguments(f, args, kwargs, scope)
        if callDepth == 1 { topFrame = scope }
        let flow = try execBlock(f.body, scope)
        if case .returned(let v) = flow { return v }
        return .none
    }

    private func bindArguments(_ f: FunctionBox, _ args: [Value], _ kwargs: [(String, Value)], _ scope: Scope) throws {
        let ps = f.params
        let name = f.qualname
        var bound = [String: Value]()
        if args.count > ps.names.count {
            guard let va = ps.vararg else {
                let n = ps.names.count
                let required = ps.defaults.filter { $0 == nil }.count
                let takes = required == n ? "\(n)" : "from \(required) to \(n)"
                throw PyError.type("\(name)() takes \(takes) positional argument\(n == 1 ? "" : "s") but \(args.count) \(args.count == 1 ? "was" : "were") given")
            }
            bound[va] = .tuple(Array(args[ps.names.count...]))
        } else if let va = ps.vararg { bound[va] = .tuple([]) }
        for (i, v) in args.prefix(ps.names.count).enumerated() { bound[ps.names[i]] = v }
        var extra: DictBox?
        if ps.kwarg != nil { extra = DictBox() }
        for (k, v) in kwargs {
            if ps.names.contains(k) || ps.kwonly.contains(k) {
                if bound[k] != nil { throw PyError.type("\(name)() got multiple values for argument '\(k)'") }
                bound[k] = v
            } else if let extra {
                extra.set(.str(k), .str(k), v)
            } else {
                throw PyError.type("\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        var missing: [String] = [], missingKw: [String] = []
        for (i, n) in (ps.names + ps.kwonly).enumerated() where bound[n] == nil {
            if let d = f.defaults[i] { bound[n] = d } else if i < ps.names.count { missing.append(n) } else { missingKw.append(n) }
        }
        for (names, kind) in [(missing, "positional"), (missingKw, "keyword-only")] where !names.isEmpty {
            let list = names.map { "'\($0)'" }
            let joined = list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list.last!
            throw PyError.type("\(name)() missing \(names.count) required \(kind) argument\(names.count == 1 ? "" : "s"): \(joined)")
        }
        if let kw = ps.kwarg, let extra { bound[kw] = .dict(extra) }
        scope.vars = bound
    }

    func attribute(_ v: Value, _ name: String) throws -> Value {
        if name.hasPrefix("__") { throw PyError.sandbox("access to dunder attribute '\(name)' is not allowed") }
        if case .module = v { return try MathModule.attribute(name) }
        if case .exception(_, let m) = v, name == "args" { return .tuple(m.isEmpty ? [] : [.str(m)]) }
        if Methods.exists(v, name) { return .boundMethod(v, name) }
        throw PyError("AttributeError", "'\(v.typeName)' object has no attribute '\(name)'")
    }

    private func renderFString(_ parts: [FStringPart], _ scope: Scope) throws -> String {
        var out = TextWriter(limit: memoryRemaining, interpreter: self)
        for p in parts {
            switch p {
            case .literal(let s), .labeled(let s, _): try out.write(s)
            case .field(let e, let conv, let specParts):
                var v = try eval(e, scope)
                if conv == "r" || conv == "a" { v = .str(try text(v, repr: true)) } else if conv == "s" { v = .str(try text(v)) }
                let spec = try renderFString(specParts, scope)
                try out.write(try format(v, spec: spec))
            }
        }
        try charge(out.length)
        return out.text
    }
}
