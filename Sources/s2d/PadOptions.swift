import ArgumentParser
import Distillation
import Foundation
import Inference
import ProgramAided

/// The flags of `s2d pad synthesize` / `distill`: the task and its splits, and the teacher.
struct PadTaskOptions: ParsableArguments {
    @Option(help: "Task: coin-flip or last-letter (inputs generated), or any built-in task with --data.") var task = "coin-flip"
    @Option(help: "JSONL file of labelled examples read with the task's loader (default: generated inputs).") var data: String?
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
    }

    /// The task and its train and test questions: generated ones use the seeds of `s2d distill`
    /// (its teach and test splits), so both pipelines are scored on the same test questions.
    func splits() throws -> (task: any DistillationTask, train: [TaskExample], test: [TaskExample]) {
        guard let builtin = BuiltinTasks.task(named: task) else {
            throw ValidationError("unknown task \"\(task)\" (known: \(BuiltinTasks.names.joined(separator: ", ")))")
        }
        if let data {
            let all = try BuiltinTasks.load(taskNamed: task, path: data)
            guard all.count >= train + test else {
                throw ValidationError("\(data): \(all.count) examples, fewer than --train \(train) + --test \(test)")
            }
            return (builtin, Array(all.prefix(train)), Array(all.dropFirst(train).prefix(test)))
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
    /// The flags that decide the training questions and their programs (`--test` only matters to `distill`).
    var settings: [String: String] {
        ["task": task, "data": data ?? "", "train": "\(train)", "words": "\(words)", "max-flips": "\(maxFlips)",
         "teacher": teacher, "samples-per-question": "\(samplesPerQuestion)", "teacher-temperature": "\(teacherTemperature)",
         "max-tokens": "\(maxTokens)", "seed": "\(seed)"]
    }
}
