import Distillation
import Foundation

/// PaD's first stage on its own (`s2d pad synthesize`, and step 1 of `PaDPipeline`): the
/// teacher writes k programs per training question, each is run and judged, and the
/// verified ones are kept. Writes attempts.jsonl and programs.jsonl into the run directory
/// and, when a `RunStore` is given, every attempt (with its outcome and error class) as an
/// item of stage `pad-synthesize` plus the stage's statistics.
///
/// Resumable: when both files exist they are read back and no teacher call is made.
public struct PaDSynthesisStage: Sendable {
    /// The stage's name in the run store.
    public static let name = "pad-synthesize"

    /// What the stage recorded in the run store's `stages` table.
    public struct Statistics: Sendable, Hashable, Codable {
        public var questions: Int
        public var attempts: Int
        public var verifiedPrograms: Int
        public var verifiedQuestions: Int
        /// Attempts per outcome class (`correct`, `WrongAnswer`, `NameError`, ...).
        public var outcomes: [String: Int]
        /// Tokens the teacher generated.
        public var generatedTokens: Int
    }

    /// The task, training questions, exemplars and teacher settings.
    public var configuration: PaDConfiguration
    /// Who writes the programs.
    public var teacher: ProgramTeacher
    /// Where attempts.jsonl and programs.jsonl go.
    public var artifacts: PaDPipeline.Artifacts
    /// Where attempts are recorded as items (nil: files only).
    public var store: RunStore?

    public init(configuration: PaDConfiguration, teacher: ProgramTeacher, artifacts: PaDPipeline.Artifacts, store: RunStore? = nil) {
        self.configuration = configuration
        self.teacher = teacher
        self.artifacts = artifacts
        self.store = store
    }

    /// Whether an earlier run finished this stage (both artifacts exist).
    public var isFinished: Bool { JSONLFiles.exists(artifacts.programs) && JSONLFiles.exists(artifacts.attempts) }

    /// Synthesises and verifies programs for every training question (or reads back a
    /// finished stage); `log` gets progress lines.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> SynthesisResult {
        let a = artifacts
        if isFinished {
            let result = SynthesisResult(attempts: try JSONLFiles.read(ProgramAttempt.self, from: a.attempts),
                                         verified: try JSONLFiles.read(VerifiedProgram.self, from: a.programs))
            log("synthesis: reusing \(result.verified.count) verified programs")
            return result
        }
        let c = configuration
        guard !c.train.isEmpty else { throw PaDError.invalidConfiguration(field: "train", reason: "no training questions") }
        try await store?.beginStage(Self.name)
        var p = c.teacherParameters
        p.seed = c.seed
        let synthesizer = ProgramSynthesizer(
            task: c.task, teacher: teacher, exemplars: c.exemplars, samplesPerQuestion: c.samplesPerQuestion, parameters: p,
            prompting: c.prompting, limits: c.limits, concurrency: c.concurrency)
        let step = max(1, c.train.count / 8)
        let result = try await synthesizer.synthesize(c.train) { done, total in
            if done == total || done % step == 0 { log("synthesis: \(done)/\(total) questions") }
        }
        if let store {
            try await store.putItems(result.attempts.map { (key: "\($0.exampleID)#\($0.sampleIndex)", payload: $0) },
                                     stage: Self.name, mode: .replace)
            try await store.finishStage(Self.name, stats: Self.statistics(result, questions: c.train.count))
        }
        try JSONLFiles.write(result.attempts, to: a.attempts)
        try JSONLFiles.write(result.verified, to: a.programs)
        log("synthesis: \(result.verified.count) verified programs for \(result.verifiedQuestions)/\(c.train.count) questions")
        return result
    }

    /// The statistics of `result` over `questions` training questions.
    public static func statistics(_ result: SynthesisResult, questions: Int) -> Statistics {
        Statistics(questions: questions, attempts: result.attempts.count, verifiedPrograms: result.verified.count,
                   verifiedQuestions: result.verifiedQuestions, outcomes: result.outcomeCounts,
                   generatedTokens: result.attempts.reduce(0) { $0 + $1.generatedTokens })
    }
}
