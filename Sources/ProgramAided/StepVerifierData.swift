import Foundation
import Distillation
import Inference
import ProgramSandbox

/// The step verifier's training data: prefixes of programs for training questions (the header
/// and the first k lines), each labelled right or wrong.
///
/// A prefix is right when some program known to reach the gold answer (a verified teacher
/// program, or a student sample that ran to the gold answer) starts with it — a prefix is good
/// if it can be completed correctly, the hard estimate of process supervision. Wrong prefixes
/// come from the student's samples that went astray (every prefix past the last right one) and
/// from error injection: a verified program with one line edited (`ProgramErrorInjection`) whose
/// answer then changes gives a wrong prefix ending at that line, and the whole edited program.
/// Right prefixes are sampled down to as many as the wrong ones, so that neither answer wins by
/// frequency alone.
public struct StepVerifierData: Sendable {
    public var task: any DistillationTask
    public var prompting: ProgramPrompting
    /// Edited programs sought per verified program.
    public var editsPerProgram: Int
    /// Runs the edited programs.
    public var verifier: ProgramVerifier
    /// Seeds the choice of edits and the sampling of right prefixes.
    public var seed: UInt64

    public init(task: any DistillationTask, prompting: ProgramPrompting = ProgramPrompting(), editsPerProgram: Int = 2,
                limits: SandboxLimits = .default, seed: UInt64 = 0) {
        self.task = task
        self.prompting = prompting
        self.editsPerProgram = max(0, editsPerProgram)
        self.verifier = ProgramVerifier(task: task, limits: limits)
        self.seed = seed
    }

    /// A labelled prefix of a program for one question.
    public struct LabelledPrefix: Sendable, Hashable, Codable {
        public var exampleID: String
        /// The header and the first lines of a program, joined by newlines.
        public var programSoFar: String
        public var isRight: Bool
        /// Where it came from: `verified`, `student` or `injected`.
        public var origin: String
    }

    /// The labelled prefixes for `examples`, in example order, then by length; `balanced` keeps
    /// every wrong prefix and as many right ones (chosen by the seed), all of them otherwise.
    public func prefixes(examples: [TaskExample], verified: [VerifiedProgram], studentAttempts: [ProgramAttempt],
                         balanced: Bool = true) -> [LabelledPrefix] {
        let verifiedByID = Dictionary(grouping: verified, by: \.exampleID)
        let attemptsByID = Dictionary(grouping: studentAttempts, by: \.exampleID)
        var random = RandomSource(seed: seed)
        var right: [LabelledPrefix] = []
        var wrong: [LabelledPrefix] = []
        for example in examples {
            let gold = verifiedByID[example.id, default: []].map { Self.lines(of: $0.program) }
            let attempts = attemptsByID[example.id, default: []].filter { !$0.check.program.isEmpty }
            let correct = gold + attempts.filter { $0.check.verdict == .correct }.map { Self.lines(of: $0.check.program) }
            let rightPrefixes = Set(correct.flatMap { Self.prefixTexts(of: $0) })
            var seen: Set<String> = []
            func add(_ text: String, origin: String) {
                guard seen.insert(text).inserted else { return }
                let prefix = LabelledPrefix(exampleID: example.id, programSoFar: text, isRight: rightPrefixes.contains(text), origin: origin)
                if prefix.isRight { right.append(prefix) } else { wrong.append(prefix) }
            }
            for program in gold { for text in Self.prefixTexts(of: program) { add(text, origin: "verified") } }
            for attempt in attempts { for text in Self.prefixTexts(of: Self.lines(of: attempt.check.program)) { add(text, origin: "student") } }
            for program in gold {
                for (edited, line) in injectedErrors(program, example: example, random: &random) {
                    add(edited.prefix(line + 1).joined(separator: "\n"), origin: "injected")
                    add(edited.joined(separator: "\n"), origin: "injected")
                }
            }
        }
        if balanced {
            var keep = Array(right.indices)
            keep.shuffle(using: &random)
            let kept = Set(keep.prefix(wrong.count))
            right = right.indices.filter(kept.contains).map { right[$0] }
        }
        let order = Dictionary(examples.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return (right + wrong).sorted { a, b in
            (order[a.exampleID] ?? 0, a.programSoFar.count, a.programSoFar) < (order[b.exampleID] ?? 0, b.programSoFar.count, b.programSoFar)
        }
    }

    /// The verifier's training records: each prefix's request answered by its label.
    public func records(_ prefixes: [LabelledPrefix], examples: [TaskExample]) -> [TrainingRecord] {
        let byID = Dictionary(examples.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return prefixes.compactMap { p in
            byID[p.exampleID].map {
                StepVerifier.record(prompting: prompting, task: task, example: $0, programSoFar: p.programSoFar, isRight: p.isRight)
            }
        }
    }

    /// Up to `editsPerProgram` edited copies of `program` whose answer is no longer the gold
    /// one, each with the index of its edited line.
    func injectedErrors(_ program: [String], example: TaskExample, random: inout RandomSource) -> [([String], Int)] {
        var candidates: [([String], Int)] = []
        for (i, line) in program.enumerated() where i > 0 {
            for edit in ProgramErrorInjection.edits(of: line) {
                var edited = program
                edited[i] = edit
                candidates.append((edited, i))
            }
        }
        candidates.shuffle(using: &random)
        var out: [([String], Int)] = []
        for candidate in candidates where out.count < editsPerProgram {
            let check = verifier.check(program: candidate.0.joined(separator: "\n"), example: example)
            if check.verdict != .correct { out.append(candidate) }
        }
        return out
    }

    /// A program's non-blank lines, without trailing spaces (as beam search keeps them).
    static func lines(of program: String) -> [String] {
        program.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var l = Substring(line)
            while l.last == " " || l.last == "\r" || l.last == "\t" { l.removeLast() }
            return String(l)
        }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The header with one, two, ... of the lines after it.
    static func prefixTexts(of lines: [String]) -> [String] {
        guard lines.count > 1 else { return [] }
        return (2...lines.count).map { lines.prefix($0).joined(separator: "\n") }
    }
}
