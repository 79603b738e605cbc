import ArgumentParser
import Distillation
import Foundation
import Inference

/// `s2d generate --task ...`: resolves the inputs, method and settings, then runs (or, with
/// `--dry-run`, only estimates) the generate stage, with a progress line and a summary.
struct PipelineGenerate {
    let options: PipelineGenerateOptions
    let model: ModelOptions
    let sampling: SamplingOptions
    let json: Bool
    let quiet: Bool

    func run() async throws {
        let taskName = options.task!
        let directory = URL(fileURLWithPath: options.run!)
        let custom = try options.customTask()
        let inputs = try TaskInputs(
            task: taskName, data: options.data, count: options.count, seed: options.dataSeed ?? sampling.seed, limit: options.limit,
            custom: custom)
        let library = try options.methodsDir.map { try MethodLibrary(directory: $0) } ?? MethodLibrary.builtin
        let method = try library.method(named: options.method)
        let modelID = try ModelOptions.uri(of: model.model).description
        let settings = RunSettings(
            task: taskName, dataFile: inputs.dataFile, dataHash: inputs.dataHash, dataSeed: inputs.dataSeed, method: method,
            samples: options.samples ?? 8, model: modelID, adapter: model.adapter,
            adapterHash: try model.adapter.map { try AdapterFingerprint.hash(ofFolder: $0).hex }, parameters: sampling.parameters,
            adaptive: options.adaptive, adaptiveChunk: options.adaptiveChunk, perturb: options.perturb,
            minAgreement: options.minAgreement, customTask: custom)

        if options.dryRun {
            try await dryRun(settings: settings, inputs: inputs, method: method, directory: directory)
            return
        }

        let run = try DistillationRun(directory: directory, settings: settings)
        let stage = try GenerateStage(
            run: run, task: inputs.task, method: method, concurrency: options.concurrency, tokenBudget: options.maxTokensBudget)
        let languageModel = try await model.load()
        let progress = ProgressLine(label: "generate", quiet: quiet)
        let report = try await stage.generate(inputs: inputs.examples, model: languageModel) { p in
            let rate = Double(p.modelCalls) / max(p.elapsedSeconds, 1e-9)
            let eta = p.etaSeconds.map(ProgressLine.duration) ?? "?"
            progress.update(
                "\(p.done)/\(p.total) inputs  \(p.modelCalls) calls (\(String(format: "%.1f", rate))/s)  \(p.samplesFromCache) cached  "
                    + "\(p.generatedTokens) tokens  ETA \(eta)")
        }
        progress.finish()
        if json {
            try JSONOutput.print(report)
        } else {
            print(Self.summary(report, run: directory.path))
        }
    }

    static func summary(_ r: GenerateReport, run: String) -> String {
        var lines = [
            "generate: \(r.inputs) inputs: \(r.alreadyDone) already done, \(r.generatedNow) generated now, \(r.remaining) remaining",
            String(format: "model calls in this invocation: %d (%d samples generated, %d from the cache); %d tokens generated; %.1f s",
                   r.modelCalls, r.samplesGenerated, r.samplesFromCache, r.generatedTokens, r.seconds),
        ]
        if r.samplesSaved > 0 { lines.append("adaptive voting saved \(r.samplesSaved) samples") }
        if r.stoppedByBudget {
            lines.append("stopped: the token budget is spent; run the same command again to continue")
        } else if r.complete {
            lines.append("next: s2d curate --run \(run)")
        }
        return lines.joined(separator: "\n")
    }

    /// Prints the estimate; creates nothing and loads no model.
    private func dryRun(settings: RunSettings, inputs: TaskInputs, method: Method, directory: URL) async throws {
        var done: Set<String> = []
        let file = DistillationRun.settingsFile(in: directory)
        if let stored = try file.read() {
            try file.check(settings, against: stored)
            done = try await RunStore(directory: directory).itemKeys(stage: GenerateStage.name)
        }
        let estimate = try GenerateEstimate(inputs: inputs.examples, task: inputs.task, method: method, settings: settings, done: done)
        if json {
            try JSONOutput.print(DryRunOutput(estimate: estimate, modelCalls: 0))
            return
        }
        print("""
            dry run: \(estimate.inputs) inputs (\(estimate.alreadyDone) already done, \(estimate.remaining) to generate), \
            method \(method.name), \(settings.samples) samples each
            estimate: at most \(estimate.modelCalls) model calls (\(estimate.sampleCalls) generations), \
            at most \(estimate.maxGeneratedTokens) generated tokens, about \(estimate.approximatePromptTokens) prompt tokens
            model calls in this invocation: 0 (dry run)
            """)
    }
}

/// The `--json` shape of a dry run.
struct DryRunOutput: Encodable {
    let estimate: GenerateEstimate
    /// Always 0: a dry run calls no model.
    let modelCalls: Int
}
