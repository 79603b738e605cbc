import Foundation
import Distillation
import Inference
import ProgramSandbox

/// Stepwise-verified decoding (PaD §3.3): beam search over program lines. At each step every
/// open beam samples candidate next lines (stopping at a newline); a candidate is dropped when
/// the program so far no longer parses or raises when run; the survivors are ranked and the best
/// `beamWidth` kept. The rank is the model's own log-likelihood (mean token log-probability over
/// the whole program) or, with a step scorer (`verifier`), PaD's separate verifier's verdict on
/// the program so far, mixed with the likelihood by `verifierWeight`. A beam finishes on a
/// `return` at the function's top level, an empty line, a line back at column 0, the end of
/// the reply, or after `maxLines` lines.
///
/// Token boundaries: byte-level BPE tokenizers put a line's newline and the next line's
/// indentation in one token (`"\n   "` before `" x = 1"`), so a prompt ending in a bare `"\n"`
/// would show the model a token sequence it never saw in training. Each candidate therefore
/// runs up to and including the line-break token that ends it (the stop string `"\n"` fires
/// on that token; its text is the last log-probability entry), and the next prompt ends with
/// that token's text verbatim, so the model continues exactly as it would in one pass. The
/// first step only yields the break after the header line.
///
/// SentencePiece tokenizers (Gemma 3) write `"\n"` alone and the indentation as the next line's
/// first tokens, so there a bare break says nothing about where the next line starts. Which
/// kind the model is shows in the header's break: when it carries indentation, a bare break
/// later means column 0 and ends the program; when it is bare, the program ends when a
/// candidate after a break starts at column 0 (its parent finishes, the line is not kept).
public struct StepwiseBeamSearch: Solver {
    public var name: String
    public var model: any LanguageModel
    public var adapter: String?
    public var task: any DistillationTask
    public var prompting: ProgramPrompting
    /// How the partial program is put in the prompt.
    public var format: ProgramPrefixFormat
    /// Beams kept after each step (b).
    public var beamWidth: Int
    /// Candidate lines sampled per beam and step (one request with this `n`).
    public var candidatesPerStep: Int
    /// Lines of the function body at most.
    public var maxLines: Int
    /// Token budget of one line (a longer line is dropped).
    public var maxLineTokens: Int
    /// Sampling temperature of candidates.
    public var temperature: Double
    /// Step s, beam j draws with seed `seed + 1000 s + 100 j` (+ i for candidate i).
    public var seed: UInt64
    /// Sandbox limits for each prefix run.
    public var limits: SandboxLimits
    /// The fixed first line every program starts with.
    public var header: String
    /// The step scorer; nil ranks by the model's own likelihood alone.
    public var verifier: StepVerifier?
    /// With a verifier, a beam's rank is (1 − w)·likelihood + w·log P(right so far): 1 ranks by
    /// the verifier alone.
    public var verifierWeight: Double

    public init(
        name: String = "pad-beam", model: any LanguageModel, adapter: String?, task: any DistillationTask,
        prompting: ProgramPrompting = ProgramPrompting(), format: ProgramPrefixFormat = .smolLM2, beamWidth: Int = 3,
        candidatesPerStep: Int = 4, maxLines: Int = 24, maxLineTokens: Int = 64, temperature: Double = 0.7, seed: UInt64 = 0,
        limits: SandboxLimits = .default, header: String = "def solution():", verifier: StepVerifier? = nil, verifierWeight: Double = 1
    ) {
        self.name = name
        self.model = model
        self.adapter = adapter
        self.task = task
        self.prompting = prompting
        self.format = format
        self.beamWidth = max(1, beamWidth)
        self.candidatesPerStep = max(1, candidatesPerStep)
        self.maxLines = max(1, maxLines)
        self.maxLineTokens = max(1, maxLineTokens)
        self.temperature = temperature
        self.seed = seed
        self.limits = limits
        self.header = header
        self.verifier = verifier
        self.verifierWeight = min(1, max(0, verifierWeight))
    }

    /// One partial program and its score.
    public struct Beam: Sendable, Hashable {
        /// Body lines after the header.
        public var lines: [String]
        /// What follows the header in the prompt: each line break as the model wrote it, then
        /// the line's text after the indentation that break holds; it ends with the break that
        /// opens the next line ("" before the first step).
        public var text: String = ""
        /// Sum of the generated tokens' log-probabilities.
        public var logprob: Double
        /// Tokens scored.
        public var tokens: Int
        /// Whether the program is complete.
        public var finished: Bool
        /// The step scorer's log P(right so far) of `lines` (nil: not scored).
        public var verdict: Double? = nil
        /// Length-normalised log-likelihood: mean token log-probability (0 when empty).
        public var score: Double { tokens == 0 ? 0 : logprob / Double(tokens) }

        /// What beams are ranked by: the likelihood, mixed with the verdict when there is one.
        public func rank(verifierWeight: Double) -> Double {
            guard let verdict else { return score }
            return (1 - verifierWeight) * score + verifierWeight * verdict
        }
    }

    /// Why candidates were dropped, over a whole search.
    public struct Statistics: Sendable, Hashable, Codable {
        public var candidates = 0
        public var unparseable = 0
        public var raising = 0
        public var truncated = 0
        public var duplicates = 0
        /// Step scorer calls.
        public var verdicts = 0
        public init() {}
    }

    /// What a search did: the result, the winning beam, and the drop statistics.
    public struct Outcome: Sendable {
        public var result: SolverResult
        public var best: Beam?
        public var statistics: Statistics
    }

    public func solve(_ example: TaskExample) async throws -> SolverResult {
        try await search(example).result
    }

    /// Runs the search on `example` (its gold answer is never consulted).
    public func search(_ example: TaskExample) async throws -> Outcome {
        let request = prompting.programRequest(task: task, example: example)
        var beams = [Beam(lines: [], logprob: 0, tokens: 0, finished: false)]
        var stats = Statistics()
        var generated = 0
        var calls = 0
        var bodyIndent: String? = nil
        var verdicts: [[String]: Double] = [:]
        let question = ProgramSolver.unlabelled(example)
        // Whether line-break tokens carry the next line's indentation (byte-level BPE), learned
        // from the header's break at step 0.
        var breaksCarryIndentation = true
        // One more step than lines: the first step only writes the break after the header.
        for step in 0...maxLines {
            let open = beams.enumerated().filter { !$0.element.finished }
            if open.isEmpty { break }
            var pool = beams.filter(\.finished)
            let responses = try await candidates(request: request, beams: open, step: step)
            if step == 0 {
                breaksCarryIndentation = responses.flatMap(\.completions).contains { c in
                    Self.lineBreak(of: c).map { !Self.indentation(afterBreak: $0).isEmpty } ?? false
                }
            }
            for ((_, beam), response) in zip(open, responses) {
                calls += 1
                generated += response.completions.reduce(0) { $0 + $1.generatedTokens }
                var seen: Set<String> = []
                var parentFinished = false
                for c in response.completions {
                    stats.candidates += 1
                    guard let logprobs = c.logprobs else { throw PaDError.missingLogprobs(model: model.identifier) }
                    if c.finishReason == .length { stats.truncated += 1; continue }
                    var content = c.text
                    while content.last == "\r" || content.last == " " { content.removeLast() }
                    // The break token that ended the line (nil: the reply ended, the program with it).
                    let lineBreak = Self.lineBreak(of: c)
                    guard seen.insert(content + "\u{0}" + (lineBreak ?? "")).inserted else { stats.duplicates += 1; continue }
                    var next = beam
                    next.logprob += logprobs.reduce(0) { $0 + $1.logprob }
                    next.tokens += max(1, logprobs.count)
                    let nextIndent = lineBreak.map(Self.indentation(afterBreak:))
                    // The program ends with this candidate: the reply ended, or the next line is
                    // at column 0 (known from a bare break only where breaks carry indentation).
                    let ends = nextIndent.map { $0.isEmpty && breaksCarryIndentation } ?? true
                    if content.trimmingCharacters(in: .whitespaces).isEmpty {
                        if !ends {
                            // A bare break: after the header, or a blank line. Keep it in the prompt.
                            next.text += content + lineBreak!
                            pool.append(next)
                            continue
                        }
                        guard !beam.lines.isEmpty, runs(beam.lines) else { stats.raising += 1; continue }
                        next.finished = true
                        pool.append(next)
                        continue
                    }
                    let line = Self.indentation(afterBreak: beam.text) + content
                    let indent = String(line.prefix { $0 == " " || $0 == "\t" })
                    guard !indent.isEmpty else {
                        // After a bare break (SentencePiece), a line at column 0 ends the parent's program.
                        if !breaksCarryIndentation && !beam.lines.isEmpty && !parentFinished {
                            parentFinished = true
                            if runs(beam.lines) {
                                var done = beam
                                done.finished = true
                                pool.append(done)
                                continue
                            }
                        }
                        stats.raising += 1  // code outside the function
                        continue
                    }
                    next.lines.append(line)
                    next.text += content + (lineBreak ?? "")
                    let source = source(next.lines) + "\n"
                    if ProgramSandbox.check(source: ProgramSandbox.completingPrefix(source)) != nil { stats.unparseable += 1; continue }
                    let base = bodyIndent ?? (beam.lines.first.map { String($0.prefix { $0 == " " || $0 == "\t" }) } ?? indent)
                    let isFinalReturn = indent == base && line.trimmingCharacters(in: .whitespaces).hasPrefix("return")
                    if isFinalReturn || ends || next.lines.count >= maxLines {
                        guard runs(next.lines) else { stats.raising += 1; continue }
                        next.finished = true
                    } else if ProgramSandbox.runPrefix(source: source, limits: limits).error != nil {
                        stats.raising += 1
                        continue
                    }
                    pool.append(next)
                }
            }
            if bodyIndent == nil, let first = pool.first(where: { !$0.lines.isEmpty })?.lines.first {
                bodyIndent = String(first.prefix { $0 == " " || $0 == "\t" })
            }
            if let verifier {
                // Every program so far gets the scorer's verdict once; a bare break keeps its parent's lines.
                let unscored = Array(Set(pool.map(\.lines).filter { !$0.isEmpty && verdicts[$0] == nil })).sorted { $0.lexicographicallyPrecedes($1) }
                let results = try await unscored.concurrentMap { lines in
                    try await verifier.score(example: question, programSoFar: source(lines))
                }
                for (lines, v) in zip(unscored, results) {
                    verdicts[lines] = v.logprob
                    generated += v.generatedTokens
                    calls += 1
                }
                for i in pool.indices { pool[i].verdict = verdicts[pool[i].lines] }
            }
            // Deterministic order: best rank first, ties broken by the program text.
            let weight = verifierWeight
            pool.sort { a, b in
                let ra = a.rank(verifierWeight: weight), rb = b.rank(verifierWeight: weight)
                if ra != rb { return ra > rb }
                return a.text < b.text
            }
            beams = Array(pool.prefix(beamWidth))
            if beams.isEmpty { break }
        }
        stats.verdicts = verdicts.count
        let best = beams.first(where: \.finished) ?? beams.first
        let program = best.flatMap { $0.lines.isEmpty ? nil : source($0.lines) }
        let check = ProgramVerifier(task: task, limits: limits).check(program: program, example: question)
        let result = SolverResult(exampleID: example.id, program: program, output: program ?? "", answer: check.answer,
                                  failure: check.ranToAnswer ? nil : check.outcomeClass, generatedTokens: generated, modelCalls: calls)
        return Outcome(result: result, best: best, statistics: stats)
    }

    /// The prompt that asks the model to continue `beam`: the request, then the header and the
    /// beam's text, which ends on the token boundary where the next line starts.
    public func prompt(request: String, beam: Beam) -> Prompt {
        format.prompt(request: request, programSoFar: header + beam.text)
    }

    /// The text of the line-break token that ended a candidate, from its newline on (nil: the
    /// reply ended without one).
    static func lineBreak(of completion: Completion) -> String? {
        completion.logprobs?.last.flatMap { t in t.token.firstIndex(of: "\n").map { String(t.token[$0...]) } }
    }

    /// The indentation a text ending in a line break gives the next line: what follows its last newline.
    static func indentation(afterBreak text: String) -> String {
        guard let newline = text.lastIndex(of: "\n") else { return "" }
        return String(text[text.index(after: newline)...])
    }

    /// The candidate lines of every open beam, requested concurrently (a batching model
    /// decodes them together), in beam order.
    func candidates(request: String, beams: [(offset: Int, element: Beam)], step: Int) async throws -> [GenerationResponse] {
        let generations = beams.map { j, beam in
            GenerationRequest(
                prompt: prompt(request: request, beam: beam), n: candidatesPerStep,
                parameters: SamplingParameters(maxTokens: maxLineTokens, temperature: temperature,
                                               seed: seed &+ UInt64(1000 * step + 100 * j), stop: ["\n"], logprobs: true),
                adapter: adapter)
        }
        let model = self.model
        return try await generations.concurrentMap { try await model.generate($0) }
    }

    func source(_ lines: [String]) -> String {
        ([header] + lines).joined(separator: "\n")
    }

    /// Whether the complete program runs without error.
    func runs(_ lines: [String]) -> Bool {
        ProgramSandbox.run(source: source(lines), limits: limits).error == nil
    }
}
