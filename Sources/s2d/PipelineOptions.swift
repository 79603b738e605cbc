import ArgumentParser
import Distillation
import Foundation
import Inference

/// The flags of `s2d distill` / `teach` / `eval --run`: task, split sizes, sampling, training.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Task: last-letter or coin-flip (inputs generated), or with --data: \(TaskInputs.names.joined(separator: ", ")).") var task = "last-letter"
    @Option(help: "JSONL file of the task's examples: the teach, unlabeled and test examples are drawn from it (shuffled by --seed).") var data: String?
    @Option(name: .customLong("test-data"), help: "JSONL file of the test examples (its first --test), instead of drawing them from --data.") var testData: String?
    @OptionGroup var custom: CustomTaskOptions
    @Option(help: "System 2 method (cot, rar1, rar2, s2a, bsm, bsm-sum, program, ...; program teaches and runs Python programs), or a method YAML file.") var method = "cot"
    @Option(name: .customLong("methods-dir"), help: "A folder of method YAML files (adds to and overrides the built-ins).") var methodsDir: String?
    @Option(help: "Labeled examples with gold chain of thought to teach System 2 on (0: no teaching; default \(Self.defaultTeach), 0 with s2d distill --teacher).")
    var teach: Int?
    @Option(help: "Unlabeled inputs for distillation.") var inputs = 64
    @Option(help: "System 2 samples per unlabeled input (self-consistency vote).") var samples = 4
    @Option(name: .customLong("min-agreement"), help: "Share of samples the winner needs.") var minAgreement = 0.75
    @Option(help: "Sampling temperature of the System 2 samples that are voted on.") var temperature = 0.7
    @Option(help: "Labeled test items.") var test = 40
    @Option(name: .customLong("system2-samples"), help: "System 2 at evaluation: majority over k samples (1: greedy).") var system2Samples = 1
    @Option(name: .customLong("max-tokens"), help: "Token bound of System 2 calls.") var maxTokens = 120
    @Option(name: .customLong("teach-epochs"), help: "Epochs over the gold rationales when teaching System 2.") var teachEpochs = 3
    @Option(name: .customLong("distill-epochs"), help: "Epochs over the curated inputs when distilling System 1 (direct schedule).") var distillEpochs = 3
    @Option(help: "What every fine-tune trains: lora (adapters on the frozen model) or full (every weight; each stage writes a Q8_0 model.gguf).")
    var tuning: Tuning = .lora
    @Option(help: "Peak learning rate of every fine-tuning stage (default \(Tuning.lora.defaultLearningRate) with LoRA, \(Tuning.full.defaultLearningRate) with full fine-tuning).")
    var lr: Double?
    @Option(name: .customLong("lora-rank"), help: "LoRA rank (alpha is twice the rank).") var loraRank = 16
    @Option(help: "Sequences per training batch.") var batch = 8
    @Option(name: .customLong("matmul-precision"), help: MatmulPrecisionArgument.help) var matmulPrecision: MatmulPrecisionArgument = .auto
    @Option(help: "Words per last-letter input.") var words = 2
    @Option(name: .customLong("max-flips"), help: "Most people per coin-flip input.") var maxFlips = 4
    @Flag(help: "Also check the other built-in task for regressions.") var regression = false
    @Flag(help: "Also sample each unlabeled input's perturbations (shuffled options, swapped responses) and keep only answers that survive them.")
    var perturb = false
    @Option(help: "How curation decides an input: vote (self-consistency, --min-agreement) or usc (universal self-consistency: the System 2 model picks the most consistent of its responses).")
    var curation: CurationMode = .vote
    @Option(help: "Seed of the task inputs, the samples and the training order.") var seed: UInt64 = 0
    @Flag(help: "Adaptive voting: an input stops sampling once its vote is decided (samples drawn \(EndToEndConfiguration.adaptiveChunk) per request).")
    var adaptive = false
    @Option(help: "How System 1 learns the curated set: direct (the answer alone, --distill-epochs) or internalize (stepwise internalization: stages on the curated System 2 outputs with their first reasoning steps removed, the last stage on the answer alone).")
    var schedule: DistillationSchedule = .direct
    @Option(name: .customLong("distill-from"), help: "The model distilled System 1 starts from: taught (the taught adapter, when --teach > 0) or base (a fresh adapter).")
    var distillFrom: DistillationStart = .taught
    @Option(help: "internalize: stages, the last one answer-only (default: one per --steps-per-stage steps of the longest curated output, then the answer-only stage).")
    var stages: Int?
    @Option(name: .customLong("steps-per-stage"), help: "internalize: reasoning steps (sentences, or program lines) each stage removes beyond the previous one (default \(InternalizationSchedule().stepsPerStage)).")
    var stepsPerStage: Int?
    @Option(name: .customLong("stage-epochs"), help: "internalize: epochs of each stage's fine-tune (default \(InternalizationSchedule().epochsPerStage)).")
    var stageEpochs: Int?
    @Option(name: .customLong("final-stage-epochs"), help: "internalize: epochs of the last, answer-only stage (default \(InternalizationSchedule().finalStageEpochs)).")
    var finalStageEpochs: Int?
    @Option(name: .customLong("removal-smoothing"), help: "internalize: λ of the extra removal offset o per example and stage, P(o) ∝ e^(−λo) (default \(String(format: "%g", RemovalSmoothing().lambda))).")
    var removalSmoothing: Double?

    func validate() throws {
        for (flag, value, least) in [("--teach", teach ?? 0, 0), ("--inputs", inputs, 1), ("--samples", samples, 1), ("--test", test, 1),
                                     ("--system2-samples", system2Samples, 1), ("--max-tokens", maxTokens, 1), ("--teach-epochs", teachEpochs, 1),
                                     ("--distill-epochs", distillEpochs, 1), ("--lora-rank", loraRank, 1), ("--batch", batch, 1),
                                     ("--words", words, 1), ("--max-flips", maxFlips, 1)] where value < least {
            throw ValidationError("\(flag) must be at least \(least) (got \(value))")
        }
        guard (0...1).contains(minAgreement) else { throw ValidationError("--min-agreement is a share of the samples, in 0...1 (got \(minAgreement))") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be ≥ 0 (got \(temperature))") }
        if let lr { guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number (got \(lr))") } }
        try stageSchedule.validate()
        try custom.validate(task: task, data: data ?? testData)
        if curation == .usc, perturb { throw ValidationError("--perturb's check is a vote; it does not combine with --curation usc") }
    }

    /// Refuses the internalization flags where nothing internalizes: neither the run
    /// (`--schedule internalize`) nor, when `curveInternalizes`, the accuracy-against-data curve.
    func refuseUnusedStageFlags(curveInternalizes: Bool = false) throws {
        let stageFlags = [stages != nil, stepsPerStage != nil, stageEpochs != nil, finalStageEpochs != nil, removalSmoothing != nil]
        if schedule == .direct, !curveInternalizes, stageFlags.contains(true) {
            throw ValidationError(
                "--stages, --steps-per-stage, --stage-epochs, --final-stage-epochs and --removal-smoothing are for --schedule internalize "
                    + "(or an internalize curve)")
        }
    }

    /// The stage schedule of `--schedule internalize` (nil with direct).
    var internalization: InternalizationSchedule? { schedule == .internalize ? stageSchedule : nil }

    /// The internalization schedule the flags describe, whatever the run's schedule (the curve's).
    var stageSchedule: InternalizationSchedule {
        let defaults = InternalizationSchedule()
        return InternalizationSchedule(
            stages: stages ?? defaults.stages, stepsPerStage: stepsPerStage ?? defaults.stepsPerStage,
            epochsPerStage: stageEpochs ?? defaults.epochsPerStage, finalStageEpochs: finalStageEpochs ?? defaults.finalStageEpochs,
            smoothing: removalSmoothing.map { RemovalSmoothing(lambda: $0) } ?? defaults.smoothing)
    }

    static let defaultTeach = 64

    /// The run's settings; `teacher` is the model URI of a separate teacher (then nothing is taught by default).
    /// `--matmul-precision auto` keeps the arithmetic `runDirectory` was made with.
    func configuration(teacher: String? = nil, runDirectory: String? = nil) throws -> EndToEndConfiguration {
        let stored = try runDirectory.flatMap { try EndToEndRun.configurationFile(in: URL(fileURLWithPath: $0)).read()?.matmulPrecision }
        return EndToEndConfiguration(
            task: task, method: method, teachExamples: teach ?? (teacher == nil ? Self.defaultTeach : 0), unlabeledInputs: inputs, samples: samples, minAgreement: minAgreement,
            temperature: temperature, testItems: test, system2Samples: system2Samples, maxTokens: maxTokens, teachEpochs: teachEpochs,
            distillEpochs: distillEpochs, learningRate: lr ?? tuning.defaultLearningRate, loraRank: loraRank, batchSize: batch, words: words, maxFlips: maxFlips,
            regressionTask: regression ? (task == "coin-flip" ? "last-letter" : "coin-flip") : nil, seed: seed, adaptive: adaptive,
            schedule: schedule, internalization: internalization, distillFrom: distillFrom, tuning: tuning, data: data, testData: testData,
            customTask: try custom.spec(task: task), methodsDir: methodsDir, teacher: teacher,
            perturb: perturb, curation: curation, matmulPrecision: matmulPrecision.resolved(stored: stored))
    }
}

extension DistillationSchedule: ExpressibleByArgument {}
extension DistillationStart: ExpressibleByArgument {}

extension EndToEndRun {
    /// Opens `directory` with an embedded model and trainer from `model`, and the teacher the
    /// configuration names (loaded with `model`'s engine settings when it is embedded too).
    static func open(directory: String, configuration: EndToEndConfiguration, model: ModelOptions, quiet: Bool) async throws -> EndToEndRun {
        let teacher = try configuration.teacher.map { try ModelLoader.load(try ModelURI(parsing: $0), precision: model.precision.precision, threads: model.threads) }
        let loaded = try await model.load()
        guard let serving = loaded as? any AdapterServing else {
            throw ValidationError("\(model.model) cannot load adapters; s2d distill needs an embedded model")
        }
        let trainer = EmbeddedFineTuner(modelPath: try ModelOptions.localPath(of: model.model), threads: model.threads)
        return try EndToEndRun(
            directory: URL(fileURLWithPath: directory), configuration: configuration, model: serving, teacher: teacher, fineTuner: trainer,
            log: stderrLog(quiet: quiet))
    }
}
