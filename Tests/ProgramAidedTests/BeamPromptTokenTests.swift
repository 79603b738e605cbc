import Distillation
import Foundation
import Inference
import ModelFiles
import ProgramAided
import Testing
import TestSupport
import Tokenizers

/// Stepwise decoding must show the student the tokens it was trained on: the chat template's
/// rendering of the request, then the program so far cut at a token boundary of the training
/// text (a prompt ending in a bare "\n" splits the "\n   " token every indented line starts with).
@Suite struct BeamPromptTokenTests {
    /// A student that writes the training program exactly: it tokenizes each text prompt with
    /// the real tokenizer, records whether the tokens are a prefix of the training sequence, and
    /// replies with the training tokens that follow, up to and including the next line break.
    actor ReplayStudent: LanguageModel {
        nonisolated let identifier = "replay"
        let tokenizer: Tokenizer
        let target: [Int]
        private(set) var prompts: [[Int]] = []

        init(tokenizer: Tokenizer, target: [Int]) {
            self.tokenizer = tokenizer
            self.target = target
        }

        func generate(_ request: GenerationRequest) async throws -> GenerationResponse {
            guard case .text(let prompt) = request.prompt else { throw TestFileError("beam search sent a chat prompt") }
            let ids = tokenizer.encode(prompt, parseSpecial: true)
            prompts.append(ids)
            guard target.starts(with: ids) else {
                throw TestFileError("prompt tokens leave the training sequence at token \(zip(ids, target).prefix { $0 == $1 }.count): \(prompt.debugDescription)")
            }
            var logprobs: [TokenLogprob] = []
            var text = ""
            for id in target[ids.count...] {
                let piece = tokenizer.decode([id])
                logprobs.append(TokenLogprob(token: piece, logprob: -0.1))
                if id == tokenizer.endOfTurnTokenID { break }
                if let newline = piece.firstIndex(of: "\n") {
                    text += piece[..<newline]
                    break
                }
                text += piece
            }
            let completion = Completion(text: text, finishReason: .stop, generatedTokens: logprobs.count, logprobs: logprobs)
            return GenerationResponse(completions: Array(repeating: completion, count: request.n), usage: Usage(), model: identifier)
        }
    }

    static func tokenizer(_ model: String = "smollm2") throws -> Tokenizer {
        try Tokenizer(gguf: GGUFFile(path: model == "gemma3" ? TestFiles.gemma3() : TestFiles.smolLM2()))
    }

    static let examples = [
        CoinFlipTask.example(actions: [("Ka", true), ("Sherrie", false), ("Bo", true)], id: "coin"),
        LastLetterTask.example(words: ["Elon", "Musk"], id: "letters"),
    ]

    /// SmolLM2 (byte-level BPE: breaks carry the indentation) with its fixed ChatML format and
    /// with its own template; Gemma 3 (SentencePiece: bare "\n" tokens) with its template.
    @Test(arguments: ["smollm2", "smollm2-template", "gemma3-template"], examples)
    func everyPromptIsAPrefixOfTheTrainingTokens(student model: String, example: TaskExample) async throws {
        let tokenizer = try Self.tokenizer(model.hasPrefix("gemma3") ? "gemma3" : "smollm2")
        let format: ProgramPrefixFormat = model.hasSuffix("-template") ? .chatTemplate(tokenizer) : .smolLM2
        let task: any DistillationTask = example.id == "coin" ? CoinFlipTask() : LastLetterTask()
        let prompting = ProgramPrompting()
        let request = prompting.programRequest(task: task, example: example)
        let program = try #require(example.rationale?.program)
        let training = try tokenizer.encodeChat(
            [ChatTurn(role: "user", content: request), ChatTurn(role: "assistant", content: program)], addGenerationPrompt: false)
        let student = ReplayStudent(tokenizer: tokenizer, target: training)

        let search = StepwiseBeamSearch(model: student, adapter: nil, task: task, format: format, beamWidth: 1, candidatesPerStep: 1)
        let outcome = try await search.search(example)

        #expect(outcome.result.program == program)
        #expect(outcome.result.answer == example.answer)
        let prompts = await student.prompts
        // The header's break, then one per body line (the last line's return ends the program).
        #expect(prompts.count == program.split(separator: "\n").count, "\(model)")
        // The first prompt is the chat template's generation prompt (rendered once: no second
        // template around it) followed by the header.
        let generationPrompt = try tokenizer.encodeChat([ChatTurn(role: "user", content: request)], addGenerationPrompt: true)
        #expect(prompts.first.map { Array($0.prefix(generationPrompt.count)) } == generationPrompt)
        #expect(prompts.first.map { tokenizer.decode(Array($0.dropFirst(generationPrompt.count))) } == "def solution():")
    }

    @Test func theTextPromptOfAnEmptyProgramIsTheChatTemplatesRendering() throws {
        let tokenizer = try Self.tokenizer()
        let request = "Take the last letters of \"Ada Lovelace\"."
        guard case .text(let text) = ProgramPrefixFormat.smolLM2.prompt(request: request, programSoFar: "") else {
            Issue.record("not a text prompt")
            return
        }
        #expect(tokenizer.encode(text, parseSpecial: true)
                == (try tokenizer.encodeChat([ChatTurn(role: "user", content: request)], addGenerationPrompt: true)))
        // The student's own template gives SmolLM2 the same text.
        guard case .text(let rendered) = ProgramPrefixFormat.chatTemplate(tokenizer).prompt(request: request, programSoFar: "x") else {
            Issue.record("not a text prompt")
            return
        }
        #expect(rendered == text + "x")
    }
}
