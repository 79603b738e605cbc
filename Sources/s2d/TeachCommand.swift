import ArgumentParser
import Distillation
import Foundation

/// `s2d teach`: LoRA on the task's gold rationales (chains of thought, or programs with
/// `--method program`) under the System 2 prompt, then the
/// taught model's System 2 accuracy on the test split.
struct TeachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teach", abstract: "Teach System 2: fine-tune on gold rationales (chains of thought; programs with --method program), then measure System 2 accuracy.")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var model: ModelOptions
    /// The taught adapter goes to RUN/adapters/taught.
    @OptionGroup var runDirectory: RunDirectoryOption
    @Flag(help: "No progress lines on stderr.") var quiet = false
    @Flag(help: "Print the teach stage's statistics and the taught systems' evaluations as JSON.") var json = false

    func validate() throws {
        try model.refuseAdapter("s2d teach")
        try pipeline.refuseUnusedStageFlags()
        _ = try runDirectory.path()
    }

    func run() async throws {
        let directory = try runDirectory.path()
        let run = try await EndToEndRun.open(
            directory: directory, configuration: try pipeline.configuration(runDirectory: directory), model: model, quiet: quiet)
        let stats = try await run.teach()
        let systems = try run.systems().filter { $0.adapter == EndToEndRun.taughtAdapter }
        let evaluator = Evaluator(task: run.task, seed: pipeline.seed &+ 99)
        let test = try pipeline.configuration().splits().test
        var rows: [SystemEvaluation] = []
        for s in systems { rows.append(try await evaluator.evaluate(s, on: test, model: run.cached)) }
        let adapter = run.directory.appendingPathComponent("adapters/taught").path
        if json {
            try JSONOutput.print(TeachOutput(adapter: adapter, teach: stats, systems: rows))
            return
        }
        print(String(format: "taught on %d examples: loss %.3f -> %.3f", stats.examples, stats.fineTune.lossCurve.first?.loss ?? .nan, stats.fineTune.lossCurve.last?.loss ?? .nan))
        print(MarkdownReport.resultsTable(rows), terminator: "")
        print("adapter: \(adapter)")
    }
}

/// The `--json` shape of `s2d teach`.
private struct TeachOutput: Encodable {
    var adapter: String
    var teach: TeachStats
    var systems: [SystemEvaluation]
}
