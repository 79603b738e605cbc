import Distillation
import Inference
import TestDoubles
import ProgramAided
import Testing

/// Self-refinement data pairs the student's faulty programs with verified ones, and the
/// refining solver repairs failing programs for at most R rounds.
@Suite struct RefinementTests {
    let task = LastLetterTask()
    let example = LastLetterTask.example(words: ["Elon", "Musk"], id: "q")

    func attempt(_ id: String, _ program: String, example: TaskExample) -> ProgramAttempt {
        ProgramAttempt(exampleID: id, sampleIndex: 0, source: "student", reply: program, generatedTokens: 3,
                       check: ProgramVerifier(task: task).check(reply: program, example: example))
    }

    @Test func pairsEveryDistinctFaultyProgramWithAVerifiedOneOfItsQuestion() {
        let other = LastLetterTask.example(words: ["Ada", "Byron"], id: "r")
        let verified = [
            VerifiedProgram(exampleID: "q", program: "def solution():\n    return 'nk'", answer: "nk", source: "gold"),
            VerifiedProgram(exampleID: "q", program: "def solution():\n    return 'n' + 'k'", answer: "nk", source: "gold"),
        ]
        let attempts = [
            attempt("q", "def solution():\n    return 'Elon'[-1] + 'Musk'[-1]", example: example),  // correct: no pair
            attempt("q", "def solution():\n    return words[0]", example: example),  // NameError
            attempt("q", "def solution():\n    # again\n    return words[0]", example: example),  // same faulty program
            attempt("q", "def solution():\n    return 'nm'", example: example),  // wrong answer
            attempt("r", "def solution():\n    return 1 / 0", example: other),  // no verified program for r
        ]
        // A wrong answer is invisible at inference (no gold label), so it makes no pair by default.
        #expect(RefinementDataBuilder.pairs(attempts: attempts, verified: verified).map(\.failureClass) == ["NameError"])
        let pairs = RefinementDataBuilder.pairs(attempts: attempts, verified: verified, includeWrongAnswers: true)
        #expect(pairs.count == 2)
        #expect(pairs.map(\.failureClass) == ["NameError", "WrongAnswer"])
        #expect(pairs[0].feedback.contains("NameError: name 'words' is not defined"))
        #expect(pairs[1].feedback.contains("returned 'nm'"))
        #expect(pairs.map(\.fixedProgram) == verified.map(\.program))
        #expect(pairs[0].faultyProgram == "def solution():\n    return words[0]")

        let record = ProgramPrompting().repairRecord(task: task, example: example, pair: pairs[0])
        #expect(record.messages[0].content.contains("return words[0]"))
        #expect(record.messages[0].content.contains("NameError"))
        #expect(record.messages[1].content == verified[0].program)
    }

    @Test func studentAttemptsAskOnlyQuestionsWithVerifiedPrograms() async throws {
        let student = ScriptedModel { _, i in i == 0 ? "def solution():\n    return 'nk'" : "def solution():\n    return x" }
        let other = LastLetterTask.example(words: ["Ada", "Byron"], id: "r")
        let verified = [VerifiedProgram(exampleID: "q", program: "def solution():\n    return 'nk'", answer: "nk", source: "gold")]
        let builder = RefinementDataBuilder(task: task, samplesPerQuestion: 2)
        let attempts = try await builder.studentAttempts(student: student, adapter: "pad-program", examples: [example, other], verified: verified)
        #expect(attempts.map(\.check.outcomeClass) == ["correct", "NameError"])
        #expect(attempts.allSatisfy { $0.source == "scripted+pad-program" })
        let requests = await student.requests
        #expect(requests.count == 1)
        #expect(requests[0].adapter == "pad-program")
        #expect(RefinementDataBuilder.pairs(attempts: attempts, verified: verified).count == 1)
    }

    @Test func refiningSolverStopsAfterMaxRoundsWhenRepairsKeepFailing() async throws {
        let model = ScriptedModel { _, _ in "def solution():\n    return 1 / 0" }
        let solver = RefiningSolver(base: ProgramSolver(model: model, adapter: "p", task: task), repairAdapter: "r", maxRounds: 3)
        let r = try await solver.solve(example)
        #expect(r.repairRounds == 3)
        #expect(r.modelCalls == 4)
        #expect(r.failure == "ZeroDivisionError")
        #expect(r.answer == nil)
        let requests = await model.requests
        #expect(requests.map(\.adapter) == ["p", "r", "r", "r"])
        #expect(requests[1].userText.contains("ZeroDivisionError: division by zero"))
    }

    @Test func refiningSolverStopsAsSoonAsTheProgramRuns() async throws {
        let model = ScriptedModel { request, _ in
            request.userText.contains("This program is wrong") ? "def solution():\n    return 'nk'" : "def solution():\n    return word[-1]"
        }
        let solver = RefiningSolver(base: ProgramSolver(model: model, adapter: "p", task: task), maxRounds: 5)
        let r = try await solver.solve(example)
        #expect(r.repairRounds == 1)
        #expect(r.answer == "nk")
        #expect(r.failure == nil)
        #expect(await model.requests.map(\.adapter) == ["p", "p"])
    }

    @Test func zeroRoundsIsPlainGreedy() async throws {
        let model = ScriptedModel { _, _ in "def solution():\n    return word[-1]" }
        let r = try await RefiningSolver(base: ProgramSolver(model: model, adapter: nil, task: task), maxRounds: 0).solve(example)
        #expect(r.modelCalls == 1)
        #expect(r.failure == "NameError")
    }
}
