import Foundation

/// Runs Python-subset programs (as written by PaD) in a sandboxed interpreter written in Swift.
///
/// No file, network, process, reflection or import access exists inside (only `math`), and
/// every run is bounded by `SandboxLimits`. Three entry points:
///
/// - `run(source:call:limits:)`: execute a whole program, then call `solution()` (or the named
///   function; `call: nil` runs module code and reads a `result`/`answer` variable).
/// - `check(source:)`: parse only; nil when the program parses.
/// - `runPrefix(source:call:limits:)`: for stepwise-verified decoding. A partial program (the
///   lines of `solution` generated so far) is completed minimally — an open block header such
///   as `for x in xs:` gets a placeholder body — and run; the candidate is viable when the
///   outcome has no error. `outcome.variables` shows the frame's values so far.
///
/// Runs are synchronous and thread-safe (each run has its own interpreter on its own thread
/// with a large stack, so deep recursion is reported as RecursionError, never a crash).
public enum ProgramSandbox {
    /// Longest accepted source, in characters.
    public static let maxSourceLength = 200_000

    /// Executes `source`, then calls `function` with no arguments (unless nil).
    public static func run(source: String, call function: String? = "solution",
                           limits: SandboxLimits = .default) -> ProgramOutcome {
        onLargeStack { execute(source, function, limits, prefix: false) }
    }

    /// Parses without running; returns the SyntaxError/IndentationError, or nil when it parses.
    public static func check(source: String) -> ProgramError? {
        onLargeStack {
            do { _ = try Parser.parse(source); return nil } catch let e as PyError { return publicError(e) } catch {
                return ProgramError(name: "SyntaxError", message: "\(error)", line: nil)
            }
        }
    }

    /// Runs a partial program: open block headers at the end are given a placeholder body
    /// (`pass`, or `break` for `while`), then the program runs as `run` would. A missing
    /// `function` is not an error here (the prefix may not have defined it yet).
    public static func runPrefix(source: String, call function: String? = "solution",
                                 limits: SandboxLimits = .default) -> ProgramOutcome {
        let completed = completingPrefix(source)
        return onLargeStack { execute(completed, function, limits, prefix: true) }
    }

    /// The prefix with placeholder bodies added to a trailing open block (and a `finally` to an
    /// unfinished `try`), so that a well-formed prefix parses. Unchanged when nothing is open.
    public static func completingPrefix(_ source: String) -> String {
        var text = source
        for _ in 0..<4 {
            guard let err = check(source: text) else { return text }
            var lines = text.components(separatedBy: "\n")
            while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
            if err.name == "IndentationError", err.message.hasPrefix("expected an indented block"),
               let n = Int(err.message.split(separator: " ").last ?? ""), n >= 1, n <= lines.count {
                let header = lines[n - 1]
                let indent = String(header.prefix(while: { $0 == " " || $0 == "\t" }))
                let keyword = header.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map {
                    String($0.prefix(while: { $0.isLetter }))
                } ?? ""
                lines.append(indent + "    " + (keyword == "while" ? "break" : "pass"))
                if keyword == "try" { lines.append(indent + "finally:"); lines.append(indent + "    pass") }
                text = lines.joined(separator: "\n") + "\n"
            } else if err.message == "expected 'except' or 'finally' block",
                      let t = lines.lastIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "try:" }) {
                let indent = String(lines[t].prefix(while: { $0 == " " || $0 == "\t" }))
                lines.append(indent + "finally:"); lines.append(indent + "    pass")
                text = lines.joined(separator: "\n") + "\n"
            } else {
                return text
            }
        }
        return text
    }

    // MARK: internals

    private final class Box<T>: @unchecked Sendable { var value: T?; init() {} }

    /// Runs `body` on a fresh thread with a 512 MiB (virtual) stack and waits for it.
    private static func onLargeStack<T>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
        return box.value!
    }

    static func publicError(_ e: PyError) -> ProgramError {
        ProgramError(name: e.kind, message: e.message, line: e.line)
    }

    private static func execute(_ source: String, _ function: String?, _ limits: SandboxLimits, prefix: Bool) -> ProgramOutcome {
        let started = ThreadCPUClock.now()
        let interp = Interpreter(limits: limits)
        var result: Value?
        var failure: PyError?
        do {
            if source.count > maxSourceLength {
                throw PyError.sandbox("program source longer than \(maxSourceLength) characters")
            }
            let program = try Parser.parse(source)
            _ = try interp.execBlock(program, interp.globals)
            if let function {
                if let fn = interp.globals.vars[function] {
                    result = try interp.call(fn, [])
                } else if !prefix {
                    throw PyError("NameError", "name '\(function)' is not defined")
                }
            } else {
                result = interp.globals.vars["result"] ?? interp.globals.vars["answer"]
            }
        } catch let e as PyError {
            failure = e
            result = nil
        } catch {
            failure = PyError("RuntimeError", "\(error)")
        }
        let steps = min(interp.steps, limits.steps)
        // The outcome's text is built under a fresh budget of the same limits (the run's own
        // may be spent), so describing a huge result or variable is refused, never a crash.
        interp.startDescribing()
        var description: PythonValueDescription?
        if let result {
            do { description = try interp.describe(result) } catch { failure = error as? PyError }
        }
        let frame = function == nil ? interp.globals : (interp.topFrame ?? interp.globals)
        var variables: [String: PythonValueDescription] = [:]
        if function == nil || interp.topFrame != nil {
            for (k, v) in frame.vars.sorted(by: { $0.key < $1.key }) where !k.hasPrefix("__") {
                switch v {
                case .function, .module, .builtin, .exceptionClass: continue
                // A variable whose text does not fit what is left of the budget is left out.
                default: variables[k] = try? interp.describe(v)
                }
            }
        }
        return ProgramOutcome(result: description, printed: interp.output, error: failure.map(publicError),
                              steps: steps, variables: variables, cpuTime: ThreadCPUClock.now() - started)
    }
}
