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
            --curve 64,256,512 trains distilled System 1 again on the first N curated inputs for each N and schedule and \
            evaluates each on the test split (accuracy against data, in the report); it is not part of the run's settings, \
            so it can be added to a finished run. Its internalize points follow the internalization flags (--stages ...) \
            even when the run itself is direct; points made under other flags are kept and not reused.
            """)

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "A separate teacher model (any model URI, e.g. openai:http://host:port/v1#name): it answers the unlabeled inputs by System 2 and is System 2 at evaluation; --model is the student. Nothing is taught. Without it the (taught) student is its own teacher.")
    var teacher: String?
    @OptionGroup var runDirectory: RunDirectoryOption
    @Option(help: "Curated-input counts of the accuracy-against-data curve, comma-separated (e.g. 64,256,512; none by default).")
    var curve: String?
    @Option(name: .customLong("curve-schedules"), help: "Schedules of the curve, comma-separated: direct, internalize.")
    var curveSchedules = "direct,internalize"
    @Flag(help: "Only the results; no progress lines.") var quiet = false
    @Flag(help: "Print eval.json instead of the table.") var json = false

    func validate() throws {
        try model.refuseAdapter("s2d distill")
        if teacher != nil, let teach = pipeline.teach, teach > 0 {
            throw ValidationError("--teach: the --teacher answers by System 2 as it is, so nothing is taught; leave --teach out")
        }
        _ = try teacherURI()
        _ = try runDirectory.path()
        try pipeline.refuseUnusedStageFlags(curveInternalizes: !(try curveSizes()).isEmpty && (try curveScheduleList()).contains(.internalize))
    }

    func curveSizes() throws -> [Int] {
        guard let curve else { return [] }
        return try curve.split(separator: ",").map { raw in
            guard let size = Int(raw.trimmingCharacters(in: .whitespaces)), size > 0 else {
                throw ValidationError("--curve: \"\(raw)\" is not a positive number of curated inputs")
            }
            return size
        }
    }

    func curveScheduleList() throws -> [DistillationSchedule] {
        try curveSchedules.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let schedule = DistillationSchedule(rawValue: name) else {
                throw ValidationError("--curve-schedules: unknown schedule \"\(name)\" (known: direct, internalize)")
            }
            return schedule
        }
    }

    /// `--teacher` as a model URI (a plain .gguf path is one too).
    func teacherURI() throws -> String? {
        do {
            return try teacher.map { try ModelOptions.uri(of: $0).description }
        } catch {
            throw ValidationError("--teacher: \(error)")
        }
    }

    func run() async throws {
        let out = try runDirectory.path()
        let configuration = try pipeline.configuration(teacher: try teacherURI(), runDirectory: out)
        let run = try await EndToEndRun.open(directory: out, configuration: configuration, model: model, quiet: quiet)
        let report = try await run.runAll(
            curveSizes: try curveSizes(), curveSchedules: try curveScheduleList(), curveInternalization: pipeline.stageSchedule)
        if json { try JSONOutput.print(report); return }
        print("## \(pipeline.task)")
        if let e = report.eval {
            print(MarkdownReport.resultsTable(e.systems), terminator: "")
            if let v = e.verdict { print(v.summary) }
            if let reason = report.nothingToDistil { print(reason) }
        }
        if let r = report.regression {
            print(String(format: "regression on %@: base %@ -> distilled %@", r.task, r.systems[0].accuracy.formatted, r.systems[1].accuracy.formatted))
        }
        if let curve = report.curve {
            for p in curve.points.sorted(by: { ($0.schedule.rawValue, $0.inputs) < ($1.schedule.rawValue, $1.inputs) }) {
                print("curve: \(p.schedule.rawValue) \(p.inputs) curated inputs: \(p.accuracy.formatted)")
            }
        }
        print("report: \(URL(fileURLWithPath: out).appendingPathComponent("report.html").path)")
    }
}
