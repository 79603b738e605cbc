import ArgumentParser
import Distillation
import Foundation

/// The flags of `s2d generate --task ...` (pipeline mode).
struct PipelineGenerateOptions: ParsableArguments {
    @Option(help: "Task: \(TaskInputs.names.joined(separator: ", ")) (custom: any JSONL of {\"input\", \"answer\"?, \"options\"?} with --data and --template).")
    var task: String?
    @OptionGroup var custom: CustomTaskOptions
    @Option(help: "System 2 method name (built-in or from --methods-dir), or a method YAML file.") var method = "cot"
    @Option(name: .customLong("methods-dir"), help: "A folder of method YAML files (adds to and overrides the built-ins).")
    var methodsDir: String?
    @Option(name: [.customLong("samples"), .customShort("n")], help: "Samples per input (N; default 8 with --task, 1 with --prompt).") var samples: Int?
    @Option(help: "JSONL data file of the task's inputs.") var data: String?
    @Option(help: "Generate this many inputs (coin-flip, last-letter).") var count: Int?
    @Option(name: .customLong("data-seed"), help: "Seed of generated inputs (default: --seed).") var dataSeed: UInt64?
    @Option(help: "Use only the first N inputs (a run can be extended later with a larger limit).") var limit: Int?
    @Option(name: .customLong("min-agreement"), help: "Fraction of N the winning answer needs (used here by --adaptive and --perturb).")
    var minAgreement = 0.75
    @Flag(help: "Stop sampling an input once its vote is decided (records the samples saved).") var adaptive = false
    @Option(name: .customLong("adaptive-chunk"), help: "Samples per request with --adaptive.") var adaptiveChunk = 2
    @Flag(help: "Also vote on the task's perturbed inputs and require the answer to survive them.") var perturb = false
    @Option(help: "The run directory.") var run: String?
    @Flag(name: .customLong("dry-run"), help: "Print the estimated calls and tokens, and do nothing else.") var dryRun = false
    @Option(name: .customLong("max-tokens-budget"), help: "Stop (resumably) once the model has generated this many tokens in this invocation.")
    var maxTokensBudget: Int?
    @Option(help: "Inputs in flight at once (the embedded engine batches their samples).") var concurrency = 8

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be ≥ 1 (got \(samples))") }
        guard task != nil else { return }  // single-prompt mode: the other flags are unused
        guard run != nil else { throw ValidationError("--run DIR is required with --task") }
        guard minAgreement > 0, minAgreement <= 1 else { throw ValidationError("--min-agreement must be in (0, 1] (got \(minAgreement))") }
        guard adaptiveChunk > 0 else { throw ValidationError("--adaptive-chunk must be ≥ 1 (got \(adaptiveChunk))") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be ≥ 1 (got \(concurrency))") }
        if let b = maxTokensBudget, b <= 0 { throw ValidationError("--max-tokens-budget must be ≥ 1 (got \(b))") }
        try custom.validate(task: task, data: data)
    }

    /// The custom task's spec (nil unless `--task custom`); reads `--template-file`.
    func customTask() throws -> CustomTaskSpec? { try custom.spec(task: task) }
}
