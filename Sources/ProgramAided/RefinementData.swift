import Foundation
import Distillation
import Inference
import ProgramSandbox

/// Builds PaD's self-refinement data: the student's own faulty programs on training questions,
/// each with the interpreter's feedback, paired with a verified program for the question.
public struct RefinementDataBuilder: Sendable {
    /// The task.
    public var task: any DistillationTask
    /// Prompt wording.
    public var prompting: ProgramPrompting
    /// Student samples per question (one request with this `n`).
    public var samplesPerQuestion: Int
    /// Student sampling; temperature > 0 so that the samples differ.
    public var parameters: SamplingParameters
    /// Judges the student's programs against the gold answers.
    public var verifier: ProgramVerifier
    /// Questions in flight at once.
    public var concurrency: Int

    public init(task: any DistillationTask, prompting: ProgramPrompting = ProgramPrompting(), samplesPerQuestion: Int = 2,
                parameters: SamplingParameters = SamplingParameters(maxTokens: 384, temperature: 0.7),
                limits: SandboxLimits = .default, concurrency: Int = 4) {
        self.task = task
        self.prompting = prompting
        self.samplesPerQuestion = max(1, samplesPerQuestion)
        self.parameters = parameters
        self.verifier = ProgramVerifier(task: task, limits: limits)
        self.concurrency = max(1, concurrency)
    }

    /// The student's attempts on `examples` (only questions that have a verified program are asked).
    public func studentAttempts(student: any LanguageModel, adapter: String?, examples: [TaskExample],
                                verified: [VerifiedProgram]) async throws -> [ProgramAttempt] {
        let covered = Set(verified.map(\.exampleID))
        let asked = examples.filter { covered.contains($0.id) }
        let source = adapter.map { "\(student.identifier)+\($0)" } ?? student.identifier
        let perQuestion = try await asked.concurrentMap(limit: concurrency) { example in
            let request = GenerationRequest(prompt: prompting.studentPrompt(task: task, example: example), n: samplesPerQuestion,
                                            parameters: parameters, adapter: adapter)
            let response = try await student.generate(request)
            guard response.completions.count == samplesPerQuestion else {
                throw PaDError.missingCompletions(model: student.identifier, expected: samplesPerQuestion, got: response.completions.count)
            }
            return response.completions.enumerated().map { i, c in
                ProgramAttempt(exampleID: example.id, sampleIndex: i, source: source, reply: c.text, generatedTokens: c.generatedTokens,
                               check: verifier.check(reply: c.text, example: example))
            }
        }
        return perQuestion.flatMap { $0 }
    }

    /// Pairs every faulty attempt with a verified program of its question, rotating through the
    /// question's verified programs; identical faulty programs of one question are paired once.
    /// A faulty attempt is one the solver can see fail at inference (it raises, does not parse,
    /// hits a limit, returns no answer, or holds no program): a program that runs and returns a
    /// wrong answer looks fine without the gold label, so its feedback ("not the correct answer")
    /// could never be given then, and `includeWrongAnswers` alone (for a caller with its own
    /// verifier at inference) pairs it too.
    public static func pairs(attempts: [ProgramAttempt], verified: [VerifiedProgram], includeWrongAnswers: Bool = false) -> [RefinementPair] {
        let fixes = Dictionary(grouping: verified, by: \.exampleID)
        var used: [String: Int] = [:]
        var seen: Set<String> = []
        var out: [RefinementPair] = []
        for a in attempts where a.check.verdict != .correct && (includeWrongAnswers || a.check.verdict != .wrongAnswer) {
            guard let candidates = fixes[a.exampleID], !candidates.isEmpty else { continue }
            let faulty = a.check.program.isEmpty ? a.reply.trimmingCharacters(in: .whitespacesAndNewlines) : a.check.program
            guard seen.insert(a.exampleID + "\u{0}" + ProgramExtraction.normalized(faulty)).inserted else { continue }
            let k = used[a.exampleID, default: 0]
            used[a.exampleID] = k + 1
            out.append(RefinementPair(exampleID: a.exampleID, faultyProgram: faulty, failureClass: a.check.outcomeClass,
                                      feedback: a.check.feedback, fixedProgram: candidates[k % candidates.count].program))
        }
        return out
    }
}
