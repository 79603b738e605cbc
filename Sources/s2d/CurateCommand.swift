import ArgumentParser
import Distillation
import Foundation
import Inference

extension CurationMode: ExpressibleByArgument {}

/// `s2d curate`: decides each input of a run (vote, or universal self-consistency) and writes
/// distill.jsonl, rejected.jsonl, stats.json.
struct CurateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curate",
        abstract: "Keep the inputs whose samples agree; write RUN/distill.jsonl, rejected.jsonl and stats.json.",
        discussion: """
            --curation vote (default): the most frequent answer wins if it reaches --min-agreement without a tie; no model call.
            --curation usc: universal self-consistency; the run's model (and adapter) reads each input's N responses and names \
            the most consistent one. Its calls are stored in RUN/run.sqlite, so a re-run makes none.
            """)

    @Option(name: .customLong("run"), help: "The run directory (made by s2d generate).") var runDirectory: String
    @Option(name: [.customLong("curation"), .customLong("mode")], help: "How answers are chosen: vote or usc (universal self-consistency: the model picks); --mode is the same option.")
    var mode: CurationMode = .vote
    @Option(name: .customLong("min-agreement"), help: "Fraction of N the winning answer needs (vote mode; default: the run's).")
    var minAgreement: Double?
    @Option(name: .customLong("usc-max-tokens"), help: "Token bound of each usc selection call.") var uscMaxTokens = 64
    @Option(help: "Embedded engine precision for --curation usc: quantized (default) or float32.") var precision: PrecisionArgument = .quantized
    @Option(help: "Threads of the embedded engine (--curation usc).") var threads = 2
    @Option(help: "Selection calls in flight at once (--curation usc).") var concurrency = 8
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard uscMaxTokens > 0 else { throw ValidationError("--usc-max-tokens must be ≥ 1 (got \(uscMaxTokens))") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be ≥ 1 (got \(concurrency))") }
    }

    func run() async throws {
        let distillationRun = try DistillationRun(existing: URL(fileURLWithPath: runDirectory))
        let stage = try CurateStage(
            run: distillationRun, minAgreement: minAgreement, mode: mode, universal: UniversalSelfConsistency(maxTokens: uscMaxTokens),
            concurrency: concurrency)
        var model: (any LanguageModel)? = nil
        if mode == .usc {
            let settings = distillationRun.settings
            var arguments = ["--model", settings.model, "--precision", precision.rawValue, "--threads", String(threads)]
            if let adapter = settings.adapter {
                if let stored = settings.adapterHash, try AdapterFingerprint.hash(ofFolder: adapter).hex != stored {
                    throw distillationRun.mismatch(
                        field: "adapter (content hash of \(adapter))", stored: stored, requested: try AdapterFingerprint.hash(ofFolder: adapter).hex)
                }
                arguments += ["--adapter", adapter]
            }
            model = try await ModelOptions.parse(arguments).load()
        }
        let report = try await stage.curate(model: model)
        if json {
            try JSONOutput.print(report)
            return
        }
        let s = report.stats
        if !s.generateComplete {
            FileHandle.standardError.write(Data("warning: the generate stage is not finished; curated \(s.inputs) inputs so far\n".utf8))
        }
        let reasons = s.rejectionReasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let rate = String(format: "%.1f%%", s.acceptanceRate * 100)
        print("curate (\(s.mode)): \(s.inputs) inputs: \(s.accepted) accepted (\(rate)), \(s.rejected) rejected" + (reasons.isEmpty ? "" : " (\(reasons))"))
        if s.acceptedWithGold > 0 {
            print("accepted answers matching the gold label: \(s.acceptedCorrect)/\(s.acceptedWithGold)")
        }
        let g = s.stages[GenerateStage.name] ?? .init()
        print("generation cost: \(g.generatedTokens) generated tokens, \(g.modelCalls) model generations, \(g.samplesSaved) samples saved")
        if let u = s.universal {
            let c = s.stages[CurateStage.name] ?? .init()
            print("universal self-consistency: \(u.selectionCalls) selections (\(c.generatedTokens) tokens), "
                + "\(u.decidedWithoutCall) unanimous inputs needed none, \(u.unselected) replies chose no usable response")
        }
        print("model calls in this invocation: \(report.modelCalls)")
        print("wrote \(report.distillFile), \(report.rejectedFile), \(report.statsFile)")
    }
}
