import ArgumentParser
import Foundation
import ProgramAided

/// `s2d pad run FILE`: runs a program file in the sandbox and prints its result, or the error
/// as Python names it (exit status 1).
struct PadRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Python program file in the sandbox; print what it printed and its result, or its error.",
        discussion: "Exit status 0 when it ran, 1 when it raised (or broke a sandbox limit).")

    @Argument(help: "The program file.") var file: String
    @Option(help: "Function to call after running the module (\"\" runs module code only and reads `result` or `answer`).")
    var call = "solution"
    @Option(name: .customLong("max-steps"), help: "Interpreter step limit.") var maxSteps = ProgramRunner.defaultStepLimit
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let report = try ProgramRunner.run(file: file, call: call.isEmpty ? nil : call, stepLimit: maxSteps)
        if json {
            try JSONOutput.print(report)
        } else {
            print(report.description)
        }
        if !report.ok { throw ExitCode(1) }
    }
}
