/// Tree-walking evaluator. One instance runs one program; it owns the step, memory, recursion
/// and time budgets and the captured `print` output.
final class Interpreter {
    let limits: SandboxLimits
    var steps = 0
    var memoryUsed = 0
    var callDepth = 0
    var output = ""
    let globals = Scope(parent: nil)
    /// When the run must end: the thread's CPU time (`ThreadCPUClock`) `limits.cpuTime` after
    /// the run started.
    var deadline: Duration
    /// The exception being handled, for a bare `raise`.
    var handling: [PyError] = []
    /// The frame of the outermost user-function call, kept to report its variables.
    var topFrame: Scope?
    /// Nesting of container comparisons (self-referential lists must not recurse forever).
    var compareDepth = 0

    enum Flow { case normal, breakLoop, continueLoop, returned(Value) }

    init(limits: SandboxLimits) {
        self.limits = limits
        deadline = ThreadCPUClock.now() + limits.cpuTime
        globals.vars["__name__"] = .str("__main__")  // so `if __name__ == "__main__":` works
    }

    // MARK: names

    static let forbidden: Set<String> = ["__import__", "eval", "exec", "compile", "open", "globals", "locals", "vars",
        "getattr", "setattr", "delattr", "hasattr", "input", "breakpoint", "help", "dir", "memoryview", "object",
        "classmethod", "staticmethod", "property", "super", "__builtins__", "exit", "quit", "id", "bytes", "bytearray"]

    func lookup(_ name: String, _ scope: Scope) throws -> Value {
        var s: Scope? = scope
        if scope.globalNames.contains(name) { s = globals }
        while let c = s {
            if let v = c.vars[name] { return v }
            if c === scope, let locals = c.localNames, locals.contains(name), !c.nonlocalNames.contains(name) {
                throw PyError("UnboundLocalError", "cannot access local variable '\(name)' where it is not associated with a value")
            }
            s = c.parent
        }
        if Builtins.names.contains(name) { return .builtin(name) }
        if Interpreter.forbidden.contains(name) || name.hasPrefix("__") {
            throw PyError.sandbox("'\(name)' is not available in the sandbox")
        }
        if ExceptionHierarchy.parent[name] != nil || name == "BaseException" { return .exceptionClass(name) }
        throw PyError("NameError", "name '\(name)' is not defined")
    }

    func assign(_ name: String, _ value: Value, _ scope: Scope) {
        if scope.globalNames.contains(name) { globals.vars[name] = value; return }
        if scope.nonlocalNames.contains(name) {
            var s = scope.parent
            while let c = s, c !== globals {
                if c.vars[name] != nil || c.localNames?.contains(name) == true { c.vars[name] = value; return }
                s = c.parent
            }
        }
        scope.vars[name] = value
    }

    // MARK: statements

    func execBlock(_ body: [Stmt], _ scope: Scope) throws -> Flow {
        for s in body {
            let f = try exec(s, scope)
            if case .normal = f { continue }
            return f
        }
        return .normal
    }

    func exec(_ s: Stmt, _ scope: Scope) throws -> Flow {
        do {
            try tick()
            return try execInner(s, scope)
        } catch var e as PyError {
            if e.line == nil { e.line = s.line }
            throw e
        }
    }

    private func execInner(_ s: Stmt, _ scope: Scope) throws -> Flow {
        switch s.kind {
        case .expr(let e):
            _ = try eval(e, scope)
        case .assign(let targets, let valueExpr):
            let v = try eval(valueExpr, scope)
            for t in targets { try assignTarget(t, v, scope) }
        case .augAssign(let target, let op, let valueExpr):
            try augAssign(target, op, valueExpr, scope)
        case .annAssign(let target, let valueExpr):
            if let ve = valueExpr { try assignTarget(target, try eval(ve, scope), scope) }
        case .ifStmt(let cond, let body, let orElse):
            return try execBlock(try eval(cond, scope).isTruthy ? body : orElse, scope)
        case .whileStmt(let cond, let body, let orElse):
            while try eval(cond, scope).isTruthy {
                let f = try execBlock(body, scope)
                switch f {
                case .breakLoop: return .normal
                case .returned: return f
                default: continue
                }
            }
            return try execBlock(orElse, scope)
        case .forStmt(let target, let iterExpr, let body, let orElse):
            let iterable = try eval(iterExpr, scope)
            var result: Flow = .normal
            var broke = false
            try iterate(iterable) { item in
                try self.assignTarget(target, item, scope)
                let f = try self.execBlock(body, scope)
                switch f {
                case .breakLoop: broke = true; return false
                case .returned: result = f; broke = true; return false
                default: return true
                }
            }
            if case .returned = result { return result }
            if !broke { return try execBlock(orElse, scope) }
        case .breakStmt: return .breakLoop
        case .continueStmt: return .continueLoop
        case .pass: break
        case .returnStmt(let e):
            return .returned(try e.map { try eval($0, scope) } ?? .none)
        case .def(let name, let params, let body):
            let f = try makeFunction(name: name, params: params, body: body, scope: scope)
            assign(name, .function(f), scope)
        case .importStmt(let names):
            for (m, alias) in names {
                guard m == "math" else { throw PyError.sandbox("import of module '\(m)' is not allowed (only 'math' is available)") }
                assign(alias ?? m, .module("math"), scope)
            }
        case .fromImport(let m, let names):
            guard m == "math" else { throw PyError.sandbox("import of module '\(m)' is not allowed (only 'math' is available)") }
            for (n, alias) in names {
                if n == "*" {
                    for member in MathModule.members { assign(member, try MathModule.attribute(member), scope) }
                } else {
                    assign(alias ?? n, try MathModule.attribute(n), scope)
                }
            }
        case .global(let names):
            scope.globalNames.formUnion(names)
        case .nonlocal(let names):
            scope.nonlocalNames.formUnion(names)
        case .tryStmt(let body, let handlers, let orElse, let fin):
            return try execTry(body, handlers, orElse, fin, scope)
        case .raise(let e):
            guard let e else {
                guard let current = handling.last else { throw PyError("RuntimeError", "No active exception to reraise") }
                throw current
            }
            switch try eval(e, scope) {
            case .exception(let k, let m): throw PyError(k, m)
            case .exceptionClass(let k): throw PyError(k, "")
            default: throw PyError.type("exceptions must derive from BaseException")
            }
        case .assert(let cond, let msg):
            if !(try eval(cond, scope).isTruthy) {
                throw PyError("AssertionError", try msg.map { try text(try eval($0, scope)) } ?? "")
            }
        case .del(let targets):
            for t in targets { try delete(t, scope) }
        }
        return .normal
    }

    private func execTry(_ body: [Stmt], _ handlers: [ExceptHandler], _ orElse: [Stmt], _ fin: [Stmt], _ scope: Scope) throws -> Flow {
        var flow: Flow = .normal
        do {
            do {
                flow = try execBlock(body, scope)
            } catch let e as PyError where !e.uncatchable {
                guard let h = try handlers.first(where: { try matches(e, $0, scope) }) else { throw e }
                if let n = h.name { assign(n, .exception(e.kind, e.message), scope) }
                handling.append(e)
                defer { handling.removeLast() }
                return try finish(try execBlock(h.body, scope), fin, scope)
            }
            if case .normal = flow { flow = try execBlock(orElse, scope) }
        } catch {
            if !fin.isEmpty, case let f = try execBlock(fin, scope), !isNormal(f) { return f }
            throw error
        }
        return try finish(flow, fin, scope)
    }

    private func isNormal(_ f: Flow) -> Bool { if case .normal = f { return true }; return false }

    private func finish(_ flow: Flow, _ fin: [Stmt], _ scope: Scope) throws -> Flow {
        if fin.isEmpty { return flow }
        let f = try execBlock(fin, scope)
        return isNormal(f) ? flow : f
    }

    private func matches(_ e: PyError, _ h: ExceptHandler, _ scope: Scope) throws -> Bool {
        guard let t = h.type else { return true }
        func check(_ v: Value) throws -> Bool {
            switch v {
            case .exceptionClass(let k): return ExceptionHierarchy.isSubclass(e.kind, of: k)
            case .tuple(let xs): return try xs.contains(where: check)
            default: throw PyError.type("catching classes that do not inherit from BaseException is not allowed")
            }
        }
        return try check(try eval(t, scope))
    }

    func makeFunction(name: String, params: Parameters, body: [Stmt], scope: Scope) throws -> FunctionBox {
        let defaults = try params.defaults.map { try $0.map { try eval($0, scope) } }
        let kwDefaults = try params.kwonlyDefaults.map { try $0.map { try eval($0, scope) } }
        let f = FunctionBox(name: name, params: params, body: body, closure: scope,
                            defaults: defaults + kwDefaults, locals: LocalNames.of(body, params: params))
        if let outer = scope.qualname { f.qualname = outer + ".<locals>." + name }
        return f
    }

    // MARK: assignment

    func assignTarget(_ t: Expr, _ v: Value, _ scope: Scope) throws {
        switch t.kind {
        case .name(let n): assign(n, v, scope)
        case .tuple(let targets), .list(let targets):
            switch v {
            case .list, .tuple, .str, .dict, .set, .range, .iterator: break
            default: throw PyError.type("cannot unpack non-iterable \(v.typeName) object")
            }
            let items = try materialize(v)
            if let star = targets.firstIndex(where: { if case .starred = $0.kind { return true }; return false }) {
                let after = targets.count - star - 1
                guard items.count >= targets.count - 1 else {
                    throw PyError.value("not enough values to unpack (expected at least \(targets.count - 1), got \(items.count))")
                }
                for i in 0..<star { try assignTarget(targets[i], items[i], scope) }
                if case .starred(let inner) = targets[star].kind {
                    try charge(items.count - star - after)
                    try assignTarget(inner, .list(ListBox(Array(items[star..<(items.count - after)]))), scope)
                }
                for i in 0..<after { try assignTarget(targets[star + 1 + i], items[items.count - after + i], scope) }
                return
            }
            if items.count > targets.count { throw PyError.value("too many values to unpack (expected \(targets.count))") }
            if items.count < targets.count {
                throw PyError.value("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (tt, item) in zip(targets, items) { try assignTarget(tt, item, scope) }
        case .item(let obj, let index):
            try setItem(try eval(obj, scope), try eval(index, scope), v)
        case .attribute(let obj, let name):
            let o = try eval(obj, scope)
            if name.hasPrefix("__") { throw PyError.sandbox("access to dunder attribute '\(name)' is not allowed") }
            throw PyError("AttributeError", "'\(o.typeName)' object attribute '\(name)' is read-only")
        case .starred: throw PyError.syntax("starred assignment target must be in a list or tuple", line: t.line)
        default: throw PyError.syntax("cannot assign to expression", line: t.line)
        }
    }

    private func augAssign(_ target: Expr, _ op: BinaryOp, _ valueExpr: Expr, _ scope: Scope) throws {
        switch target.kind {
        case .name(let n):
            let cur = try lookup(n, scope)
            let rhs = try eval(valueExpr, scope)
            if case .list(let box) = cur, op == .add {  // list += iterable extends in place
                let extra = try materialize(rhs)
                try charge(extra.count)
                box.items += extra
                assign(n, cur, scope)
                return
            }
            assign(n, try binary(op, cur, rhs), scope)
        case .item(let objExpr, let indexExpr):
            let obj = try eval(objExpr, scope)
            let index = try eval(indexExpr, scope)
            let rhs = try eval(valueExpr, scope)
            try setItem(obj, index, try binary(op, try getItem(obj, index), rhs))
        case .attribute(let objExpr, let name):
            let o = try eval(objExpr, scope)
            throw PyError("AttributeError", "'\(o.typeName)' object attribute '\(name)' is read-only")
        default:
            throw PyError.syntax("illegal expression for augmented assignment", line: target.line)
        }
    }

    private func delete(_ t: Expr, _ scope: Scope) throws {
        switch t.kind {
        case .name(let n):
            if scope.vars.removeValue(forKey: n) == nil {
                if scope.localNames?.contains(n) == true {
                    throw PyError("UnboundLocalError", "cannot access local variable '\(n)' where it is not associated with a value")
                }
                throw PyError("NameError", "name '\(n)' is not defined")
            }
        case .item(let objExpr, let indexExpr):
            try deleteItem(try eval(objExpr, scope), try eval(indexExpr, scope))
        case .tuple(let xs), .list(let xs):
            for x in xs { try delete(x, scope) }
        default: throw PyError.syntax("cannot delete expression", line: t.line)
        }
    }
}
