import Distillation
import Inference
import TestDoubles
import ProgramAided
import Testing

/// Stepwise-verified decoding drops lines that do not parse or raise and keeps the most likely valid program.
@Suite struct BeamSearchTests {
    let task = LastLetterTask()
    let example = LastLetterTask.example(words: ["Elon", "Musk"], id: "q")

    /// A candidate line as a byte-level BPE model writes it after a prompt ending in the break
    /// `"\n   "`: the line without those three spaces, one token per word, then the break token
    /// that opens the next line (log-probability 0).
    static func line(_ text: String, _ lp: Double) -> Completion {
        let content = String(text.dropFirst(3))
        let tokens = content.split(separator: " ").map { TokenLogprob(token: String($0), logprob: lp) }
            + [TokenLogprob(token: "\n   ", logprob: 0)]
        return Completion(text: content, finishReason: .stop, generatedTokens: tokens.count, logprobs: tokens)
    }

    /// The break after the header line: no text, one break token.
    static let headerBreak = Completion(text: "", finishReason: .stop, generatedTokens: 1, logprobs: [TokenLogprob(token: "\n   ", logprob: 0)])

    /// The program so far in a beam-search prompt, and its body lines written (nil: header only).
    static func bodyLines(_ request: GenerationRequest) -> Int? {
        let program = request.userText.components(separatedBy: "<|im_start|>assistant\n").last ?? ""
        let breaks = program.filter { $0 == "\n" }.count
        return breaks == 0 ? nil : breaks - 1
    }

    /// Proposes lines depending on how many body lines the prompt's program already has.
    static func model() -> ScriptedModel {
        ScriptedModel { request in
            switch bodyLines(request) {
            case nil:
                return [headerBreak]
            case 0:
                return [
                    line("    words = names.split()", -0.01),  // most likely, raises NameError
                    line("    words = (\"Elon Musk\"", -0.02),  // does not parse
                    line("    words = \"Elon Musk\".split()", -0.3),  // valid
                    line("    return 'xy'", -3.0),  // valid, finished, unlikely
                ]
            case 1:
                return [
                    line("    return words[5]", -0.05),  // raises IndexError when run
                    line("    return words[0][-1] + words[1][-1]", -0.2),
                    line("    return words[0][-1] + words[1][-1]", -0.2),  // duplicate
                    line("    last = [w[-1] for w in words]", -1.5),
                ]
            default:
                return [line("    return ''.join(last)", -1.0)]
            }
        }
    }

    @Test func picksTheMostLikelyValidProgram() async throws {
        let model = Self.model()
        let search = StepwiseBeamSearch(model: model, adapter: "pad-program", task: task, beamWidth: 2, candidatesPerStep: 4)
        let outcome = try await search.search(example)
        #expect(outcome.result.program == "def solution():\n    words = \"Elon Musk\".split()\n    return words[0][-1] + words[1][-1]")
        #expect(outcome.result.answer == "nk")
        #expect(outcome.result.failure == nil)
        #expect(outcome.best?.finished == true)
        #expect(outcome.statistics.unparseable == 1)
        #expect(outcome.statistics.raising == 2)
        // 3 at the header's break (one break repeated 4 times), one at step 1; at step 2 the
        // model's single line is repeated 4 times.
        #expect(outcome.statistics.duplicates == 7)
        let requests = await model.requests
        #expect(requests.allSatisfy { $0.parameters.stop == ["\n"] && $0.parameters.logprobs && $0.n == 4 && $0.adapter == "pad-program" })
        // The header's break once; the first line once; the second once (the finished 'xy' beam
        // is not extended); the third extends the `last = …` beam before the best beam wins.
        #expect(requests.count == 4)
        // Every candidate's tokens count, break tokens included: 4×1 for the header's break,
        // 4+5+5+3 for the first line, 3+5+5+8 for the second, 4×3 for the third.
        #expect(outcome.result.generatedTokens == 4 + 17 + 21 + 12)
        guard case .text(let first) = requests[0].prompt else { Issue.record("not a text prompt"); return }
        #expect(first.hasSuffix("<|im_start|>assistant\ndef solution():"))
        guard case .text(let second) = requests[1].prompt else { Issue.record("not a text prompt"); return }
        #expect(second.hasSuffix("<|im_start|>assistant\ndef solution():\n   "))
        #expect(first.contains("\"Elon Musk\""))
    }

    @Test func aSingleBeamStillFindsTheValidProgram() async throws {
        let search = StepwiseBeamSearch(model: Self.model(), adapter: nil, task: task, beamWidth: 1, candidatesPerStep: 4)
        let r = try await search.solve(example)
        #expect(r.answer == "nk")
    }

    @Test func missingLogprobsIsAnError() async throws {
        let model = ScriptedModel { _, _ in "    return 'nk'" }
        let search = StepwiseBeamSearch(model: model, adapter: nil, task: task)
        await #expect(throws: PaDError.missingLogprobs(model: "scripted")) { try await search.solve(example) }
    }

    @Test func stopsAtMaxLines() async throws {
        let model = ScriptedModel { request in [Self.bodyLines(request) == nil ? Self.headerBreak : Self.line("    x = 1", -0.1)] }
        let search = StepwiseBeamSearch(model: model, adapter: nil, task: task, beamWidth: 1, candidatesPerStep: 1, maxLines: 3)
        let outcome = try await search.search(example)
        #expect(outcome.result.program == "def solution():\n    x = 1\n    x = 1\n    x = 1")
        #expect(outcome.result.failure == "NoAnswer")
        #expect(await model.requests.count == 4)
    }

    @Test func aBreakBackToColumnZeroOrTheEndOfTheReplyFinishesTheProgram() async throws {
        for ending in [TokenLogprob(token: "\n", logprob: 0), TokenLogprob(token: "<|im_end|>", logprob: 0)] {
            let model = ScriptedModel { request in
                guard Self.bodyLines(request) != nil else { return [Self.headerBreak] }
                let content = " last = 'nk'"
                return [Completion(text: content, finishReason: .stop, generatedTokens: 4,
                                   logprobs: [TokenLogprob(token: content, logprob: -0.1), ending])]
            }
            let search = StepwiseBeamSearch(model: model, adapter: nil, task: task, beamWidth: 1, candidatesPerStep: 1)
            let outcome = try await search.search(example)
            #expect(outcome.best?.finished == true)
            #expect(outcome.result.program == "def solution():\n    last = 'nk'")
            #expect(await model.requests.count == 2)
        }
    }

    /// A line as SentencePiece writes it: the indentation as one token, a token per word, then a
    /// bare "\n" (or the end of the turn).
    static func sentencePieceLine(_ text: String, _ lp: Double, break lineBreak: Bool = true) -> Completion {
        let indent = String(text.prefix { $0 == " " }), rest = String(text.dropFirst(indent.count))
        let tokens = (indent.isEmpty ? [] : [TokenLogprob(token: indent, logprob: lp)])
            + rest.split(separator: " ").map { TokenLogprob(token: " " + $0, logprob: lp) }
            + (lineBreak ? [TokenLogprob(token: "\n", logprob: 0)] : [TokenLogprob(token: "<end_of_turn>", logprob: 0)])
        return Completion(text: text, finishReason: .stop, generatedTokens: tokens.count, logprobs: tokens)
    }

    /// SentencePiece (Gemma 3) ends a line with a bare "\n" token and starts the next with its
    /// indentation: the program stays open after each line (the header's break is bare, so a bare
    /// break does not mean column 0) and ends when a candidate starts at column 0 or the reply ends.
    @Test func bareBreaksKeepTheProgramOpenUntilALineAtColumnZero() async throws {
        for endsAtColumnZero in [true, false] {
            let model = ScriptedModel { request in
                switch Self.bodyLines(request) {
                case nil: return [Completion(text: "", finishReason: .stop, generatedTokens: 1, logprobs: [TokenLogprob(token: "\n", logprob: 0)])]
                case 0: return [Self.sentencePieceLine("    words = \"Elon Musk\".split()", -0.1)]
                case 1: return [Self.sentencePieceLine("    last = words[0][-1] + words[1][-1]", -0.1)]
                default: return [endsAtColumnZero ? Self.sentencePieceLine("print(solution())", -0.1) : Self.sentencePieceLine("", 0, break: false)]
                }
            }
            let search = StepwiseBeamSearch(model: model, adapter: nil, task: task, beamWidth: 1, candidatesPerStep: 1)
            let outcome = try await search.search(example)
            #expect(outcome.best?.finished == true)
            #expect(outcome.result.program == "def solution():\n    words = \"Elon Musk\".split()\n    last = words[0][-1] + words[1][-1]")
            #expect(outcome.statistics.raising == 0)
            let requests = await model.requests
            #expect(requests.count == 4)  // the header's break, two lines, the step that ends the program
            guard case .text(let third) = requests[2].prompt else { Issue.record("not a text prompt"); return }
            #expect(third.hasSuffix("def solution():\n    words = \"Elon Musk\".split()\n"))
        }
    }
}
