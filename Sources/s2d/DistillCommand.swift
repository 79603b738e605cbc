import ArgumentParser
import Distillation
import Foundation

/// `s2d distill`: teach → generate + curate → train → evaluate → report, resumable.
struct DistillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "The whole pipeline: teach System 2, distil it into System 1, evaluate, report.",
        discussion: """
            Every stage records its completion in the run directory; a re-run (for example after a kill) skips finished stages and \
            answers repeated model calls from the cache.
            --schedule internalize trains distilled System 1 by stepwise internalization: stage k fine-tunes on the curated \
            System 2 outputs (under the System 1 prompt) with their first k × --steps-per-stage reasoning steps removed, \
            each example a few more with probability ∝ e^(−λ·extra) (--removal-smoothing λ); the last stage trains on the \
            answer alone. Each stage is its own fine-tune from the previous stage's adapter and resumes on its own.
            """)

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "Run directory.") var out: String
    @Flag(help: "Only the results; no progress lines.") var quiet = false
    @Flag(help: "Print eval.json instead of the table.") var json = false

    func validate() throws { try model.refuseAdapter("s2d distill") }

    func run() async throws {
        let run = try await EndToEndRun.open(directory: out, configuration: pipeline.configuration, model: model, quiet: quiet)
        let report = try await run.runAll()
        if json { try JSONOutput.print(report); return }
        print("## \(pipeline.task)")
        if let e = report.eval {
            print(MarkdownReport.resultsTable(e.systems), terminator: "")
            if let v = e.verdict { print(v.summary) }
        }
        if let r = report.regression {
            print(String(format: "regression on %@: base %@ -> distilled %@", r.task, r.systems[0].accuracy.formatted, r.systems[1].accuracy.formatted))
        }
        print("report: \(URL(fileURLWithPath: out).appendingPathComponent("report.html").path)")
    }
}
