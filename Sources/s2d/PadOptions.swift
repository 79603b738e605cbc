import ArgumentParser
import Distillation
import Foundation
import Inference
import ProgramAided

/// The flags of `s2d pad synthesize` / `distill`: the task and its splits, and the teacher.
struct PadTaskOptions: ParsableArguments {
    @Option(help: "Task: coin-flip or last-letter (inputs generated), any built-in task with --data, or custom (--template, --answer-kind) with --data.")
    var task = "coin-flip"
    @Option(help: "JSONL file of labelled examples read with the task's loader: the first --train are the training questions, the next --test the test ones (default: generated inputs).")
    var data: String?
    @Option(name: .customLong("test-data"), help: "JSONL file of the test questions (its first --test), instead of the ones after --train in --data.")
    var testData: String?
    @OptionGroup var custom: CustomTaskOptions
    @Option(help: "Training questions (programs are synthesised for them).") var train = 32
    @Option(help: "Test questions.") var test = 20
    @Option(help: "Words per last-letter input.") var words = 2
    @Option(name: .customLong("max-flips"), help: "Most people per coin-flip input.") var maxFlips = 4
    @Option(help: "Who writes the programs: gold (the task's gold programs, offline) or a model URI (embedded:smollm2-135m, gguf:PATH, openai:URL#model).")
    var teacher = "gold"
    @Option(help: "Programs a teacher model samples per question (k; default 4).") var samples: Int?
    /// The former name of --samples, still read.
    @Option(name: .customLong("samples-per-question"), help: .hidden) var samplesPerQuestionAlias: Int?
    @Option(name: .customLong("teacher-temperature"), help: "Sampling temperature of a teacher model.") var teacherTemperature = 0.7
    @Option(name: .customLong("max-tokens"), help: "Token bound of one program.") var maxTokens = 256
    @Option(help: "Questions in flight at once (the embedded engine batches them).") var concurrency = 4
    @Option(help: "Seed of the generated inputs and of every sampler.") var seed: UInt64 = 0

    /// Programs sampled per question: --samples (or its former name), 4 by default.
    var samplesPerQuestion: Int { samples ?? samplesPerQuestionAlias ?? 4 }

    func validate() throws {
        guard train > 0 else { throw ValidationError("--train must be ≥ 1 (got \(train))") }
        guard test >= 0 else { throw ValidationError("--test must be ≥ 0 (got \(test))") }
        if samples != nil, samplesPerQuestionAlias != nil { throw ValidationError("give --samples or its former name --samples-per-question, not both") }
        guard samplesPerQuestion > 0 else { throw ValidationError("--samples must be ≥ 1 (got \(samplesPerQuestion))") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be ≥ 1 (got \(concurrency))") }
        guard maxTokens > 0 else { throw ValidationError("--max-tokens must be ≥ 1 (got \(maxTokens))") }
        if testData != nil, data == nil { throw ValidationError("--test-data needs --data (the training questions come from --data)") }
        try custom.validate(task: task, data: data)
    }

    /// The task and its train and test questions: generated ones use the seeds of `s2d distill`
    /// (its teach and test splits), so both pipelines are scored on the same test questions.
    func splits() throws -> (task: any DistillationTask, train: [TaskExample], test: [TaskExample]) {
        let spec = try custom.spec(task: task)
        guard task == CustomTaskSpec.taskName || BuiltinTasks.task(named: task) != nil else {
            throw ValidationError("unknown task \"\(task)\" (known: \((BuiltinTasks.names + [CustomTaskSpec.taskName]).joined(separator: ", ")))")
        }
        if let data {
            let inputs = try TaskInputs(task: task, data: data, custom: spec)
            if let testData {
                guard inputs.examples.count >= train else { throw ValidationError("\(data): \(inputs.examples.count) examples, fewer than --train \(train)") }
                let tests = try TaskInputs(task: task, data: testData, limit: test, custom: spec).examples
                guard tests.count >= test else { throw ValidationError("\(testData): \(tests.count) examples, fewer than --test \(test)") }
                return (inputs.task, Array(inputs.examples.prefix(train)), tests)
            }
            guard inputs.examples.count >= train + test else {
                throw ValidationError("\(data): \(inputs.examples.count) examples, fewer than --train \(train) + --test \(test)")
            }
            return (inputs.task, Array(inputs.examples.prefix(train)), Array(inputs.examples.dropFirst(train).prefix(test)))
        }
        guard let builtin = BuiltinTasks.task(named: task), TaskInputs.generatable.contains(task) else {
            throw ValidationError("task \(task) reads its questions from a file: give --data FILE")
        }
        let generated = try EndToEndConfiguration(
            task: task, teachExamples: train, unlabeledInputs: 0, testItems: test, words: words, maxFlips: maxFlips, seed: seed
        ).splits()
        return (builtin, generated.teach, generated.test)
    }

    /// The teacher: `.gold`, or the model `--teacher` names, its calls cached in `store` so a
    /// re-run asks nothing twice. `reuse` is taken when it is the same URI (one engine, batched).
    func programTeacher(store: RunStore, precision: PrecisionArgument, threads: Int, reuse: (uri: String, model: any LanguageModel)? = nil) throws -> ProgramTeacher {
        if teacher == "gold" { return .gold }
        let loaded: any LanguageModel
        if let reuse, reuse.uri == teacher {
            loaded = reuse.model
        } else {
            loaded = try ModelLoader.load(ModelOptions.uri(of: teacher), precision: precision.precision, threads: threads)
        }
        return .model(CachingLanguageModel(wrapping: loaded, store: store), adapter: nil)
    }

    /// The PaD configuration of these flags (training settings and solvers at their defaults).
    func configuration() throws -> PaDConfiguration {
        let (task, train, test) = try splits()
        return PaDConfiguration(
            task: task, train: train, test: test, samplesPerQuestion: samplesPerQuestion,
            teacherParameters: SamplingParameters(maxTokens: maxTokens, temperature: teacherTemperature), seed: seed,
            concurrency: concurrency)
    }
}

extension PadTaskOptions {
    private static let sortedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// The flags that decide the training questions and their programs (`--test` and
    /// `--test-data` only matter to `distill`).
    var settings: [String: String] {
        var settings = ["task": task, "data": data ?? "", "train": "\(train)", "words": "\(words)", "max-flips": "\(maxFlips)",
         "teacher": teacher, "samples-per-question": "\(samplesPerQuestion)", "teacher-temperature": "\(teacherTemperature)",
         "max-tokens": "\(maxTokens)", "seed": "\(seed)"]
        // Only when given, so the settings of runs made before these flags stay equal.
        if let spec = try? custom.spec(task: task), let json = try? Self.sortedEncoder.encode(spec) {
            settings["custom-task"] = String(decoding: json, as: UTF8.self)
        }
        return settings
    }
}
