/// The inputs of a pipeline run: a task's examples from a data file, or generated from a seed.
public struct TaskInputs: Sendable {
    /// The task.
    public var task: any DistillationTask
    /// The examples, in input order (positions are the run's item keys).
    public var examples: [TaskExample]
    /// The data file read, if any.
    public var dataFile: String?
    /// SHA-256 of the data file.
    public var dataHash: String?
    /// The seed of generated examples, if generated.
    public var dataSeed: UInt64?

    /// Tasks whose examples can be generated from a seed (`--count N --seed S`).
    public static let generatable = ["coin-flip", "last-letter"]

    /// Every task name the command line knows: the built-ins and `custom`.
    public static var names: [String] { BuiltinTasks.names + [CustomTaskSpec.taskName] }

    /// The task called `name`; `custom` is built from `custom` (required for it, refused for others).
    public static func task(named name: String, custom: CustomTaskSpec? = nil) throws -> any DistillationTask {
        if name == CustomTaskSpec.taskName {
            guard let custom else {
                throw PipelineError.missingInputs(task: name, reason: "a custom task needs its prompt template (--template or --template-file)")
            }
            return custom.task
        }
        if custom != nil {
            throw PipelineError.invalidOption(
                name: "--template/--template-file/--answer-kind/--answer-format", reason: "only for --task custom (task \(name) has its own)")
        }
        guard let task = BuiltinTasks.task(named: name) else {
            throw PipelineError.unknownTask(name: name, available: names)
        }
        return task
    }

    /// Reads the examples of task `name` from `data`, or generates `count` of them from `seed`;
    /// keeps the first `limit` when given. Task `custom` reads `{"input", "answer"?, "options"?}`
    /// records through `custom`'s template.
    public init(
        task name: String, data: String? = nil, count: Int? = nil, seed: UInt64 = 0, limit: Int? = nil, custom: CustomTaskSpec? = nil
    ) throws {
        let task = try Self.task(named: name, custom: custom)
        self.task = task
        if let limit, limit < 0 { throw PipelineError.invalidOption(name: "--limit", reason: "must be ≥ 0 (got \(limit))") }
        if let data {
            if count != nil {
                throw PipelineError.missingInputs(task: name, reason: "give either --data FILE or --count N, not both")
            }
            if let customTask = task as? CustomTask {
                examples = try customTask.load(path: data)
            } else {
                examples = try BuiltinTasks.load(taskNamed: name, path: data)
            }
            dataFile = data
            dataHash = try RunSettings.fingerprint(ofFile: data)
        } else {
            guard Self.generatable.contains(name) else {
                throw PipelineError.missingInputs(
                    task: name, reason: "needs --data FILE (only \(Self.generatable.joined(separator: ", ")) can be generated with --count)")
            }
            guard let n = count ?? limit else {
                throw PipelineError.missingInputs(task: name, reason: "give --count N (and --seed S) to generate inputs, or --data FILE")
            }
            guard n >= 0 else { throw PipelineError.invalidOption(name: "--count", reason: "must be ≥ 0 (got \(n))") }
            examples = name == "coin-flip" ? CoinFlipTask.generate(count: n, seed: seed) : LastLetterTask.generate(count: n, seed: seed)
            dataSeed = seed
        }
        if let limit { examples = Array(examples.prefix(limit)) }
    }
}
