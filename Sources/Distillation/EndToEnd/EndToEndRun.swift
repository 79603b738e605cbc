import Foundation
import Inference

/// The whole pipeline in one run directory: teach → generate + curate → train → evaluate →
/// regression check. Each stage records its statistics in the RunStore's stages table when it
/// finishes; a re-run skips finished stages, and model calls of an interrupted stage come back
/// from the call cache, so a killed run resumes where it stopped.
///
/// Model plan: `taught` = LoRA on (System 2 prompt → gold chain of thought); System 1 and
/// System 2 are both evaluated with `taught` (so they differ only by prompt); `distilled` =
/// training on the curated (System 1 prompt → answer) pairs from a fresh adapter or from
/// `taught` (`EndToEndConfiguration.distillFrom`), in one fine-tune (`.direct`) or in stages
/// that remove the curated reasoning step by step (`.internalize`, `InternalizationSchedule`).
/// With a separate teacher (`EndToEndConfiguration.teacher`, e.g. a large model on a server)
/// nothing is taught: the teacher answers the unlabeled inputs and is System 2 at evaluation,
/// and the student's System 1 is evaluated before and after.
public struct EndToEndRun: Sendable {
    public let directory: URL
    public let configuration: EndToEndConfiguration
    public let task: any DistillationTask
    public let method: Method
    public let store: RunStore
    /// The model that serves the adapters (loaded by name).
    public let model: any AdapterServing
    /// Every call goes through this cache.
    public let cached: CachingLanguageModel
    /// The separate teacher's calls, cached in the same store (nil: the student is its own teacher).
    public let cachedTeacher: CachingLanguageModel?
    public let fineTuner: any FineTuner
    /// Progress lines.
    public let log: @Sendable (String) -> Void

    public static let taughtAdapter = "taught"
    public static let distilledAdapter = "distilled"

    /// Opens (or creates) the run directory; refuses one started with other settings, or under
    /// another seed rule (its samples could not be continued or reproduced). `teacher` is the
    /// model `configuration.teacher` names (nil when it names none).
    public init(
        directory: URL, configuration: EndToEndConfiguration, model: any AdapterServing, teacher: (any LanguageModel)? = nil,
        fineTuner: any FineTuner, methods: MethodLibrary = .builtin, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        guard configuration.teacher == teacher?.identifier else {
            throw EndToEndError.otherTeacher(configured: configuration.teacher, given: teacher?.identifier)
        }
        if let teacher, configuration.teachExamples > 0 { throw EndToEndError.teachWithTeacher(teacher: teacher.identifier) }
        var task = try configuration.resolvedTask()
        let (method, configuration) = try configuration.fingerprintingData().resolvedMethod(builtins: methods)
        // A task read from a file has no few-shot examples of its own: a method that shows
        // some takes them from the teach split (gold chains of thought), never from the test split.
        if method.usesExemplars, task.fewShotExemplars.isEmpty, configuration.data != nil {
            task = TaskWithExemplars(task, exemplars: try configuration.splits().teach)
        }
        let file = Self.configurationFile(in: directory)
        try file.refuseOtherSeedRule(than: configuration)
        let store = try RunStore(directory: directory)  // creates the directory and holds its lock
        self.store = store
        try file.record(configuration)
        self.directory = directory
        self.configuration = configuration
        self.task = task
        self.method = method
        self.model = model
        self.cached = CachingLanguageModel(wrapping: model, store: store)
        self.cachedTeacher = teacher.map { CachingLanguageModel(wrapping: $0, store: store) }
        self.fineTuner = fineTuner
        self.log = log
    }

    /// The run's settings file, `config.json`.
    public static func configurationFile(in directory: URL) -> RunSettingsFile<EndToEndConfiguration> {
        RunSettingsFile(directory: directory, name: "config.json")
    }

    var teaches: Bool { configuration.teachExamples > 0 }
    /// The model that answers by System 2: the separate teacher, or the (taught) student.
    var system2Model: any LanguageModel { cachedTeacher ?? cached }
    /// The adapter System 1 and System 2 use (nil: the base model).
    var teacherAdapter: String? { teaches ? Self.taughtAdapter : nil }
    func adapterURL(_ name: String) -> URL { directory.appendingPathComponent("adapters/\(name)") }
    public var teachDataURL: URL { directory.appendingPathComponent("teach.jsonl") }
    public var distillDataURL: URL { directory.appendingPathComponent("distill.jsonl") }
    public var rejectedURL: URL { directory.appendingPathComponent("rejected.jsonl") }
    /// The accepted inputs' winning System 2 outputs, for the internalization schedule.
    public var rationalesURL: URL { directory.appendingPathComponent(CuratedRationale.fileName) }

    /// Runs every stage not yet finished, then the curve points for `curveSizes` × `curveSchedules`
    /// (none by default; internalize points under `curveInternalization`), then writes eval.json,
    /// report.md and report.html.
    @discardableResult
    public func runAll(
        curveSizes: [Int] = [], curveSchedules: [DistillationSchedule] = DistillationSchedule.allCases,
        curveInternalization: InternalizationSchedule = InternalizationSchedule()
    ) async throws -> RunReport {
        let teach = teaches ? try await self.teach() : nil
        let curate = try await self.curate()
        guard curate.accepted > 0 else {
            // Nothing passed the vote: the report still says what System 1 and System 2 do and why
            // nothing was distilled, instead of the run ending in an error without one.
            log("curate: none of \(curate.inputs) inputs passed the self-consistency vote; nothing to distil")
            let report = RunReport(configuration: configuration, teach: teach, curate: curate, train: nil, eval: try await evaluate(), regression: nil, curve: nil)
            try ReportWriter.write(report, to: directory)
            return report
        }
        let train = try await self.train()
        let eval = try await self.evaluate()
        let regression = configuration.regressionTask == nil ? nil : try await self.regression()
        let curve = curveSizes.isEmpty ? nil : try await self.curve(
                sizes: curveSizes, schedules: curveSchedules, internalization: curveInternalization, eval: eval, train: train)
        let report = RunReport(
            configuration: configuration, teach: teach, curate: curate, train: train, eval: eval, regression: regression, curve: curve)
        try ReportWriter.write(report, to: directory)
        return report
    }

    /// Runs `body` unless stage `name` already finished (then returns its stored statistics).
    func stage<S: Codable & Sendable>(_ name: String, _ body: () async throws -> S) async throws -> S {
        if try await store.isStageFinished(name), let stats = try await store.stageStats(name, as: S.self) {
            log("\(name): already done, skipped")
            return stats
        }
        try await store.beginStage(name)
        do {
            let stats = try await body()
            try await store.finishStage(name, stats: stats)
            return stats
        } catch {
            try? await store.failStage(name, message: "\(error)")
            throw error
        }
    }

    /// Loads the adapters whose stages finished (needed again in every process).
    func loadAdapter(_ name: String) async throws {
        try await model.loadAdapter(named: name, from: adapterURL(name))
    }

    /// Model calls made by this process so far (the student's and the teacher's; cache hits are not calls).
    var modelCalls: Int { cached.statistics.modelCalls + (cachedTeacher?.statistics.modelCalls ?? 0) }

    func cost(_ stage: String, since start: ContinuousClock.Instant, callsBefore: Int, tokens: Int) -> StageCost {
        StageCost(stage: stage, seconds: Evaluator.seconds(since: start), modelCalls: modelCalls - callsBefore, tokens: tokens)
    }

    // MARK: stages

    /// Teach: LoRA on the gold rationales (chains of thought, or programs for a program method)
    /// under the System 2 prompt → adapter `taught`.
    public func teach() async throws -> TeachStats {
        let stats: TeachStats = try await stage("teach") {
            let start = ContinuousClock.now
            let calls0 = modelCalls
            let records = try TeachData.records(task: task, method: method, examples: try configuration.splits().teach)
            try TeachData.write(records, to: teachDataURL)
            log("teach: \(records.count) gold \(method.answerFrom == .program ? "programs" : "chains of thought"), \(configuration.teachEpochs) epochs")
            let report = try await fineTune(data: teachDataURL, output: adapterURL(Self.taughtAdapter), initial: nil, epochs: configuration.teachEpochs, label: "teach")
            return TeachStats(examples: records.count, fineTune: report, cost: cost("teach", since: start, callsBefore: calls0, tokens: report.trainedTokens))
        }
        try await loadAdapter(Self.taughtAdapter)
        return stats
    }

    /// The generate/curate sub-run: a `DistillationRun` in `curation/` (its own run.json and
    /// run.sqlite), so `s2d distill` and `s2d generate` + `s2d curate` share one code path.
    public var curationDirectory: URL { directory.appendingPathComponent("curation") }

    /// Generate + curate: `GenerateStage` (System 2 samples on the unlabeled inputs, stored per
    /// input, resumable) then `CurateStage` (self-consistency vote) in the `curation/` sub-run;
    /// its distill.jsonl (System 1 prompt → answer), rationales.jsonl and rejected.jsonl are copied here.
    public func curate() async throws -> CurateStats {
        if teaches, try await store.isStageFinished("teach") { try await loadAdapter(Self.taughtAdapter) }
        return try await stage("curate") {
            let start = ContinuousClock.now
            let inputs = try configuration.splits().unlabeled
            // The sub-run names the teacher adapter by content, as `s2d generate --adapter` does.
            var adapterPath: String?
            var adapterHash: String?
            if teaches {
                let path = adapterURL(Self.taughtAdapter).path
                let hash = try AdapterFingerprint.hash(ofFolder: path).hex
                try await model.loadAdapter(named: AdapterFingerprint.requestName(hash: hash), from: adapterURL(Self.taughtAdapter))
                adapterPath = path
                adapterHash = hash
            }
            // The sub-run caches its own calls, so it gets the bare teacher, not this run's cache.
            let generator: any LanguageModel = cachedTeacher?.base ?? model
            let settings = RunSettings(
                task: configuration.task, dataFile: configuration.data, dataHash: configuration.dataHash, dataSeed: configuration.seed, method: method, samples: configuration.samples, model: generator.identifier,
                adapter: adapterPath, adapterHash: adapterHash,
                parameters: SamplingParameters(maxTokens: configuration.maxTokens, temperature: configuration.temperature, seed: configuration.seed &+ 7),
                adaptive: configuration.adaptive, adaptiveChunk: EndToEndConfiguration.adaptiveChunk, perturb: configuration.perturb,
                minAgreement: configuration.minAgreement, customTask: configuration.customTask)
            let run = try DistillationRun(directory: curationDirectory, settings: settings)
            log("curate: \(inputs.count) unlabeled inputs x \(configuration.samples) samples of \(method.name)"
                + (configuration.perturb ? " (and of each input's perturbations)" : "") + (configuration.curation == .usc ? ", chosen by universal self-consistency" : ""))
            let log = self.log
            let generated = try await GenerateStage(run: run, task: task, method: method, concurrency: max(1, inputs.count))
                .generate(inputs: inputs, model: generator) { p in
                    let done = p.done - p.doneBefore, todo = p.total - p.doneBefore
                    if done > 0, done % max(1, todo / 4) == 0 { log("curate: \(p.done)/\(p.total)") }
                }
            // Universal self-consistency asks the model that answered (and its adapter) to choose.
            let curated = try await CurateStage(run: run, mode: configuration.curation)
                .curate(model: configuration.curation == .usc ? generator : nil)
            let stats = curated.stats
            for name in [CurateStage.distillFileName, CurateStage.rejectedFileName, CuratedRationale.fileName] {
                try AtomicFile.write(try Data(contentsOf: run.file(name)), to: directory.appendingPathComponent(name))
            }
            var histogram = [Int](repeating: 0, count: configuration.samples + 1)
            for (key, count) in stats.voteDistribution {
                let votes = Int(key.prefix { $0 != "/" }) ?? 0
                histogram[min(configuration.samples, votes)] += count
            }
            log("curate: accepted \(stats.accepted)/\(stats.inputs) (curated labels \(stats.acceptedCorrect)/\(stats.accepted) right)")
            let generateCost = stats.stages[GenerateStage.name] ?? .init()
            return CurateStats(
                inputs: stats.inputs, accepted: stats.accepted, acceptedCorrect: stats.acceptedCorrect, voteHistogram: histogram,
                rejections: stats.rejectionReasons,
                cost: StageCost(
                    stage: "curate", seconds: Evaluator.seconds(since: start), modelCalls: generated.modelCalls,
                    tokens: generateCost.generatedTokens))
        }
    }

    /// The adapter distilled System 1 starts from: `taught` when the configuration says so and
    /// there is one, else nil (a fresh adapter on the base model).
    var distillationStart: URL? {
        teaches && configuration.distillFrom == .taught ? adapterURL(Self.taughtAdapter) : nil
    }

    /// Train: from `distillationStart` on the curated set → `distilled`, in one fine-tune on the
    /// final answers, or in internalization stages (`trainInStages`).
    public func train() async throws -> TrainStats {
        let stats: TrainStats = try await stage("train") {
            guard try await store.isStageFinished("curate") else { throw EndToEndError.missingStage("curate") }
            if configuration.schedule == .internalize {
                return try await trainInStages(configuration.internalization ?? InternalizationSchedule())
            }
            let start = ContinuousClock.now
            let calls0 = modelCalls
            let lines = try String(contentsOf: distillDataURL, encoding: .utf8).split(separator: "\n").count
            guard lines > 0 else { throw EndToEndError.nothingAccepted(inputs: configuration.unlabeledInputs) }
            log("train: \(lines) curated answers, \(configuration.distillEpochs) epochs, from \(distillationStart == nil ? "the base model" : "taught")")
            let report = try await fineTune(
                data: distillDataURL, output: adapterURL(Self.distilledAdapter), initial: distillationStart,
                epochs: configuration.distillEpochs, label: "train")
            return TrainStats(records: lines, fineTune: report, cost: cost("train", since: start, callsBefore: calls0, tokens: report.trainedTokens))
        }
        try await loadAdapter(Self.distilledAdapter)
        return stats
    }

    /// Whether curation accepted anything to distil (when it accepted nothing, the run has no
    /// distilled System 1 and evaluates only the others).
    func hasCuratedInputs() async throws -> Bool {
        try await store.stageStats("curate", as: CurateStats.self).map { $0.accepted > 0 } ?? true
    }

    /// The systems compared on the test split. With a separate teacher: the student's System 1,
    /// the teacher's System 2 and distilled System 1. Without `distilled`, the last is left out.
    public func systems(distilled includesDistilled: Bool = true) throws -> [EvaluationSystem] {
        let all = try allSystems()
        return includesDistilled ? all : all.filter { $0.adapter != Self.distilledAdapter }
    }

    private func allSystems() throws -> [EvaluationSystem] {
        let system1 = MethodLibrary.system1(for: task.answerKind)
        let distilled = EvaluationSystem(
            name: "Distilled System 1", method: system1, adapter: Self.distilledAdapter, temperature: configuration.temperature, maxTokens: 48,
            withConfidence: true, agreementSamples: 2)
        let system2Name = "System 2 (\(method.name)\(configuration.system2Samples > 1 ? ", maj@\(configuration.system2Samples)" : ""))"
        if cachedTeacher != nil {
            return [
                EvaluationSystem(name: "Student System 1", method: system1, adapter: nil, maxTokens: 48, withConfidence: true),
                EvaluationSystem(
                    name: "Teacher " + system2Name, method: method, samples: configuration.system2Samples, temperature: configuration.temperature,
                    maxTokens: configuration.maxTokens, onTeacher: true),
                distilled,
            ]
        }
        var out: [EvaluationSystem] = []
        if teaches { out.append(EvaluationSystem(name: "Base System 1", method: system1, adapter: nil, maxTokens: 48, withConfidence: true)) }
        out.append(EvaluationSystem(name: teaches ? "System 1 (taught)" : "System 1", method: system1, adapter: teacherAdapter, maxTokens: 48, withConfidence: true))
        out.append(EvaluationSystem(
            name: system2Name, method: method, adapter: teacherAdapter, samples: configuration.system2Samples,
            temperature: configuration.temperature, maxTokens: configuration.maxTokens))
        out.append(distilled)
        return out
    }

    /// Evaluate: every system on the labeled test split, the router sweep and the verdict (the
    /// last two need distilled System 1, which a run that curated nothing has not).
    public func evaluate() async throws -> EvalStats {
        let distilled = try await hasCuratedInputs()
        try await ensureAdapters(distilled: distilled)
        return try await stage("eval") {
            let start = ContinuousClock.now
            let calls0 = modelCalls
            let test = try configuration.splits().test
            let evaluator = Evaluator(task: task, seed: configuration.seed &+ 99)
            var results: [SystemEvaluation] = []
            for system in try systems(distilled: distilled) {
                let answering: any LanguageModel = system.onTeacher ? system2Model : cached
                let r = try await evaluator.evaluateWithTaskMetrics(system, on: test, model: answering)
                log("eval: " + r.summaryLine)
                results.append(r)
            }
            let tokens = results.reduce(0) { $0 + $1.predictions.reduce(0) { $0 + $1.generatedTokens } }
            guard distilled else {
                return EvalStats(task: task.name, systems: results, router: [], verdict: nil, cost: cost("eval", since: start, callsBefore: calls0, tokens: tokens))
            }
            let n = results.count
            // The baseline is the fast answer: with a teach stage, the base model's System 1, since
            // the taught model writes its reasoning even under the System 1 prompt.
            let s1 = results[0], s2 = results[n - 2], distilled = results[n - 1]
            let router = Router.sweep(system1: distilled.predictions, system2: s2.predictions)
            let agreementRouter = Router.sweep(system1: distilled.predictions, system2: s2.predictions, signal: .agreement)
            return EvalStats(
                task: task.name, systems: results, router: router, agreementRouter: agreementRouter,
                verdict: DistillabilityVerdict(task: task.name, system1: s1, system2: s2, distilled: distilled),
                cost: cost("eval", since: start, callsBefore: calls0, tokens: tokens))
        }
    }

    /// Regression: base and distilled System 1 on the other task (not distilled).
    public func regression() async throws -> RegressionStats {
        try await ensureAdapters()
        return try await stage("regression") {
            let start = ContinuousClock.now
            let calls0 = modelCalls
            let name = configuration.regressionTask ?? (task.name == "coin-flip" ? "last-letter" : "coin-flip")
            guard let other = BuiltinTasks.task(named: name) else { throw EndToEndError.unsupportedTask(name) }
            let test = try configuration.splits(for: name).test
            let system1 = MethodLibrary.system1(for: other.answerKind)
            let evaluator = Evaluator(task: other, seed: configuration.seed &+ 99)
            let base = try await evaluator.evaluate(EvaluationSystem(name: "Base System 1", method: system1, maxTokens: 48), on: test, model: cached)
            let distilled = try await evaluator.evaluate(
                EvaluationSystem(name: "Distilled System 1", method: system1, adapter: Self.distilledAdapter, maxTokens: 48), on: test, model: cached)
            let change = distilled.accuracy.rate - base.accuracy.rate
            log("regression on \(name): base \(base.accuracy.formatted) → distilled \(distilled.accuracy.formatted)")
            let tokens = base.predictions.reduce(0) { $0 + $1.generatedTokens } + distilled.predictions.reduce(0) { $0 + $1.generatedTokens }
            return RegressionStats(
                task: name, systems: [base, distilled], change: change, significantDrop: distilled.accuracy.upper < base.accuracy.rate,
                cost: cost("regression", since: start, callsBefore: calls0, tokens: tokens))
        }
    }

    func ensureAdapters(distilled: Bool = true) async throws {
        if teaches {
            guard try await store.isStageFinished("teach") else { throw EndToEndError.missingStage("teach") }
            try await loadAdapter(Self.taughtAdapter)
        }
        guard distilled else { return }
        guard try await store.isStageFinished("train") else { throw EndToEndError.missingStage("train") }
        try await loadAdapter(Self.distilledAdapter)
    }

    func fineTune(data: URL, output: URL, initial: URL?, epochs: Int, label: String) async throws -> FineTuneReport {
        let job = FineTuneJob(
            trainData: data, output: output, initialAdapter: initial, tuning: configuration.tuning, epochs: epochs,
            learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, loraRank: configuration.loraRank, loraAlpha: Double(2 * configuration.loraRank),
            maxSequenceLength: 256, seed: configuration.seed, matmulPrecision: configuration.matmulPrecision)
        let log = self.log
        return try await fineTuner.fineTune(job) { p in
            if p.step == p.totalSteps || p.step % max(1, p.totalSteps / 4) == 0 {
                log(String(format: "%@: step %d/%d loss %.3f", label, p.step, p.totalSteps, p.loss))
            }
        }
    }
}
