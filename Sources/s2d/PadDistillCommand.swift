import ArgumentParser
import Distillation
import Foundation
import Inference
import ProgramAided

/// `s2d pad distill`: program-aided distillation end to end on a built-in task: synthesise and
/// verify programs, fine-tune a program-writing student (and a chain-of-thought student on
/// the same questions), collect self-refinement data from the student's mistakes, then
/// evaluate greedy, sampled, self-refining and stepwise beam-search decoding against the
/// chain-of-thought student. Resumable: finished stages are read back from the run directory.
struct PadDistillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "The whole PaD pipeline: synthesize → verify → train → refine → evaluate; prints PaD vs CoT fine-tuning.",
        discussion: """
            Every stage leaves its artifacts in the run directory (attempts.jsonl, programs.jsonl, sft.jsonl, \
            cot.jsonl, adapters/, refine*.jsonl, evaluations/, eval.json); a re-run with the same --run (default runs/pad-TASK) skips \
            what is done. Solvers: greedy (one greedy program), sample (one sampled program), refine (greedy, \
            then up to --refine-rounds repairs by the self-refinement adapter fed the interpreter's error), \
            beam (stepwise-verified beam search over program lines), cot (the chain-of-thought student).
            """)

    @OptionGroup var options: PadTaskOptions
    @OptionGroup var model: ModelOptions
    /// Default: runs/pad-TASK.
    @OptionGroup var runDirectory: RunDirectoryOption
    @Option(help: "Epochs of every fine-tuning stage.") var epochs = 2
    @Option(help: "What every fine-tune trains: lora (adapters) or full (every weight; each stage writes a Q8_0 model.gguf).")
    var tuning: Tuning = .lora
    @Option(help: "Learning rate (default \(Tuning.lora.defaultLearningRate) with LoRA, \(Tuning.full.defaultLearningRate) with full fine-tuning).")
    var lr: Double?
    @Option(help: "Sequences per training batch.") var batch = 4
    @Option(name: .customLong("matmul-precision"), help: MatmulPrecisionArgument.help) var matmulPrecision: MatmulPrecisionArgument = .auto
    @Option(name: .customLong("lora-rank"), help: "LoRA rank (alpha is twice the rank).") var loraRank = 16
    @Option(name: .customLong("max-length"), help: "Tokens per training sequence.") var maxLength = 384
    @Option(help: "Solvers to evaluate, comma-separated: greedy, sample, refine, beam, cot.") var solvers = "greedy,sample,refine,beam,cot"
    @Option(name: .customLong("refine-samples"), help: "Student programs per training question for self-refinement data.")
    var refineSamples = 1
    @Option(name: .customLong("refine-rounds"), help: "Repairs the refining solver may try.") var refineRounds = 1
    @Option(name: .customLong("beam-width"), help: "Beams kept per step of beam search.") var beamWidth = 2
    @Option(name: .customLong("beam-candidates"), help: "Candidate lines sampled per beam and step.") var beamCandidates = 3
    @Option(name: .customLong("step-scorer"), help: """
        What ranks beam search's candidate lines: likelihood (the student's own mean token log-probability), \
        trained (PaD's separate step verifier: an adapter trained in the run on right and wrong program prefixes, \
        from verified programs, the student's samples and injected errors), or a model URI asked whether the program so far is right.
        """)
    var stepScorer = "likelihood"
    @Option(name: .customLong("step-scorer-weight"), help: "Weight of the step scorer's verdict against the likelihood in a beam's rank, 0–1 (1: the verdict alone).")
    var stepScorerWeight = 1.0
    @Flag(help: "Only the results; no progress lines.") var quiet = false
    @Flag(help: "Print eval.json instead of the table.") var json = false

    func validate() throws {
        try model.refuseAdapter("s2d pad distill")
        guard epochs > 0, batch > 0, loraRank > 0, maxLength > 16 else { throw ValidationError("--epochs, --batch, --lora-rank must be ≥ 1 and --max-length > 16") }
        guard refineSamples > 0, refineRounds >= 0, beamWidth > 0, beamCandidates > 0 else {
            throw ValidationError("--refine-samples, --beam-width and --beam-candidates must be ≥ 1, --refine-rounds ≥ 0")
        }
        guard (0...1).contains(stepScorerWeight) else { throw ValidationError("--step-scorer-weight must be in 0...1 (got \(stepScorerWeight))") }
        if !["likelihood", "trained"].contains(stepScorer) { _ = try ModelOptions.uri(of: stepScorer) }
        _ = try solverKinds()
    }

    /// `--solvers` as pipeline solver kinds.
    func solverKinds() throws -> [PaDSolverKind] {
        let names: [String: PaDSolverKind] = ["greedy": .greedy, "sample": .sample, "refine": .refine, "beam": .beam, "cot": .chainOfThought]
        return try solvers.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let kind = names[name] ?? PaDSolverKind(rawValue: name) else {
                throw ValidationError("--solvers: unknown solver \"\(name)\" (known: greedy, sample, refine, beam, cot)")
            }
            return kind
        }
    }

    func run() async throws {
        let start = Date()
        let directory = URL(fileURLWithPath: try runDirectory.path(default: "runs/pad-\(options.task)"))
        let log = stderrLog(start: start, quiet: quiet)
        let lr = lr ?? tuning.defaultLearningRate
        var training = [
            "test": "\(options.test)", "model": model.model, "precision": model.precision.rawValue, "epochs": "\(epochs)", "lr": "\(lr)", "batch": "\(batch)",
            "lora-rank": "\(loraRank)", "max-length": "\(maxLength)", "refine-samples": "\(refineSamples)",
            "refine-rounds": "\(refineRounds)", "beam-width": "\(beamWidth)", "beam-candidates": "\(beamCandidates)",
        ]
        if tuning != .lora { training["tuning"] = tuning.rawValue }  // absent in runs from before the flag
        if stepScorer != "likelihood" {  // absent in runs from before the flag, as likelihood is
            training["step-scorer"] = stepScorer
            training["step-scorer-weight"] = "\(stepScorerWeight)"
        }
        // auto keeps what the run was made with; float32 is absent, as in runs from before the flag.
        let settingsFile = PaDRunSettings.file(in: directory)
        let stored = try settingsFile.read()?.training.map { MatmulPrecision(rawValue: $0["matmul-precision"] ?? "") ?? .float32 }
        let arithmetic = matmulPrecision.resolved(stored: stored)
        if arithmetic != .float32 { training["matmul-precision"] = arithmetic.rawValue }
        try settingsFile.record(PaDRunSettings(data: options.settings, training: training))
        let store = try RunStore(directory: directory)
        let loaded = try await model.load()
        guard let student = loaded as? any AdapterServing else {
            throw ValidationError("\(model.model) cannot load adapters; s2d pad distill needs an embedded student model")
        }
        let trainer = EmbeddedFineTuner(modelPath: try ModelOptions.localPath(of: model.model), threads: model.threads)
        var configuration = try options.configuration()
        let kinds = try solverKinds()
        configuration.training = PaDTrainingSettings(epochs: epochs, learningRate: lr, batchSize: batch, loraRank: loraRank,
                                                     loraAlpha: Double(2 * loraRank), maxSequenceLength: maxLength, seed: options.seed,
                                                     tuning: tuning, matmulPrecision: arithmetic)
        configuration.solvers = kinds
        if let embedded = loaded as? EmbeddedLanguageModel { configuration.prefixFormat = .chatTemplate(embedded.tokenizer) }
        configuration.trainChainOfThought = kinds.contains(.chainOfThought)
        configuration.refineSamplesPerQuestion = refineSamples
        configuration.refineRounds = refineRounds
        configuration.beamWidth = beamWidth
        configuration.candidatesPerStep = beamCandidates
        configuration.stepScorerWeight = stepScorerWeight
        switch stepScorer {
        case "likelihood": configuration.stepScorer = .likelihood
        case "trained": configuration.stepScorer = .trainedVerifier
        default:
            let scorer = stepScorer == model.model ? loaded
                : try ModelLoader.load(ModelOptions.uri(of: stepScorer), precision: model.precision.precision, threads: model.threads)
            configuration.stepScorer = .model(CachingLanguageModel(wrapping: scorer, store: store))
        }
        let teacher = try options.programTeacher(store: store, precision: model.precision, threads: model.threads,
                                                 reuse: (model.model, loaded))
        log("pad: \(options.task), \(configuration.train.count) training and \(configuration.test.count) test questions, " +
            "teacher \(teacher.source), run directory \(directory.path)")
        let pipeline = PaDPipeline(student: student, teacher: teacher, fineTuner: trainer, runDirectory: directory,
                                   configuration: configuration, store: store)
        let report = try await pipeline.run(log: log)
        if json {
            try JSONOutput.print(report)
            return
        }
        print(report.markdown)
        print("")
        print(String(format: "wall time %.0f s; run directory %@", Date().timeIntervalSince(start), directory.path))
    }
}
