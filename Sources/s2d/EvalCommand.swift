import ArgumentParser
import Distillation
import Foundation

/// `s2d eval --run DIR`: System 1, System 2 and distilled System 1 of a run on its test split.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate System 1, System 2 and distilled System 1 of a run; writes eval.json, report.md, report.html.")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var model: ModelOptions
    @Option(name: .customLong("run"), help: "Run directory of s2d distill (its config.json wins over the flags).") var runDirectory: String
    @Flag(help: "Print the router's accuracy/token trade-off over confidence thresholds.") var route = false
    @Flag var quiet = false

    func run() async throws {
        let configURL = URL(fileURLWithPath: runDirectory).appendingPathComponent("config.json")
        let config = (try? JSONDecoder().decode(EndToEndConfiguration.self, from: Data(contentsOf: configURL))) ?? pipeline.configuration
        let r = try await EndToEndRun.open(directory: runDirectory, configuration: config, model: model, quiet: quiet)
        let eval = try await r.evaluate()
        let store = r.store
        func stats<S: Decodable>(_ name: String, _ t: S.Type) async throws -> S? { try await store.stageStats(name, as: t) }
        let report = RunReport(
            configuration: config, teach: try await stats("teach", TeachStats.self), curate: try await stats("curate", CurateStats.self),
            train: try await stats("train", TrainStats.self), eval: eval, regression: try await stats("regression", RegressionStats.self))
        try ReportWriter.write(report, to: r.directory)
        print(MarkdownReport.resultsTable(eval.systems), terminator: "")
        if let v = eval.verdict { print(v.summary) }
        if route {
            print("router (distilled System 1 if confidence >= threshold, else System 2):")
            for (signal, points) in [("probability", eval.router), ("agreement", eval.agreementRouter ?? [])] {
                for p in points {
                    print(String(
                        format: "  %@  threshold %.2f  accuracy %@  tokens/input %.1f  System 1 share %.0f%%", signal.padding(toLength: 11, withPad: " ", startingAt: 0),
                        p.threshold, p.accuracy.formatted, p.meanGeneratedTokens, p.system1Share * 100))
                }
            }
        }
        print("report: \(r.directory.appendingPathComponent("report.html").path)")
    }
}
