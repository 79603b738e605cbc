import Foundation
import Inference

/// Everything `s2d distill` decides: the task, the sizes of each split, sampling and training.
/// Stored in the run directory, so a re-run with other settings is refused rather than mixed.
public struct EndToEndConfiguration: Sendable, Hashable, Codable {
    /// A built-in task (`last-letter` and `coin-flip` generate their examples; the others read
    /// `data`) or `custom` (with `customTask` and `data`).
    public var task: String
    /// A JSONL file of the task's examples: teach, unlabeled and (without `testData`) test
    /// examples are drawn from it, shuffled by the seed, in that order. Nil: generated examples.
    public var data: String?
    /// SHA-256 of `data` (set when the run opens), so a run refuses a file that changed under it.
    public var dataHash: String?
    /// A separate JSONL file of test examples (its first `testItems`, in file order).
    public var testData: String?
    /// SHA-256 of `testData`.
    public var testDataHash: String?
    /// The prompt template and answer kind of task `custom`.
    public var customTask: CustomTaskSpec?
    /// The System 2 method (a `MethodLibrary` name, `cot` by default, or a method YAML file).
    public var method: String
    /// A folder of method YAML files that adds to and overrides the built-ins.
    public var methodsDir: String?
    /// SHA-256 of the method's program when it is not a built-in (set when the run opens), so
    /// a run refuses a method file edited under it.
    public var methodHash: String?
    /// Labeled examples with gold chain of thought to teach System 2 on; 0 skips teaching.
    public var teachExamples: Int
    /// Unlabeled inputs System 2 answers for distillation.
    public var unlabeledInputs: Int
    /// Samples per unlabeled input for the self-consistency vote.
    public var samples: Int
    /// Share of the samples the winning answer needs.
    public var minAgreement: Double
    public var temperature: Double
    /// Labeled test inputs for evaluation.
    public var testItems: Int
    /// System 2 at evaluation: 1 = greedy, k = majority over k samples.
    public var system2Samples: Int
    /// Generated-token bound of System 2 calls.
    public var maxTokens: Int
    public var teachEpochs: Int
    public var distillEpochs: Int
    public var learningRate: Double
    public var loraRank: Int
    public var batchSize: Int
    /// Words per last-letter input.
    public var words: Int
    /// Most people per coin-flip input.
    public var maxFlips: Int
    /// Another built-in task to check for regressions on (nil: none).
    public var regressionTask: String?
    public var seed: UInt64
    /// The rule the run's sample seeds are derived by (`SampleSeed.rule`); nil in a config.json
    /// from before the field existed (rule 1: seed + j for every input).
    public var seedRule: Int?
    /// Generate's adaptive voting: an input stops sampling once its vote is decided.
    public var adaptive: Bool
    /// How System 1 is trained on the curated set.
    public var schedule: DistillationSchedule
    /// The stages of `.internalize` (nil with `.direct`); `distillEpochs` is then unused.
    public var internalization: InternalizationSchedule?
    /// The model distilled System 1 starts from (the taught one when there is one, by default).
    public var distillFrom: DistillationStart
    /// LoRA adapters or fully fine-tuned models, for every fine-tune of the run.
    public var tuning: Tuning
    /// The model URI of a separate teacher (`s2d distill --teacher`, e.g. a large model behind an
    /// OpenAI-compatible server): it answers the unlabeled inputs by System 2 and is evaluated as
    /// System 2, and nothing is taught. Nil: the student (taught or not) is its own teacher.
    public var teacher: String?
    /// Also sample the task's perturbed inputs (shuffled options, swapped responses) and keep
    /// only answers that survive them (`s2d generate --perturb`).
    public var perturb: Bool
    /// How curation decides an input: a self-consistency vote, or universal self-consistency
    /// (the System 2 model picks the most consistent of its responses).
    public var curation: CurationMode
    /// The arithmetic of every fine-tune's products with the model's weights.
    public var matmulPrecision: MatmulPrecision

    /// Samples per request with `adaptive` (as `s2d generate --adaptive` by default).
    public static let adaptiveChunk = 2

    public init(
        task: String, method: String = "cot", teachExamples: Int = 64, unlabeledInputs: Int = 64, samples: Int = 4,
        minAgreement: Double = 0.75, temperature: Double = 0.7, testItems: Int = 40, system2Samples: Int = 1,
        maxTokens: Int = 120, teachEpochs: Int = 3, distillEpochs: Int = 3, learningRate: Double = 2e-3, loraRank: Int = 16,
        batchSize: Int = 8, words: Int = 2, maxFlips: Int = 4, regressionTask: String? = nil, seed: UInt64 = 0,
        adaptive: Bool = false, schedule: DistillationSchedule = .direct, internalization: InternalizationSchedule? = nil,
        distillFrom: DistillationStart = .taught, tuning: Tuning = .lora, data: String? = nil, testData: String? = nil,
        customTask: CustomTaskSpec? = nil, methodsDir: String? = nil, teacher: String? = nil, perturb: Bool = false,
        curation: CurationMode = .vote, matmulPrecision: MatmulPrecision = .float32
    ) {
        self.task = task
        self.matmulPrecision = matmulPrecision
        self.teacher = teacher
        self.perturb = perturb
        self.curation = curation
        self.methodsDir = methodsDir
        self.data = data
        self.testData = testData
        self.customTask = customTask
        self.method = method
        self.teachExamples = teachExamples
        self.unlabeledInputs = unlabeledInputs
        self.samples = samples
        self.minAgreement = minAgreement
        self.temperature = temperature
        self.testItems = testItems
        self.system2Samples = system2Samples
        self.maxTokens = maxTokens
        self.teachEpochs = teachEpochs
        self.distillEpochs = distillEpochs
        self.learningRate = learningRate
        self.loraRank = loraRank
        self.batchSize = batchSize
        self.words = words
        self.maxFlips = maxFlips
        self.regressionTask = regressionTask
        self.seed = seed
        seedRule = SampleSeed.rule
        self.adaptive = adaptive
        self.schedule = schedule
        self.internalization = schedule == .internalize ? (internalization ?? InternalizationSchedule()) : nil
        self.distillFrom = distillFrom
        self.tuning = tuning
    }

    /// Reads a config.json; the fields added since the first version (seed rule, adaptive,
    /// schedule, distillFrom, tuning) may be missing, so that an old run directory is read and then refused with a
    /// message that says why, instead of failing to decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        method = try c.decode(String.self, forKey: .method)
        teachExamples = try c.decode(Int.self, forKey: .teachExamples)
        unlabeledInputs = try c.decode(Int.self, forKey: .unlabeledInputs)
        samples = try c.decode(Int.self, forKey: .samples)
        minAgreement = try c.decode(Double.self, forKey: .minAgreement)
        temperature = try c.decode(Double.self, forKey: .temperature)
        testItems = try c.decode(Int.self, forKey: .testItems)
        system2Samples = try c.decode(Int.self, forKey: .system2Samples)
        maxTokens = try c.decode(Int.self, forKey: .maxTokens)
        teachEpochs = try c.decode(Int.self, forKey: .teachEpochs)
        distillEpochs = try c.decode(Int.self, forKey: .distillEpochs)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        loraRank = try c.decode(Int.self, forKey: .loraRank)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        words = try c.decode(Int.self, forKey: .words)
        maxFlips = try c.decode(Int.self, forKey: .maxFlips)
        regressionTask = try c.decodeIfPresent(String.self, forKey: .regressionTask)
        seed = try c.decode(UInt64.self, forKey: .seed)
        seedRule = try c.decodeIfPresent(Int.self, forKey: .seedRule)
        adaptive = try c.decodeIfPresent(Bool.self, forKey: .adaptive) ?? false
        schedule = try c.decodeIfPresent(DistillationSchedule.self, forKey: .schedule) ?? .direct
        internalization = try c.decodeIfPresent(InternalizationSchedule.self, forKey: .internalization)
        // Runs from before the field continued from the taught model.
        distillFrom = try c.decodeIfPresent(DistillationStart.self, forKey: .distillFrom) ?? .taught
        tuning = try c.decodeIfPresent(Tuning.self, forKey: .tuning) ?? .lora
        data = try c.decodeIfPresent(String.self, forKey: .data)
        dataHash = try c.decodeIfPresent(String.self, forKey: .dataHash)
        testData = try c.decodeIfPresent(String.self, forKey: .testData)
        testDataHash = try c.decodeIfPresent(String.self, forKey: .testDataHash)
        customTask = try c.decodeIfPresent(CustomTaskSpec.self, forKey: .customTask)
        methodsDir = try c.decodeIfPresent(String.self, forKey: .methodsDir)
        methodHash = try c.decodeIfPresent(String.self, forKey: .methodHash)
        teacher = try c.decodeIfPresent(String.self, forKey: .teacher)
        perturb = try c.decodeIfPresent(Bool.self, forKey: .perturb) ?? false
        curation = try c.decodeIfPresent(CurationMode.self, forKey: .curation) ?? .vote
        // Runs from before the field trained in float32.
        matmulPrecision = try c.decodeIfPresent(MatmulPrecision.self, forKey: .matmulPrecision) ?? .float32
    }

    /// The run's method, from `methodsDir` over the built-ins (or a method file), and the
    /// configuration with its `methodHash` when it is not a built-in.
    public func resolvedMethod(builtins: MethodLibrary = .builtin) throws -> (Method, EndToEndConfiguration) {
        let library = try methodsDir.map { try MethodLibrary(directory: $0) } ?? builtins
        let method = try library.method(named: self.method)
        var copy = self
        copy.methodHash = builtins.methods[self.method] == method ? nil : RunSettings.fingerprint(of: method)
        return (method, copy)
    }

    /// The run's task: a built-in one, or `custom` from `customTask`.
    public func resolvedTask() throws -> any DistillationTask {
        let task = try TaskInputs.task(named: self.task, custom: customTask)
        guard data != nil || TaskInputs.generatable.contains(self.task) else {
            throw EndToEndError.needsData(task: self.task)
        }
        if testData != nil, data == nil { throw EndToEndError.testDataWithoutData }
        if let refusal = curation.refusal(answerKind: task.answerKind, adaptive: adaptive, perturb: perturb) { throw refusal }
        return task
    }

    /// With the SHA-256 of its data files filled in (they are read now).
    public func fingerprintingData() throws -> EndToEndConfiguration {
        var copy = self
        copy.dataHash = try data.map(RunSettings.fingerprint(ofFile:))
        copy.testDataHash = try testData.map(RunSettings.fingerprint(ofFile:))
        return copy
    }

    /// The three disjoint splits: teach (labeled, gold rationales), unlabeled (labels never read
    /// by curation; kept only to report label accuracy), test. Generated tasks draw each with its
    /// own seed; a data file is shuffled by the seed and cut in that order. Another task's
    /// splits (`taskName`, the regression check) are always generated.
    public func splits(for taskName: String? = nil) throws -> (teach: [TaskExample], unlabeled: [TaskExample], test: [TaskExample]) {
        let name = taskName ?? task
        if name == task, let data { return try splits(fromFile: data) }
        func draw(_ count: Int, _ salt: UInt64) throws -> [TaskExample] {
            let s = seed &* 1000 &+ salt
            switch name {
            case "last-letter": return LastLetterTask.generate(count: count, wordCount: words, seed: s)
            case "coin-flip": return CoinFlipTask.generate(count: count, flips: 1...max(1, maxFlips), seed: s)
            default: throw EndToEndError.unsupportedTask(name)
            }
        }
        return (try draw(teachExamples, 11), try draw(unlabeledInputs, 22), try draw(testItems, 33))
    }

    private func splits(fromFile data: String) throws -> (teach: [TaskExample], unlabeled: [TaskExample], test: [TaskExample]) {
        var examples = try TaskInputs(task: task, data: data, custom: customTask).examples
        var random = SeededGenerator(seed: seed &* 1000 &+ 44)
        for i in stride(from: examples.count - 1, to: 0, by: -1) { examples.swapAt(i, random.int(in: 0...i)) }
        let trainCount = teachExamples + unlabeledInputs
        let needed = trainCount + (testData == nil ? testItems : 0)
        guard examples.count >= needed else {
            throw EndToEndError.notEnoughExamples(
                file: data, examples: examples.count,
                needed: "\(teachExamples) to teach + \(unlabeledInputs) unlabeled" + (testData == nil ? " + \(testItems) test" : ""))
        }
        let teach = Array(examples[0..<teachExamples])
        let unlabeled = Array(examples[teachExamples..<trainCount])
        var test = Array(examples[trainCount..<needed])
        var testFile = data
        if let testData {
            let all = try TaskInputs(task: task, data: testData, custom: customTask).examples
            guard all.count >= testItems else {
                throw EndToEndError.notEnoughExamples(file: testData, examples: all.count, needed: "\(testItems) test")
            }
            test = Array(all.prefix(testItems))
            testFile = testData
        }
        if let unlabeledTest = test.first(where: { $0.answer == nil }) {
            throw EndToEndError.unlabeledTestExample(file: testFile, id: unlabeledTest.id)
        }
        if teachExamples > 0, teach.allSatisfy({ $0.rationale == nil }) {
            throw EndToEndError.noGoldRationales(file: data, task: task)
        }
        return (teach, unlabeled, test)
    }
}

/// config.json: compared field by field (its JSON fields, named as stored).
extension EndToEndConfiguration: SeedRuledSettings {}

/// Why an end-to-end run cannot go on.
public enum EndToEndError: Error, Sendable, CustomStringConvertible {
    case unsupportedTask(String)
    case nothingAccepted(inputs: Int)
    case missingStage(String)
    case needsData(task: String)
    case testDataWithoutData
    case notEnoughExamples(file: String, examples: Int, needed: String)
    case unlabeledTestExample(file: String, id: String)
    case noGoldRationales(file: String, task: String)
    /// A run with its own teacher has nothing to teach (the teacher already does System 2).
    case teachWithTeacher(teacher: String)
    /// The teacher given to the run is not the one its configuration names.
    case otherTeacher(configured: String?, given: String?)

    public var description: String {
        switch self {
        case .unsupportedTask(let t): return "task \"\(t)\" is not one s2d distill knows"
        case .needsData(let t): return "task \(t) reads its examples from a file: give --data FILE.jsonl (only \(TaskInputs.generatable.joined(separator: " and ")) are generated)"
        case .testDataWithoutData: return "--test-data needs --data (the teach and unlabeled examples come from --data)"
        case let .notEnoughExamples(file, examples, needed):
            return "\(file): \(examples) examples, but the run needs \(needed) (lower --teach, --inputs or --test)"
        case let .unlabeledTestExample(file, id): return "\(file): test example \(id) has no answer; test examples must be labeled"
        case let .noGoldRationales(file, task):
            return "\(file): no example of task \(task) carries a gold rationale to teach System 2 on; use --teach 0 (System 2 is then the model as it is)"
        case .nothingAccepted(let n): return "curate: none of \(n) inputs passed the self-consistency vote; nothing to distil (raise --samples or lower --min-agreement)"
        case .missingStage(let s): return "stage \(s) has not finished in this run directory; run it first"
        case .teachWithTeacher(let t):
            return "--teach: the teacher \(t) answers by System 2 as it is, so nothing is taught; leave --teach out (or give --teach 0)"
        case let .otherTeacher(configured, given):
            return "the run's teacher is \(configured ?? "the student itself"), but \(given ?? "no teacher") was given"
        }
    }
}
