import Foundation
import Distillation

/// A solver's accuracy and cost on labelled questions.
public struct SolverEvaluation: Sendable, Hashable, Codable {
    /// The solver's name.
    public var solver: String
    /// Questions asked.
    public var questions: Int
    /// Questions answered correctly.
    public var correct: Int
    /// Questions whose final program failed or whose text stated no answer.
    public var failed: Int
    /// Tokens generated over all questions.
    public var generatedTokens: Int
    /// Model requests over all questions.
    public var modelCalls: Int
    /// Per question, in order.
    public var results: [SolverResult]

    /// correct / questions (0 when none).
    public var accuracy: Double { questions == 0 ? 0 : Double(correct) / Double(questions) }
    /// Generated tokens per question.
    public var meanGeneratedTokens: Double { questions == 0 ? 0 : Double(generatedTokens) / Double(questions) }

    /// Runs `solver` on every example (at most `concurrency` at once) and scores its answers
    /// with the task's comparison against the gold answers.
    public static func evaluate(_ solver: any Solver, task: any DistillationTask, examples: [TaskExample],
                                concurrency: Int = 4) async throws -> SolverEvaluation {
        let results = try await examples.concurrentMap(limit: concurrency) { try await solver.solve($0) }
        var correct = 0
        for (r, e) in zip(results, examples) where r.answer.map({ task.isCorrect($0, for: e) }) == true { correct += 1 }
        return SolverEvaluation(
            solver: solver.name, questions: examples.count, correct: correct, failed: results.filter { $0.failure != nil }.count,
            generatedTokens: results.reduce(0) { $0 + $1.generatedTokens }, modelCalls: results.reduce(0) { $0 + $1.modelCalls },
            results: results)
    }
}

/// eval.json: PaD students against the chain-of-thought student on the same test questions.
public struct PaDReport: Sendable, Hashable, Codable {
    /// The task's name.
    public var task: String
    /// Training questions.
    public var trainQuestions: Int
    /// Test questions.
    public var testQuestions: Int
    /// Program attempts made by the teacher.
    public var attempts: Int
    /// Verified programs kept (deduplicated).
    public var verifiedPrograms: Int
    /// Training questions with at least one verified program.
    public var verifiedQuestions: Int
    /// Attempts per outcome class.
    public var attemptOutcomes: [String: Int]
    /// Chain-of-thought training records.
    public var chainOfThoughtRecords: Int
    /// Self-refinement pairs.
    public var refinementPairs: Int
    /// One evaluation per solver (pad-greedy, pad-sample, pad-refine, pad-beam, cot-greedy).
    public var evaluations: [SolverEvaluation]
    /// What ranked beam search's beams (`likelihood`, `trained`, or a model URI); nil in reports
    /// from before the step scorer, which ranked by likelihood.
    public var stepScorer: String?
    /// The trained step verifier's records (nil when none was trained).
    public var verifierRecords: Int?
    /// The trained step verifier on held-out prefixes.
    public var verifierCheck: StepVerifierCheck?

    /// The evaluation of the solver called `name`.
    public func evaluation(_ name: String) -> SolverEvaluation? { evaluations.first { $0.solver == name } }

    /// The paper's comparison: the PaD student's one greedy program against the
    /// chain-of-thought fine-tuned student on the same questions (nil unless both were evaluated).
    public var verdict: String? {
        guard let pad = evaluation(PaDSolverKind.greedy.rawValue), let cot = evaluation(PaDSolverKind.chainOfThought.rawValue) else { return nil }
        let p = ProportionEstimate(successes: pad.correct, total: pad.questions)
        let c = ProportionEstimate(successes: cot.correct, total: cot.questions)
        return Self.comparison(pad: p, chainOfThought: c) + ": PaD greedy \(p.formatted) at \(String(format: "%.1f", pad.meanGeneratedTokens)) " +
            "tokens, chain-of-thought \(c.formatted) at \(String(format: "%.1f", cot.meanGeneratedTokens)) tokens"
    }

    /// Which student is better, by their 95% Wilson intervals: only intervals that do not overlap decide.
    public static func comparison(pad: ProportionEstimate, chainOfThought cot: ProportionEstimate) -> String {
        pad.lower > cot.upper ? "PaD is better than chain-of-thought fine-tuning"
            : cot.lower > pad.upper ? "chain-of-thought fine-tuning is better than PaD"
            : "no difference at this size (the intervals overlap)"
    }

    /// report.md: what was synthesised and trained, how beam search ranked, the solvers' table and the verdict.
    public var markdown: String {
        var lines = ["## PaD on \(task)"]
        let outcomes = attemptOutcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("synthesis: \(attempts) programs (\(outcomes)), \(verifiedPrograms) verified for \(verifiedQuestions)/\(trainQuestions) " +
                     "training questions; \(chainOfThoughtRecords) chain-of-thought records, \(refinementPairs) self-refinement pairs")
        if let stepScorer {
            lines.append("beam search ranked by: \(stepScorer)" + (verifierRecords.map { " (a step verifier trained on \($0) program prefixes)" } ?? ""))
            if let check = verifierCheck {
                lines.append(String(format: "step verifier on %d held-out prefixes: %.1f%% right; mean P(yes) %.2f on right prefixes, %.2f on wrong ones",
                                    check.prefixes, 100 * check.accuracy, check.meanYesRight, check.meanYesWrong))
            }
        }
        lines += ["", markdownTable]
        if let verdict { lines += ["", "verdict: \(verdict)"] }
        return lines.joined(separator: "\n")
    }

    /// A Markdown table: solver, accuracy, tokens per question, requests.
    public var markdownTable: String {
        var lines = ["| solver | accuracy | tokens/question | requests |", "|---|---|---|---|"]
        for e in evaluations {
            let acc = (e.accuracy * 1000).rounded() / 10
            let tok = (e.meanGeneratedTokens * 10).rounded() / 10
            lines.append("| \(e.solver) | \(acc)% (\(e.correct)/\(e.questions)) | \(tok) | \(e.modelCalls) |")
        }
        return lines.joined(separator: "\n")
    }
}
