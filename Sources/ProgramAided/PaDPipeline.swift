import Distillation
import Foundation
import Inference

/// Program-aided distillation end to end, resumable by artifacts in `runDirectory`:
///
///     synthesize + verify ─► attempts.jsonl, programs.jsonl
///     training data       ─► sft.jsonl (program records), cot.jsonl (gold chain of thought, else
///                            the teacher's when its answer is right)
///     train               ─► adapters/program, adapters/cot
///     refine data         ─► refine-attempts.jsonl, refine-pairs.jsonl, refine.jsonl
///     train refine        ─► adapters/refine (starting from adapters/program)
///     step verifier       ─► verifier.jsonl, adapters/verifier (with `stepScorer = .trainedVerifier`
///                            and the beam solver)
///     evaluate            ─► evaluations/SOLVER.json, then report.md and eval.json (PaDReport)
///
/// A stage whose output exists is skipped (artifacts are written whole, by rename), so a
/// second run with the same directory makes no model or trainer calls.
public struct PaDPipeline: Sendable {
    /// The student (serves the adapters the pipeline trains).
    public var student: any LanguageModel & AdapterServing
    /// Who writes the training programs.
    public var teacher: ProgramTeacher
    /// Trains the adapters.
    public var fineTuner: any FineTuner
    /// Where artifacts go.
    public var runDirectory: URL
    /// Everything else.
    public var configuration: PaDConfiguration
    /// Where the synthesis attempts are recorded (nil: the JSONL artifacts only).
    public var store: RunStore?

    public init(student: any LanguageModel & AdapterServing, teacher: ProgramTeacher, fineTuner: any FineTuner,
                runDirectory: URL, configuration: PaDConfiguration, store: RunStore? = nil) {
        self.student = student
        self.teacher = teacher
        self.fineTuner = fineTuner
        self.runDirectory = runDirectory
        self.configuration = configuration
        self.store = store
    }

    /// The artifact paths of a run directory.
    public struct Artifacts: Sendable {
        public let directory: URL
        public var attempts: URL { directory.appendingPathComponent("attempts.jsonl") }
        public var programs: URL { directory.appendingPathComponent("programs.jsonl") }
        public var sft: URL { directory.appendingPathComponent("sft.jsonl") }
        public var cot: URL { directory.appendingPathComponent("cot.jsonl") }
        public var refineAttempts: URL { directory.appendingPathComponent("refine-attempts.jsonl") }
        public var refinePairs: URL { directory.appendingPathComponent("refine-pairs.jsonl") }
        public var refine: URL { directory.appendingPathComponent("refine.jsonl") }
        public var verifier: URL { directory.appendingPathComponent("verifier.jsonl") }
        public var verifierCheck: URL { directory.appendingPathComponent("verifier-check.json") }
        public var eval: URL { directory.appendingPathComponent("eval.json") }
        public var report: URL { directory.appendingPathComponent("report.md") }
        public var programAdapter: URL { directory.appendingPathComponent("adapters/program") }
        public var refineAdapter: URL { directory.appendingPathComponent("adapters/refine") }
        public var cotAdapter: URL { directory.appendingPathComponent("adapters/cot") }
        public var verifierAdapter: URL { directory.appendingPathComponent("adapters/verifier") }
        /// One solver's finished evaluation (so a re-run evaluates only the solvers not done).
        public func evaluation(_ kind: PaDSolverKind) -> URL { directory.appendingPathComponent("evaluations/\(kind.rawValue).json") }

        public init(directory: URL) { self.directory = directory }

        /// Whether an adapter folder is complete (its config was written).
        public func hasAdapter(_ url: URL) -> Bool {
            JSONLFiles.exists(url.appendingPathComponent("adapter_config.json"))
        }
    }

    /// This run's artifact paths.
    public var artifacts: Artifacts { Artifacts(directory: runDirectory) }

    /// Runs every stage not yet done and returns the report; `log` gets one line per stage.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> PaDReport {
        let a = artifacts
        if JSONLFiles.exists(a.eval) {
            log("eval.json exists: nothing to do")
            let report = try JSONLFiles.readJSON(PaDReport.self, from: a.eval)
            // Runs from before report.md get it now.
            if !JSONLFiles.exists(a.report) { try writeMarkdown(report) }
            return report
        }
        let c = configuration
        guard !c.train.isEmpty else { throw PaDError.invalidConfiguration(field: "train", reason: "no training questions") }
        let byID = Dictionary(c.train.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })

        // 1. Synthesise and verify.
        let synthesis = try await PaDSynthesisStage(configuration: c, teacher: teacher, artifacts: a, store: store).run(log: log)
        guard !synthesis.verified.isEmpty else {
            throw PaDError.invalidConfiguration(field: "train", reason: "no program was verified; nothing to train on (see \(a.attempts.path))")
        }

        // 2. Training data.
        if !JSONLFiles.exists(a.sft) {
            let records = synthesis.verified.compactMap { v in
                byID[v.exampleID].map { c.prompting.programRecord(task: c.task, example: $0, program: v.program) }
            }
            try JSONLFiles.write(records, to: a.sft)
        }
        var cotRecords = 0
        if c.trainChainOfThought {
            if !JSONLFiles.exists(a.cot) {
                let data = ChainOfThoughtData(task: c.task, prompting: c.prompting, concurrency: c.concurrency)
                try JSONLFiles.write(try await data.records(for: c.train, teacher: teacher), to: a.cot)
            }
            cotRecords = try JSONLFiles.read(TrainingRecord.self, from: a.cot).count
        }

        // 3. Train the program student and the chain-of-thought student.
        let programAdapter = "\(c.adapterPrefix)-program"
        let refineAdapter = "\(c.adapterPrefix)-refine"
        let cotAdapter = "\(c.adapterPrefix)-cot"
        let verifierAdapter = "\(c.adapterPrefix)-verifier"
        try await train(data: a.sft, output: a.programAdapter, initial: nil, name: "program", log: log)
        if cotRecords > 0 { try await train(data: a.cot, output: a.cotAdapter, initial: nil, name: "chain-of-thought", log: log) }
        var loaded: Set<String> = []
        func load(_ name: String, _ url: URL) async throws {
            if loaded.insert(name).inserted { try await student.loadAdapter(named: name, from: url) }
        }

        // 4. Self-refinement data from the student's own mistakes.
        let pairs: [RefinementPair]
        if JSONLFiles.exists(a.refine), JSONLFiles.exists(a.refinePairs) {
            pairs = try JSONLFiles.read(RefinementPair.self, from: a.refinePairs)
        } else {
            try await load(programAdapter, a.programAdapter)
            var p = SamplingParameters(maxTokens: c.teacherParameters.maxTokens, temperature: 0.7)
            p.seed = c.seed &+ 10_000
            let builder = RefinementDataBuilder(task: c.task, prompting: c.prompting, samplesPerQuestion: c.refineSamplesPerQuestion,
                                                parameters: p, limits: c.limits, concurrency: c.concurrency)
            let attempts = try await builder.studentAttempts(student: student, adapter: programAdapter, examples: c.train,
                                                             verified: synthesis.verified)
            pairs = RefinementDataBuilder.pairs(attempts: attempts, verified: synthesis.verified)
            try JSONLFiles.write(attempts, to: a.refineAttempts)
            try JSONLFiles.write(pairs, to: a.refinePairs)
            try JSONLFiles.write(pairs.compactMap { pair in
                byID[pair.exampleID].map { c.prompting.repairRecord(task: c.task, example: $0, pair: pair) }
            }, to: a.refine)
            log("self-refinement: \(pairs.count) pairs from \(attempts.count) student programs")
        }
        if !pairs.isEmpty {
            try await train(data: a.refine, output: a.refineAdapter, initial: a.programAdapter, name: "self-refinement", log: log)
        }

        // 5. The step verifier: right and wrong program prefixes of the training questions.
        var verifierRecords: Int?
        var verifierCheck: StepVerifierCheck?
        if case .trainedVerifier = c.stepScorer, c.solvers.contains(.beam) {
            if !JSONLFiles.exists(a.verifier) {
                let attempts = JSONLFiles.exists(a.refineAttempts) ? try JSONLFiles.read(ProgramAttempt.self, from: a.refineAttempts) : []
                let data = StepVerifierData(task: c.task, prompting: c.prompting, limits: c.limits, seed: c.seed &+ 40_000)
                let prefixes = data.prefixes(examples: c.train, verified: synthesis.verified, studentAttempts: attempts)
                try JSONLFiles.write(data.records(prefixes, examples: c.train), to: a.verifier)
                let wrong = prefixes.filter { !$0.isRight }.count
                log("step verifier: \(prefixes.count) program prefixes, \(wrong) wrong (\(prefixes.filter { $0.origin == "injected" }.count) " +
                    "with an injected error, \(prefixes.filter { !$0.isRight && $0.origin == "student" }.count) from the student's samples)")
            }
            let count = try JSONLFiles.read(TrainingRecord.self, from: a.verifier).count
            guard count > 0 else {
                throw PaDError.invalidConfiguration(field: "step-scorer", reason: "no wrong program prefix was found or injected, so a verifier cannot be trained (see \(a.verifier.path))")
            }
            try await train(data: a.verifier, output: a.verifierAdapter, initial: nil, name: "step verifier", log: log)
            verifierRecords = count
            if JSONLFiles.exists(a.verifierCheck) {
                verifierCheck = try JSONLFiles.readJSON(StepVerifierCheck.self, from: a.verifierCheck)
            } else if let check = try await checkVerifier(adapter: verifierAdapter, load: { try await load(verifierAdapter, a.verifierAdapter) }) {
                try JSONLFiles.writeJSON(check, to: a.verifierCheck)
                log(String(format: "step verifier on %d held-out prefixes of the test questions' gold programs: %.1f%% right",
                           check.prefixes, 100 * check.accuracy))
                verifierCheck = check
            }
        }

        // 6. Evaluate.
        try await load(programAdapter, a.programAdapter)
        if !pairs.isEmpty { try await load(refineAdapter, a.refineAdapter) }
        if cotRecords > 0, c.solvers.contains(.chainOfThought) { try await load(cotAdapter, a.cotAdapter) }
        if verifierRecords != nil { try await load(verifierAdapter, a.verifierAdapter) }
        var evaluations: [SolverEvaluation] = []
        for kind in c.solvers {
            guard let solver = solver(kind, programAdapter: programAdapter, refineAdapter: pairs.isEmpty ? nil : refineAdapter,
                                      cotAdapter: cotRecords > 0 ? cotAdapter : nil,
                                      verifierAdapter: verifierRecords == nil ? nil : verifierAdapter) else { continue }
            let file = a.evaluation(kind)
            if JSONLFiles.exists(file) {
                evaluations.append(try JSONLFiles.readJSON(SolverEvaluation.self, from: file))
                continue
            }
            log("evaluate \(kind.rawValue): \(c.test.count) test questions")
            let start = Date()
            let e = try await SolverEvaluation.evaluate(solver, task: c.task, examples: c.test, concurrency: c.concurrency)
            try JSONLFiles.writeJSON(e, to: file)
            log(String(format: "evaluate %@: %d/%d correct, %d tokens, %.0f s", e.solver, e.correct, e.questions, e.generatedTokens,
                       Date().timeIntervalSince(start)))
            evaluations.append(e)
        }
        let report = PaDReport(
            task: c.task.name, trainQuestions: c.train.count, testQuestions: c.test.count, attempts: synthesis.attempts.count,
            verifiedPrograms: synthesis.verified.count, verifiedQuestions: synthesis.verifiedQuestions,
            attemptOutcomes: synthesis.outcomeCounts, chainOfThoughtRecords: cotRecords, refinementPairs: pairs.count,
            evaluations: evaluations, stepScorer: c.solvers.contains(.beam) ? c.stepScorer.name : nil, verifierRecords: verifierRecords,
            verifierCheck: verifierCheck)
        try writeMarkdown(report)
        try JSONLFiles.writeJSON(report, to: a.eval)
        return report
    }

    /// report.md: the report as the CLI prints it.
    func writeMarkdown(_ report: PaDReport) throws {
        try AtomicFile.write(Data((report.markdown + "\n").utf8), to: artifacts.report)
    }

    /// The trained verifier on right and wrong prefixes of the test questions' gold programs
    /// (at most 200; nil when the test questions have no gold programs): it never saw them.
    func checkVerifier(adapter: String, load: () async throws -> Void) async throws -> StepVerifierCheck? {
        let c = configuration
        let gold = c.test.compactMap { e in e.rationale?.program.map { VerifiedProgram(exampleID: e.id, program: $0, answer: e.answer ?? "", source: "gold") } }
        guard !gold.isEmpty else { return nil }
        let data = StepVerifierData(task: c.task, prompting: c.prompting, limits: c.limits, seed: c.seed &+ 50_000)
        let prefixes = Array(data.prefixes(examples: c.test, verified: gold, studentAttempts: []).prefix(200))
        guard !prefixes.isEmpty else { return nil }
        try await load()
        let verifier = StepVerifier(model: student, adapter: adapter, task: c.task, prompting: c.prompting)
        let byID = Dictionary(c.test.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let verdicts = try await prefixes.concurrentMap(limit: 4 * c.concurrency) { p in
            try await verifier.score(example: ProgramSolver.unlabelled(byID[p.exampleID]!), programSoFar: p.programSoFar).logprob
        }
        return StepVerifierCheck(labels: prefixes.map(\.isRight), verdicts: verdicts)
    }

    /// Fine-tunes unless the adapter folder is already complete.
    func train(data: URL, output: URL, initial: URL?, name: String, log: @escaping @Sendable (String) -> Void) async throws {
        guard !artifacts.hasAdapter(output) else { return }
        log("training the \(name) adapter on \(data.lastPathComponent)")
        let report = try await fineTuner.fineTune(configuration.training.job(data: data, output: output, initialAdapter: initial)) { p in
            if p.step == p.totalSteps || p.step % max(1, p.totalSteps / 4) == 0 {
                log(String(format: "training the %@ adapter: step %d/%d, loss %.3f, %.0f tok/s", name, p.step, p.totalSteps, p.loss, p.tokensPerSecond))
            }
        }
        log("trained the \(name) adapter: \(report.steps) steps, \(report.trainedTokens) tokens")
    }

    /// The solver of `kind`, or nil when its adapter was not trained.
    func solver(_ kind: PaDSolverKind, programAdapter: String, refineAdapter: String?, cotAdapter: String?,
                verifierAdapter: String? = nil) -> (any Solver)? {
        let c = configuration
        let greedy = ProgramSolver(name: kind.rawValue, model: student, adapter: programAdapter, task: c.task,
                                   parameters: .greedy(maxTokens: c.teacherParameters.maxTokens), prompting: c.prompting, limits: c.limits)
        switch kind {
        case .greedy:
            return greedy
        case .sample:
            var s = greedy
            s.parameters = SamplingParameters(maxTokens: c.teacherParameters.maxTokens, temperature: 0.7, seed: c.seed &+ 20_000)
            return s
        case .refine:
            return RefiningSolver(name: kind.rawValue, base: greedy, repairAdapter: refineAdapter, maxRounds: c.refineRounds)
        case .beam:
            let verifier: StepVerifier? = switch c.stepScorer {
            case .likelihood: nil
            case .trainedVerifier: verifierAdapter.map { StepVerifier(model: student, adapter: $0, task: c.task, prompting: c.prompting) }
            case .model(let model): StepVerifier(model: model, adapter: nil, task: c.task, prompting: c.prompting)
            }
            return StepwiseBeamSearch(
                name: kind.rawValue, model: student, adapter: programAdapter, task: c.task, prompting: c.prompting, format: c.prefixFormat,
                beamWidth: c.beamWidth, candidatesPerStep: c.candidatesPerStep, maxLines: c.maxProgramLines, seed: c.seed &+ 30_000,
                limits: c.limits, verifier: verifier, verifierWeight: c.stepScorerWeight)
        case .chainOfThought:
            guard let cotAdapter else { return nil }
            return ChainOfThoughtSolver(name: kind.rawValue, model: student, adapter: cotAdapter, task: c.task,
                                        parameters: .greedy(maxTokens: c.teacherParameters.maxTokens), prompting: c.prompting)
        }
    }
}
