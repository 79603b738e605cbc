/// A Python value rendered for comparison with gold answers.
public struct PythonValueDescription: Sendable, Equatable, CustomStringConvertible {
    /// What Python's `repr(value)` prints, e.g. `'abc'`, `0.30000000000000004`, `[1, 2]`.
    public let repr: String
    /// What Python's `str(value)` / `print(value)` prints, e.g. `abc`.
    public let str: String
    /// Python type name: `int`, `float`, `str`, `bool`, `list`, `NoneType`, ...
    public let typeName: String
    /// The numeric value for `int`, `float` and `bool` results (big ints approximated); nil otherwise.
    public let number: Double?

    init(repr: String, str: String, typeName: String, number: Double?) {
        self.repr = repr; self.str = str; self.typeName = typeName; self.number = number
    }

    /// The repr, as Python's interactive prompt would echo the value.
    public var description: String { repr }
}

/// Why a program failed: a Python exception, a syntax error, a sandbox refusal, or a limit.
public struct ProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that treat limits and violations differently from bugs.
    public enum Category: String, Sendable {
        /// SyntaxError / IndentationError: the program does not parse.
        case syntax
        /// A Python exception raised while running (NameError, ZeroDivisionError, ...).
        case runtime
        /// The program tried something the sandbox forbids (imports, reflection, dunders, files).
        case sandbox
        /// A resource limit fired: steps, CPU time, memory.
        case limit
    }

    /// Python's exception class name (`ZeroDivisionError`), or `SandboxViolation`,
    /// `StepLimitExceeded`, `TimeLimitExceeded`, `MemoryError`.
    public let name: String
    /// The message Python would print after the colon.
    public let message: String
    /// 1-based line in the program source, when known.
    public let line: Int?

    /// Every name a program run can end with: CPython's builtin exception classes a program can
    /// raise, and the sandbox's own endings. A name outside it would be a sandbox defect.
    public static let knownNames: Set<String> = [
        "SyntaxError", "IndentationError", "NameError", "UnboundLocalError", "TypeError", "ValueError",
        "ZeroDivisionError", "OverflowError", "IndexError", "KeyError", "AttributeError", "RecursionError",
        "RuntimeError", "NotImplementedError", "AssertionError", "StopIteration", "ArithmeticError",
        "LookupError", "Exception", "BaseException", "MemoryError", "StepLimitExceeded", "TimeLimitExceeded",
        "SandboxViolation",
    ]

    /// Makes an error record (the sandbox creates these; public for tests and stored results).
    public init(name: String, message: String, line: Int?) {
        self.name = name; self.message = message; self.line = line
    }

    /// Which kind of failure this is, derived from `name`.
    public var category: Category {
        switch name {
        case "SyntaxError", "IndentationError": return .syntax
        case "SandboxViolation": return .sandbox
        case "StepLimitExceeded", "TimeLimitExceeded", "MemoryError": return .limit
        default: return .runtime
        }
    }

    /// True for syntax errors that only say the input ended too early (an unclosed bracket or
    /// triple-quoted string, or EOF mid-expression): a stepwise decoder may keep such a prefix
    /// and wait for more lines instead of discarding it.
    public var isIncompleteInput: Bool {
        category == .syntax && (message.hasSuffix("was never closed") || message.hasPrefix("unterminated triple-quoted")
                                || message.hasPrefix("unexpected EOF"))
    }

    /// One traceback-like line: `ZeroDivisionError: division by zero (line 4)`.
    public var description: String {
        let head = message.isEmpty ? name : "\(name): \(message)"
        return line.map { "\(head) (line \($0))" } ?? head
    }
}

extension Interpreter {
    /// The description of a value the run produced, its text built under the interpreter's
    /// budgets like any other text (so a huge result is a MemoryError, not a host crash).
    /// Big integers are written in full here: CPython's 4300-digit limit is for programs.
    func describe(_ v: Value) throws -> PythonValueDescription {
        var w = TextWriter(limit: memoryRemaining, intDigitLimit: nil, interpreter: self)
        try write(v, repr: true, to: &w)
        try charge(w.length)
        let number: Double?
        switch Interpreter.num(v) {
        case .int(let i): number = Double(i)
        case .big(let b): number = b.toDouble
        case .float(let d): number = d
        case nil: number = nil
        }
        let str: String
        switch v {
        case .str(let s), .exception(_, let s): str = s
        default: str = w.text
        }
        return PythonValueDescription(repr: w.text, str: str, typeName: v.typeName, number: number)
    }
}

/// Everything one run produced.
public struct ProgramOutcome: Sendable {
    /// The called function's return value (or the module's `result`/`answer` variable); nil on error.
    public let result: PythonValueDescription?
    /// Everything the program printed (captured; nothing reaches the host's stdout).
    public let printed: String
    /// The failure, or nil when the program ran to completion.
    public let error: ProgramError?
    /// Evaluation steps used.
    public let steps: Int
    /// Final variables of the called function's frame (module globals when no function is
    /// called), excluding functions and modules; present even when the run raised, so a
    /// stepwise verifier can see intermediate values.
    public let variables: [String: PythonValueDescription]
    /// CPU time the run took on the sandbox's thread (parsing, running and describing the
    /// outcome): what the time limit is charged against.
    public let cpuTime: Duration

    /// True when the run raised nothing and hit no limit.
    public var succeeded: Bool { error == nil }
}
