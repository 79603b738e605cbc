import ArgumentParser
import Distillation
import Foundation
import Inference

/// `s2d eval`: System 1, System 2 and distilled System 1 on a labeled split — of a distill run
/// (`--run DIR`), or standalone (`--task T --method M [--adapter DIR] [--test N | --data FILE]`).
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate System 1, System 2 and distilled System 1 (accuracy with 95% interval, tokens, latency).",
        discussion: """
            With --run DIR (a run of s2d distill): its test split and adapters; writes eval.json, report.md, report.html there.
            Without --run: standalone. System 1 and System 2 (--method, --system2-samples) on --test N generated items \
            (coin-flip, last-letter; the same test split s2d distill draws for the same --seed) or the labeled --test-data (or --data) FILE, \
            plus distilled System 1 when --adapter DIR is given (then also the verdict and the router curves). \
            --teacher-adapter DIR applies a taught adapter to System 1 and System 2; --teacher URI runs System 2 on a separate \
            teacher model instead (as s2d distill --teacher evaluates: student System 1, teacher System 2, distilled System 1). \
            With --out DIR every call is cached \
            in DIR/run.sqlite (a re-run makes none) and eval.json, eval.md and report.html are written there.
            """)

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var model: ModelOptions
    @Option(name: .customLong("run"), help: "Run directory of s2d distill (its config.json wins over the flags).") var runDirectory: String?
    @Option(name: .customLong("teacher-adapter"), help: "Standalone: adapter folder for System 1 and System 2 (a taught model).")
    var teacherAdapter: String?
    @Option(help: "Standalone: a separate teacher model (any model URI, e.g. openai:http://host:port/v1#name) that answers by System 2; --model is the student.")
    var teacher: String?
    @Option(help: "Standalone: directory for the call cache, eval.json, eval.md and report.html.") var out: String?
    @Flag(help: "Print the router's accuracy/token trade-off over confidence thresholds.") var route = false
    @Flag(help: "Print eval.json instead of the table (standalone).") var json = false
    @Flag(help: "No progress lines on stderr.") var quiet = false

    func validate() throws {
        if runDirectory != nil, pipeline.data != nil || pipeline.testData != nil || teacherAdapter != nil || teacher != nil || out != nil {
            throw ValidationError("--data, --test-data, --teacher-adapter, --teacher and --out are for standalone evaluation (without --run; a run evaluates with its own teacher)")
        }
        if teacher != nil, teacherAdapter != nil {
            throw ValidationError("--teacher and --teacher-adapter: System 2 runs on the teacher model or on the taught adapter, not both")
        }
        if let teacher { _ = try ModelOptions.uri(of: teacher) }
        guard pipeline.test > 0 else { throw ValidationError("--test must be ≥ 1 (got \(pipeline.test))") }
        try pipeline.refuseUnusedStageFlags()
    }

    func run() async throws {
        if let runDirectory {
            try await evaluateRun(runDirectory)
        } else {
            try await evaluateStandalone()
        }
    }

    private func log(_ line: String) {
        if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    private func evaluateStandalone() async throws {
        let configuration = try pipeline.configuration()
        let custom = configuration.customTask
        var task = try TaskInputs.task(named: pipeline.task, custom: custom)
        let examples: [TaskExample]
        if let data = pipeline.testData ?? pipeline.data {
            examples = try TaskInputs(task: pipeline.task, data: data, limit: pipeline.test, custom: custom).examples.filter { $0.answer != nil }
            guard !examples.isEmpty else { throw ValidationError("\(data): no record has a gold answer to evaluate against") }
        } else {
            guard TaskInputs.generatable.contains(pipeline.task) else {
                throw ValidationError("task \(pipeline.task): give its labeled examples with --data FILE")
            }
            let c = configuration
            examples = try EndToEndConfiguration(
                task: c.task, teachExamples: 0, unlabeledInputs: 0, testItems: c.testItems, words: c.words, maxFlips: c.maxFlips, seed: c.seed
            ).splits().test
        }
        let (method, _) = try configuration.resolvedMethod()
        if method.usesExemplars, task.fewShotExemplars.isEmpty, let data = pipeline.data, pipeline.testData != nil {
            // Worked examples from the training file, never the test file.
            task = TaskWithExemplars(task, exemplars: try TaskInputs(task: pipeline.task, data: data, custom: custom).examples)
        }
        let loaded = try await model.load()
        var teacherName: String?
        if let teacherAdapter {
            guard let host = loaded as? any AdapterServing else {
                throw ValidationError("--teacher-adapter works with embedded models; \(model.model) serves its own adapters by model name")
            }
            let name = try AdapterFingerprint.requestName(forFolder: teacherAdapter)
            try await host.loadAdapter(named: name, from: URL(fileURLWithPath: teacherAdapter))
            teacherName = name
        }
        var languageModel: any LanguageModel = loaded
        var teacherModel: (any LanguageModel)? = try teacher.map {
            try ModelLoader.load(try ModelOptions.uri(of: $0), precision: model.precision.precision, threads: model.threads)
        }
        var caches: [CachingLanguageModel] = []
        if let out {
            let store = try RunStore(directory: URL(fileURLWithPath: out))
            let c = CachingLanguageModel(wrapping: loaded, store: store)
            caches.append(c)
            languageModel = c
            if let t = teacherModel {
                let cachedTeacher = CachingLanguageModel(wrapping: t, store: store)
                caches.append(cachedTeacher)
                teacherModel = cachedTeacher
            }
        }
        let plan = EvaluationPlan(
            task: task, method: method, system2Samples: pipeline.system2Samples, temperature: pipeline.temperature,
            maxTokens: pipeline.maxTokens, teacherAdapter: teacherName, distilledAdapter: try model.adapterName(),
            separateTeacher: teacherModel != nil, seed: pipeline.seed &+ 99)
        log("eval: \(examples.count) labeled \(task.name) items, \(try plan.systems().count) systems")
        let quiet = self.quiet
        let stats = try await plan.evaluate(on: examples, model: languageModel, teacher: teacherModel) { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if let out {
            let directory = URL(fileURLWithPath: out)
            try AtomicFile.writeJSON(stats, to: directory.appendingPathComponent("eval.json"))
            var md = "# Evaluation: \(task.name)\n\n" + MarkdownReport.resultsTable(stats.systems)
            if let v = stats.verdict { md += "\n**Verdict.** \(v.summary)\n" }
            try AtomicFile.write(Data(md.utf8), to: directory.appendingPathComponent("eval.md"))
            try AtomicFile.write(Data(HTMLReport.render(evaluation: stats).utf8), to: directory.appendingPathComponent("report.html"))
        }
        if json {
            try JSONOutput.print(stats)
            return
        }
        print(MarkdownReport.resultsTable(stats.systems), terminator: "")
        if let v = stats.verdict { print(v.summary) }
        if route { printRouter(stats) }
        if !caches.isEmpty { print("model calls in this invocation: \(caches.reduce(0) { $0 + $1.statistics.modelCalls })") }
        if let out { print("wrote \(URL(fileURLWithPath: out).appendingPathComponent("eval.json").path)") }
    }

    private func evaluateRun(_ runDirectory: String) async throws {
        // Read before the run is opened, which would create the directory of a mistyped path.
        guard let config = try EndToEndRun.configurationFile(in: URL(fileURLWithPath: runDirectory)).read() else {
            throw ValidationError("\(runDirectory): not a run directory of s2d distill (it has no config.json)")
        }
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
        if route { printRouter(eval) }
        print("report: \(r.directory.appendingPathComponent("report.html").path)")
    }

    private func printRouter(_ eval: EvalStats) {
        guard !eval.router.isEmpty else {
            print("router: needs distilled System 1 (--adapter DIR)")
            return
        }
        print("router (distilled System 1 if confidence >= threshold, else System 2):")
        for (signal, points) in [("probability", eval.router), ("agreement", eval.agreementRouter ?? [])] {
            for p in points {
                print(String(
                    format: "  %@  threshold %.2f  accuracy %@  tokens/input %.1f  System 1 share %.0f%%",
                    signal.padding(toLength: 11, withPad: " ", startingAt: 0), p.threshold, p.accuracy.formatted, p.meanGeneratedTokens,
                    p.system1Share * 100))
            }
        }
    }
}
