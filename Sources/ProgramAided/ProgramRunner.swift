import Foundation
import ProgramSandbox

/// What `s2d pad run FILE` prints: the result of running a program file in the sandbox.
public struct ProgramRunReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file run (or `<source>`).
    public var file: String
    /// The function called (nil: module code, reading `result`/`answer`).
    public var function: String?
    /// Whether it ran without error.
    public var ok: Bool
    /// `repr` of the result.
    public var result: String?
    /// Python type of the result.
    public var resultType: String?
    /// Everything printed.
    public var printed: String
    /// The failure.
    public var error: ProgramFailure?
    /// Interpreter steps used.
    public var steps: Int

    /// Printed output, then `result: …` or the error as Python prints it.
    public var description: String {
        var s = printed
        if !s.isEmpty, !s.hasSuffix("\n") { s += "\n" }
        if let error { s += "\(file): \(error)" } else { s += "result: \(result ?? "None")" }
        return s
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}

/// The CLI's entry for running programs: `s2d pad run FILE [--call solution] [--json]`.
public enum ProgramRunner {
    /// The sandbox's default step limit (`--max-steps`).
    public static let defaultStepLimit = SandboxLimits.default.steps

    /// Runs the program in `file` under the default limits with `steps` as its step limit.
    public static func run(file: String, call function: String? = "solution", stepLimit steps: Int) throws -> ProgramRunReport {
        var limits = SandboxLimits.default
        limits.steps = steps
        return try run(file: file, call: function, limits: limits)
    }

    /// Runs the program in `file`, calling `function` (nil runs module code only).
    /// - Throws: `PaDError.unreadableFile` when the file cannot be read as UTF-8 text.
    public static func run(file: String, call function: String? = "solution", limits: SandboxLimits = .default) throws -> ProgramRunReport {
        let source: String
        do {
            source = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PaDError.unreadableFile(path: file, reason: (error as NSError).localizedDescription)
        }
        return run(source: source, name: file, call: function, limits: limits)
    }

    /// Runs `source` (reported under `name`).
    public static func run(source: String, name: String = "<source>", call function: String? = "solution",
                           limits: SandboxLimits = .default) -> ProgramRunReport {
        let outcome = ProgramSandbox.run(source: source, call: function, limits: limits)
        return ProgramRunReport(file: name, function: function, ok: outcome.error == nil, result: outcome.result?.repr,
                                resultType: outcome.result?.typeName, printed: outcome.printed,
                                error: outcome.error.map(ProgramFailure.init), steps: outcome.steps)
    }
}
