import Distillation
import Inference
import TestDoubles
import TestSupport
import ProgramAided
import Testing

/// Teacher programs are sampled, verified against gold answers and deduplicated.
@Suite struct SynthesisTests {
    @Test func goldTeacherVerifiesEveryLastLetterQuestion() async throws {
        let examples = LastLetterTask.generate(count: 30, wordCount: 3, seed: 7)
        let s = ProgramSynthesizer(task: LastLetterTask(), teacher: .gold)
        let r = try await s.synthesize(examples)
        #expect(r.attempts.count == 30)
        #expect(r.verified.count == 30)
        #expect(r.verifiedQuestions == 30)
        #expect(r.outcomeCounts == ["correct": 30])
        #expect(r.verified.allSatisfy { $0.source == "gold" })
        #expect(r.verified.map(\.answer) == examples.map { $0.answer! })
    }

    @Test func goldTeacherVerifiesEveryCoinFlipQuestion() async throws {
        let examples = CoinFlipTask.generate(count: 30, seed: 3)
        let r = try await ProgramSynthesizer(task: CoinFlipTask(), teacher: .gold).synthesize(examples)
        #expect(r.verified.count == 30)
        #expect(Set(r.verified.map(\.answer)) == ["yes", "no"])
    }

    /// The committed GSM8K sample's annotations run to every answer in the sandbox.
    @Test func goldTeacherVerifiesTheGSM8KSampleFromItsAnnotations() async throws {
        let path = TestFiles.packageRoot.appendingPathComponent("examples/data/gsm8k.jsonl").path
        let examples = try GSM8KTask.load(path: path)
        let r = try await ProgramSynthesizer(task: GSM8KTask(), teacher: .gold).synthesize(examples)
        #expect(examples.count == 48 && r.verified.count == 48, "\(r.attempts.filter { $0.check.verdict != .correct }.map(\.check.program))")
    }

    @Test func goldTeacherWithoutAProgramRecordsNoProgram() async throws {
        let e = TaskExample(id: "g", text: "What is 2+2?", answer: "4")
        let r = try await ProgramSynthesizer(task: GSM8KTask(), teacher: .gold).synthesize([e])
        #expect(r.verified.isEmpty)
        #expect(r.attempts.map(\.check.verdict) == [.noProgram])
    }

    @Test func modelTeacherKeepsVerifiedProgramsOnceAndRecordsEveryFailure() async throws {
        let replies = [
            "```python\ndef solution():\n    return 'Elon'[-1] + 'Musk'[-1]\n```",
            "Here:\ndef solution():\n    # same program, a comment added\n    return 'Elon'[-1] + 'Musk'[-1]",
            "def solution():\n    w = 'Elon Musk'.split()\n    return w[0][-1] + w[1][-1]",
            "def solution():\n    return 'Elon'[0]",
            "def solution():\n    return name[-1]",
            "def solution(:\n    return 1",
        ]
        let model = ScriptedModel { _, i in replies[i] }
        let example = LastLetterTask.example(words: ["Elon", "Musk"], id: "q")
        let shots = LastLetterTask.generate(count: 2, seed: 1)
        let s = ProgramSynthesizer(task: LastLetterTask(), teacher: .model(model, adapter: nil), exemplars: shots + [example],
                                   samplesPerQuestion: 6, parameters: SamplingParameters(temperature: 0.8, seed: 5))
        let r = try await s.synthesize(example: example)
        #expect(r.attempts.count == 6)
        #expect(r.verified.count == 2)
        #expect(r.attempts.map(\.duplicate) == [false, true, false, false, false, false])
        #expect(r.outcomeCounts["correct"] == 3)
        #expect(r.outcomeCounts["WrongAnswer"] == 1)
        #expect(r.outcomeCounts["NameError"] == 1)
        #expect(r.outcomeCounts["SyntaxError"] == 1)
        #expect(r.verified.allSatisfy { $0.source == "scripted" && $0.answer == "nk" })

        let requests = await model.requests
        #expect(requests.count == 1)
        #expect(requests[0].n == 6)
        #expect(requests[0].parameters.seed == 5)
        guard case .chat(let messages) = requests[0].prompt else { Issue.record("not a chat prompt"); return }
        // system + 2 exemplar pairs (the question's own program is never an exemplar) + the request.
        #expect(messages.count == 6)
        #expect(messages.filter { $0.role == .assistant }.map(\.content) == shots.map { $0.rationale!.program! })
        #expect(messages.last?.content.contains("\"Elon Musk\"") == true)
    }

    @Test func trainingRecordsPairTheProgramRequestWithTheProgram() throws {
        let e = LastLetterTask.example(words: ["Ada", "Lovelace"], id: "a")
        let record = ProgramPrompting().programRecord(task: LastLetterTask(), example: e, program: e.rationale!.program!)
        #expect(record.messages.map(\.role) == [.user, .assistant])
        #expect(record.messages[0].content.contains("\"Ada Lovelace\""))
        #expect(record.messages[0].content.contains("solution()"))
        #expect(record.messages[1].content.hasPrefix("def solution():"))
        #expect(try record.jsonLine().hasPrefix("{\"messages\":[{\"content\":"))
    }
}
