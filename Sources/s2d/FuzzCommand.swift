import ArgumentParser
import Foundation
import Fuzzing
import Inference

/// `s2d fuzz`: mutated real inputs through the project's own readers; prints what it found.
struct FuzzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Mutate real inputs (the model's GGUF header, JSONL, programs, templates) and check every one ends in a clear error or a result.",
        discussion: """
            gguf mutates the embedded model's header and metadata and builds the model from the mutated file whenever its \
            configuration or tensor directory changed; jsonl mutates chat and task JSONL files and reads them with the \
            loaders of s2d train and s2d generate; sandbox mutates the project's Python programs (and hostile ones) and runs \
            them in the sandbox; template mutates the chat template and the built-in method YAML files. An input must be \
            read, or refused with an error naming it (a program: an error Python or the sandbox names), within --time-limit \
            of CPU time (so other load on the machine does not make hangs). Iteration i is seeded by (--seed, i): --skip I \
            --iterations 1 runs iteration I alone. Exit status 1 when anything was found, 3 when an iteration ran past \
            10 × --time-limit of wall time.
            """)

    @Argument(help: "What to mutate: gguf, jsonl, sandbox or template.") var target: FuzzTarget
    @Option(help: "Iterations to run.") var iterations = 1000
    @Option(help: "Seed of the mutations.") var seed: UInt64 = 0
    @Option(help: "Iterations to skip first (to run one again).") var skip = 0
    @Option(name: .customLong("time-limit"), help: "Seconds of CPU time an iteration may take.") var timeLimit: Double = 10
    @OptionGroup var model: LocalModelOption
    @Flag(help: "No progress lines.") var quiet = false
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be ≥ 1 (got \(iterations))") }
        guard skip >= 0 else { throw ValidationError("--skip must be ≥ 0 (got \(skip))") }
        guard timeLimit > 0, timeLimit.isFinite else { throw ValidationError("--time-limit must be a positive number of seconds (got \(timeLimit))") }
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let modelPath = target == .gguf || target == .template ? try model.localPath() : ""
        let fuzzer = try Fuzzer(
            target: target, seed: seed, timeLimit: .milliseconds(Int(timeLimit * 1000)), modelPath: modelPath, scratch: scratch)
        let (target, seed, total) = (target, seed, iterations)
        let report = fuzzer.run(
            iterations: iterations, skip: skip,
            progress: { done in if !quiet { FileHandle.standardError.write(Data("fuzz \(target.rawValue): \(done)/\(total)\n".utf8)) } },
            onStuck: { iteration, input in
                FileHandle.standardError.write(Data(
                    "fuzz \(target.rawValue): iteration \(iteration) (\(input)) is stuck; run it alone: s2d fuzz \(target.rawValue) --seed \(seed) --skip \(iteration) --iterations 1\n".utf8))
            })
        if json {
            try JSONOutput.print(report)
        } else {
            print(String(
                format: "fuzz %@ (seed %llu, iterations %d–%d): %d inputs in %.1f s; %d read, %d refused (%d distinct errors); "
                    + "unclear errors %d, hangs %d (limit %.1f s of CPU time, slowest %.2f s), crashes %d",
                target.rawValue, seed, skip, skip + report.iterations - 1, report.iterations, report.seconds, report.accepted, report.rejected,
                report.distinctErrors, report.unclearErrors, report.hangs, report.timeLimitSeconds, report.slowestSeconds, report.crashes))
            for e in report.commonErrors { print(String(format: "%6d × %@", e.count, e.message)) }
            for f in report.unclearExamples { print("unclear error at iteration \(f.iteration) (\(f.input)): \(f.message)") }
            for f in report.hangExamples { print("slow iteration \(f.iteration) (\(f.input)): \(f.message)") }
        }
        if !report.clean { throw ExitCode(1) }
    }
}

extension FuzzTarget: ExpressibleByArgument {}
