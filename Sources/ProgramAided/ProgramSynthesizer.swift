import Distillation
import Inference
import ProgramSandbox

/// Who writes the training programs: a teacher model prompted with few-shot programs, or the
/// gold programs that come with the task's examples (offline, no model call).
public enum ProgramTeacher: Sendable {
    /// A teacher model (with an optional adapter).
    case model(any LanguageModel, adapter: String?)
    /// The examples' own `rationale.program`.
    case gold

    /// The `source` recorded for its programs.
    public var source: String {
        switch self {
        case .model(let m, let adapter): return adapter.map { "\(m.identifier)+\($0)" } ?? m.identifier
        case .gold: return "gold"
        }
    }
}

/// Everything a synthesis pass produced.
public struct SynthesisResult: Sendable, Hashable, Codable {
    /// Every attempt, in question then sample order.
    public var attempts: [ProgramAttempt]
    /// Verified, deduplicated programs, in question order.
    public var verified: [VerifiedProgram]

    public init(attempts: [ProgramAttempt], verified: [VerifiedProgram]) {
        self.attempts = attempts
        self.verified = verified
    }

    /// Questions with at least one verified program.
    public var verifiedQuestions: Int { Set(verified.map(\.exampleID)).count }
    /// Attempts per outcome class (`correct`, `WrongAnswer`, `SyntaxError`, ...).
    public var outcomeCounts: [String: Int] {
        attempts.reduce(into: [:]) { $0[$1.check.outcomeClass, default: 0] += 1 }
    }
}

/// PaD's data synthesis: sample k programs per question from the teacher, run each in the
/// sandbox, keep those that return the gold answer, drop duplicates (same normalised source).
public struct ProgramSynthesizer: Sendable {
    /// The labelled task.
    public var task: any DistillationTask
    /// Who writes the programs.
    public var teacher: ProgramTeacher
    /// Few-shot exemplars for a teacher model (examples with gold programs).
    public var exemplars: [TaskExample]
    /// Programs sampled per question (one request with n = k).
    public var samplesPerQuestion: Int
    /// Teacher sampling; sample i of a question uses `seed + i`.
    public var parameters: SamplingParameters
    /// Prompt wording.
    public var prompting: ProgramPrompting
    /// Judges programs.
    public var verifier: ProgramVerifier
    /// Questions in flight at once.
    public var concurrency: Int

    public init(
        task: any DistillationTask, teacher: ProgramTeacher, exemplars: [TaskExample] = [], samplesPerQuestion: Int = 4,
        parameters: SamplingParameters = SamplingParameters(maxTokens: 384, temperature: 0.7), prompting: ProgramPrompting = ProgramPrompting(),
        limits: SandboxLimits = .default, concurrency: Int = 4
    ) {
        self.task = task
        self.teacher = teacher
        self.exemplars = exemplars
        self.samplesPerQuestion = max(1, samplesPerQuestion)
        self.parameters = parameters
        self.prompting = prompting
        self.verifier = ProgramVerifier(task: task, limits: limits)
        self.concurrency = max(1, concurrency)
    }

    /// Synthesises programs for every example; `progress(done, total)` after each question.
    public func synthesize(_ examples: [TaskExample], progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> SynthesisResult {
        let perQuestion = try await examples.concurrentMap(limit: concurrency, progress: progress) { example in
            try await synthesize(example: example)
        }
        return SynthesisResult(attempts: perQuestion.flatMap(\.attempts), verified: perQuestion.flatMap(\.verified))
    }

    /// The attempts on one question and the verified, deduplicated programs among them.
    public func synthesize(example: TaskExample) async throws -> SynthesisResult {
        let replies: [(text: String, tokens: Int)]
        switch teacher {
        case .gold:
            replies = [(example.rationale?.program ?? "", 0)]
        case .model(let model, let adapter):
            let prompt = prompting.teacherPrompt(task: task, example: example, exemplars: exemplars)
            let request = GenerationRequest(prompt: prompt, n: samplesPerQuestion, parameters: parameters, adapter: adapter)
            let response = try await model.generate(request)
            guard response.completions.count == samplesPerQuestion else {
                throw PaDError.missingCompletions(model: model.identifier, expected: samplesPerQuestion, got: response.completions.count)
            }
            replies = response.completions.map { ($0.text, $0.generatedTokens) }
        }
        var seen: Set<String> = []
        var attempts: [ProgramAttempt] = []
        var verified: [VerifiedProgram] = []
        for (i, reply) in replies.enumerated() {
            let check = verifier.check(reply: reply.text, example: example)
            var duplicate = false
            if check.verdict == .correct, let answer = check.answer {
                duplicate = !seen.insert(ProgramExtraction.normalized(check.program)).inserted
                if !duplicate {
                    verified.append(VerifiedProgram(exampleID: example.id, program: check.program, answer: answer, source: teacher.source))
                }
            }
            attempts.append(ProgramAttempt(exampleID: example.id, sampleIndex: i, source: teacher.source, reply: reply.text,
                                           generatedTokens: reply.tokens, check: check, duplicate: duplicate))
        }
        return SynthesisResult(attempts: attempts, verified: verified)
    }
}
