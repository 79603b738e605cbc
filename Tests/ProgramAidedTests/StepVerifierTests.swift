import Distillation
import Foundation
import Inference
import ProgramAided
import TestDoubles
import Testing

/// PaD's separate step scorer: error injection, the verifier's labelled prefixes, its verdict,
/// and beam search ranked by it.
@Suite struct StepVerifierTests {
    let task = LastLetterTask()
    let example = LastLetterTask.example(words: ["Elon", "Musk"], id: "q")

    @Test func errorInjectionEditsTheLinesStudentsGetWrong() {
        #expect(ProgramErrorInjection.edits(of: "    heads_up = not heads_up") == ["    heads_up = heads_up"])
        #expect(ProgramErrorInjection.edits(of: "    heads_up = heads_up") == ["    heads_up = not heads_up"])
        #expect(ProgramErrorInjection.edits(of: "    letter1 = word1[-1]") == ["    letter1 = word1[-2]"])
        #expect(ProgramErrorInjection.edits(of: "    word1 = \"Elon\"") == ["    word1 = \"Elox\""])
        #expect(ProgramErrorInjection.edits(of: "    result = letter1 + letter2") == ["    result = letter1 - letter2", "    result = letter2 + letter1"])
        #expect(ProgramErrorInjection.edits(of: "        if total == 10:") == ["        if total != 10:", "        if total == 11:"])
        #expect(ProgramErrorInjection.edits(of: "    return True") == ["    return False"])
        #expect(ProgramErrorInjection.edits(of: "    x2 = x1 * 3.5") == ["    x2 = x1 / 3.5"])  // no integer inside a name or a float
        #expect(ProgramErrorInjection.edits(of: "    # Ka flips").isEmpty)
        #expect(ProgramErrorInjection.edits(of: "def solution():").isEmpty)
    }

    /// Every prefix a right program starts with is right; a student's sample is wrong from the
    /// line where it leaves every right program; injected errors change the answer.
    @Test func prefixesAreLabelledByWhetherARightProgramStartsWithThem() throws {
        let gold = try #require(example.rationale?.program)
        let verified = [VerifiedProgram(exampleID: "q", program: gold, answer: "nk", source: "gold")]
        let checker = ProgramVerifier(task: task)
        let astray = "def solution():\n    word1 = \"Elon\"\n    word2 = \"Musk\"\n    letter1 = word1[0]\n    letter2 = word2[-1]\n    return letter1 + letter2"
        let right = "def solution():\n    return 'nk'"
        let attempts = [astray, right].enumerated().map { i, reply in
            ProgramAttempt(exampleID: "q", sampleIndex: i, source: "student", reply: reply, generatedTokens: 1,
                           check: checker.check(reply: reply, example: example))
        }
        let data = StepVerifierData(task: task, editsPerProgram: 2, seed: 3)
        let all = data.prefixes(examples: [example], verified: verified, studentAttempts: attempts, balanced: false)
        let byText = Dictionary(all.map { ($0.programSoFar, $0) }, uniquingKeysWith: { a, _ in a })
        let goldLines = gold.split(separator: "\n").map(String.init)
        for k in 2...goldLines.count {
            #expect(byText[goldLines.prefix(k).joined(separator: "\n")]?.isRight == true, "gold prefix of \(k) lines")
        }
        // Shared with the gold program: right (listed once); from `letter1 = word1[0]` on: wrong.
        #expect(byText["def solution():\n    word1 = \"Elon\"\n    word2 = \"Musk\""]?.origin == "verified")
        let astrayLines = astray.split(separator: "\n").map(String.init)
        for k in 4...astrayLines.count {
            #expect(byText[astrayLines.prefix(k).joined(separator: "\n")].map { !$0.isRight && $0.origin == "student" } == true, "\(k) lines")
        }
        #expect(byText[right]?.isRight == true)
        let injected = all.filter { $0.origin == "injected" }
        #expect(!injected.isEmpty && injected.count <= 4)
        #expect(injected.allSatisfy { !$0.isRight })
        for prefix in injected where prefix.programSoFar.hasSuffix("return result") {
            #expect(checker.check(program: prefix.programSoFar, example: example).verdict != .correct, "\(prefix.programSoFar)")
        }

        // Balanced: every wrong prefix, and as many right ones.
        let balanced = data.prefixes(examples: [example], verified: verified, studentAttempts: attempts)
        let wrong = all.filter { !$0.isRight }
        #expect(Set(balanced.filter { !$0.isRight }) == Set(wrong))
        #expect(balanced.filter(\.isRight).count == min(wrong.count, all.count - wrong.count))
        #expect(balanced.filter(\.isRight).allSatisfy(all.contains))
        #expect(data.prefixes(examples: [example], verified: verified, studentAttempts: attempts) == balanced)  // seeded

        let records = data.records(balanced, examples: [example])
        #expect(records.count == balanced.count)
        #expect(records.map { $0.messages.last?.content } == balanced.map { $0.isRight ? "yes" : "no" })
        #expect(records[0].messages[0].content.contains("\"Elon Musk\"") && records[0].messages[0].content.hasSuffix("Answer yes or no."))
    }

    @Test func theHeldOutCheckCountsVerdictsOnTheRightSideOfOneHalf() {
        let check = StepVerifierCheck(labels: [true, true, false, false], verdicts: [log(0.9), log(0.4), log(0.2), log(0.6)])
        #expect(check.prefixes == 4)
        #expect(check.accuracy == 0.5)
        #expect(abs(check.meanYesRight - 0.65) < 1e-12 && abs(check.meanYesWrong - 0.4) < 1e-12)
    }

    @Test func theVerdictIsTheShareOfYesAmongTheTwoAnswers() {
        let alternatives: [TokenLogprob.Alternative] = [.init(token: "yes", logprob: log(0.6)), .init(token: " Yes", logprob: log(0.2)),
                                                        .init(token: "no", logprob: log(0.1)), .init(token: "maybe", logprob: log(0.05))]
        let token = TokenLogprob(token: "yes", logprob: log(0.6), top: alternatives)
        #expect(abs(StepVerifier.verdictLogprob(token) - log(0.8 / 0.9)) < 1e-12)
        // The sampled token counts when a server leaves it out of the alternatives.
        let left = TokenLogprob(token: "No", logprob: log(0.5), top: [.init(token: "yes", logprob: log(0.25))])
        #expect(abs(StepVerifier.verdictLogprob(left) - log(1.0 / 3)) < 1e-12)
        #expect(StepVerifier.verdictLogprob(TokenLogprob(token: "hmm", logprob: 0, top: [])) == log(0.5))
        #expect(StepVerifier.verdictLogprob(TokenLogprob(token: "no", logprob: 0, top: [])) == log(1e-12))
    }

    /// A verdict the scorer gives: "no" (90%) to a program that returns the first letters.
    static func verifier() -> ScriptedModel {
        ScriptedModel { request in
            let wrong = request.userText.contains("[0]")
            let p = wrong ? 0.1 : 0.95
            return [Completion(text: wrong ? "no" : "yes", finishReason: .length, generatedTokens: 1,
                               logprobs: [TokenLogprob(token: wrong ? "no" : "yes", logprob: log(max(p, 1 - p)),
                                                       top: [.init(token: "yes", logprob: log(p)), .init(token: "no", logprob: log(1 - p))])])]
        }
    }

    /// The student likes the first letters (wrong) better than the last ones.
    static func student() -> ScriptedModel {
        ScriptedModel { request in
            switch BeamSearchTests.bodyLines(request) {
            case nil: return [BeamSearchTests.headerBreak]
            case 0: return [BeamSearchTests.line("    words = \"Elon Musk\".split()", -0.1)]
            default:
                return [BeamSearchTests.line("    return words[0][0] + words[1][0]", -0.1),
                        BeamSearchTests.line("    return words[0][-1] + words[1][-1]", -0.9)]
            }
        }
    }

    @Test func beamSearchRankedByTheVerifierKeepsTheLineItTrusts() async throws {
        let plain = StepwiseBeamSearch(model: Self.student(), adapter: "pad-program", task: task, beamWidth: 1, candidatesPerStep: 2)
        #expect(try await plain.solve(example).answer == "em")

        let scorer = Self.verifier()
        var ranked = plain
        ranked.verifier = StepVerifier(model: scorer, adapter: "pad-verifier", task: task)
        let outcome = try await ranked.search(example)
        #expect(outcome.result.answer == "nk")
        let requests = await scorer.requests
        // The first line, then each of the two returns: each program so far is asked once.
        #expect(requests.count == 3 && outcome.statistics.verdicts == 3)
        #expect(requests.allSatisfy { $0.adapter == "pad-verifier" && $0.parameters.maxTokens == 1 && $0.parameters.temperature == 0 && $0.parameters.topLogprobs == 10 })
        #expect(requests.allSatisfy { $0.userText.hasPrefix(ProgramPrompting().programRequest(task: task, example: example)) })
        #expect(requests.map(\.userText).contains { $0.contains("def solution():\n    words = \"Elon Musk\".split()\n    return words[0][-1] + words[1][-1]\n```") })
        // Verifier calls count as calls and tokens of the solver.
        let plainOutcome = try await plain.search(example)
        #expect(outcome.result.modelCalls == plainOutcome.result.modelCalls + 3)
        #expect(outcome.result.generatedTokens == plainOutcome.result.generatedTokens + 3)

        // Weight 0 ranks by the likelihood alone again.
        ranked.verifierWeight = 0
        #expect(try await ranked.solve(example).answer == "em")
    }

    /// The pipeline with `.trainedVerifier`: a student whose sampled programs are half wrong, so
    /// the verifier's data has wrong prefixes from the student and from injected errors.
    static func pipelineStudent() -> ScriptedModel {
        ScriptedModel { request in
            let answer = quotedWords(in: request.userText).map { String($0.last!).lowercased() }.joined()
            if request.adapter == "pad-verifier" {
                let right = request.userText.contains("return '\(answer)'")
                return [Completion(text: right ? "yes" : "no", finishReason: .length, generatedTokens: 1,
                                   logprobs: [TokenLogprob(token: right ? "yes" : "no", logprob: log(0.9),
                                                           top: [.init(token: right ? "yes" : "no", logprob: log(0.9)), .init(token: right ? "no" : "yes", logprob: log(0.1))])])]
            }
            if request.parameters.stop == ["\n"] {
                guard BeamSearchTests.bodyLines(request) != nil else { return [BeamSearchTests.headerBreak] }
                return [BeamSearchTests.line("    return 'zz'", -0.1), BeamSearchTests.line("    return '\(answer)'", -0.5)]
            }
            let right = Completion(text: "def solution():\n    return '\(answer)'", finishReason: .stop, generatedTokens: 5)
            let wrong = Completion(text: "def solution():\n    return '\(answer.reversed())x'", finishReason: .stop, generatedTokens: 5)
            return request.parameters.temperature > 0 ? [right, wrong] : [right]
        }
    }

    @Test func thePipelineTrainsTheVerifierAndBeamSearchAsksIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let student = Self.pipelineStudent()
        let tuner = RecordingFineTuner()
        let configuration = PaDConfiguration(
            task: task, train: LastLetterTask.generate(count: 4, seed: 1), test: LastLetterTask.generate(count: 3, seed: 2),
            trainChainOfThought: false, solvers: [.beam], beamWidth: 1, candidatesPerStep: 2, stepScorer: .trainedVerifier)
        let pipeline = PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration)
        let report = try await pipeline.run()

        #expect(await tuner.jobs.map(\.output.lastPathComponent) == ["program", "verifier"])  // wrong answers make no repair pairs
        let jobs = await tuner.jobs
        #expect(jobs[1].initialAdapter == nil)
        let records = try String(contentsOf: pipeline.artifacts.verifier, encoding: .utf8).split(separator: "\n")
        #expect(report.stepScorer == "trained" && report.verifierRecords == records.count)
        // The held-out check: the scripted verifier says yes exactly to programs returning the answer.
        let check = try #require(report.verifierCheck)
        #expect(check.prefixes > 0)
        #expect(FileManager.default.fileExists(atPath: pipeline.artifacts.verifierCheck.path))
        #expect(records.contains { $0.contains("\"content\":\"no\"") } && records.contains { $0.contains("\"content\":\"yes\"") })
        #expect(await student.loadedAdapters.contains("pad-verifier"))
        // The likelier line is wrong; the verifier turns the ranking round.
        #expect(report.evaluation("pad-beam")?.accuracy == 1)
        let calls = await student.requests.count
        #expect(await student.requests.contains { $0.adapter == "pad-verifier" })

        let again = try await PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration).run()
        #expect(again == report)
        #expect(await student.requests.count == calls)
    }

    @Test func aScorerModelIsAskedZeroShotAndNothingIsTrainedForIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let student = Self.pipelineStudent()
        let scorer = ScriptedModel { request in
            let answer = quotedWords(in: request.userText).map { String($0.last!).lowercased() }.joined()
            let right = request.userText.contains("return '\(answer)'")
            return [Completion(text: right ? "Yes" : "No", finishReason: .length, generatedTokens: 1,
                               logprobs: [TokenLogprob(token: right ? "Yes" : "No", logprob: log(0.7), top: [])])]
        }
        let tuner = RecordingFineTuner()
        let configuration = PaDConfiguration(
            task: task, train: LastLetterTask.generate(count: 2, seed: 1), test: LastLetterTask.generate(count: 3, seed: 2),
            trainChainOfThought: false, solvers: [.beam], beamWidth: 1, candidatesPerStep: 2, stepScorer: .model(scorer))
        let report = try await PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration).run()
        #expect(await tuner.jobs.map(\.output.lastPathComponent) == ["program"])
        #expect(report.stepScorer == "scripted" && report.verifierRecords == nil)
        #expect(report.evaluation("pad-beam")?.accuracy == 1)
        let asked = await scorer.requests
        #expect(!asked.isEmpty && asked.allSatisfy { $0.adapter == nil })
        #expect(await student.requests.allSatisfy { $0.adapter != "pad-verifier" })
    }
}
