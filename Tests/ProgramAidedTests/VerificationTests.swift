import Distillation
import ProgramAided
import ProgramSandbox
import Testing

/// Programs are run in the sandbox and judged by the task's answer comparison.
@Suite struct VerificationTests {
    let lastLetter = ProgramVerifier(task: LastLetterTask())
    let example = LastLetterTask.example(words: ["Elon", "Musk"], id: "e")

    @Test func goodProgramIsCorrect() {
        let c = lastLetter.check(program: "def solution():\n    return 'Elon'[-1] + 'Musk'[-1]", example: example)
        #expect(c.verdict == .correct)
        #expect(c.answer == "nk")
        #expect(c.resultRepr == "'nk'")
        #expect(c.outcomeClass == "correct")
    }

    @Test func wrongResultIsAWrongAnswerAndFeedbackSaysWhatItReturned() {
        let c = lastLetter.check(program: "def solution():\n    return 'nm'", example: example)
        #expect(c.verdict == .wrongAnswer)
        #expect(c.answer == "nm")
        #expect(c.outcomeClass == "WrongAnswer")
        #expect(c.feedback.contains("returned 'nm'"))
        #expect(!c.feedback.contains("nk"))
    }

    @Test func raisingProgramFailsWithThePythonErrorClass() {
        let c = lastLetter.check(program: "def solution():\n    x = 1\n    return words[0]", example: example)
        #expect(c.verdict == .failed)
        #expect(c.outcomeClass == "NameError")
        #expect(c.failure?.line == 3)
        #expect(c.feedback.contains("NameError: name 'words' is not defined (line 3)"))
        let z = lastLetter.check(program: "def solution():\n    return 1 / 0", example: example)
        #expect(z.outcomeClass == "ZeroDivisionError")
        #expect(z.failure?.category == "runtime")
    }

    @Test func unparseableProgramIsASyntaxError() {
        let c = lastLetter.check(program: "def solution():\n    return (1 +", example: example)
        #expect(c.verdict == .failed)
        #expect(c.failure?.category == "syntax")
        #expect(c.outcomeClass == "SyntaxError" || c.outcomeClass == "IndentationError")
    }

    @Test func nonTerminatingProgramHitsALimit() {
        let v = ProgramVerifier(task: LastLetterTask(), limits: SandboxLimits(steps: 20_000, cpuTime: .seconds(2)))
        let c = v.check(program: "def solution():\n    n = 0\n    while True:\n        n += 1\n    return n", example: example)
        #expect(c.verdict == .failed)
        #expect(c.failure?.category == "limit")
        #expect(c.outcomeClass == "StepLimitExceeded")
    }

    @Test func noneAndMissingProgramsAreNoAnswer() {
        #expect(lastLetter.check(program: "def solution():\n    x = 1", example: example).verdict == .noAnswer)
        #expect(lastLetter.check(reply: "   \n", example: example).verdict == .noProgram)
        #expect(lastLetter.check(program: "x = 1", example: example).outcomeClass == "NameError")
    }

    @Test func coinFlipReadsBooleansAndYesNoStrings() {
        let v = ProgramVerifier(task: CoinFlipTask())
        let heads = CoinFlipTask.example(actions: [("Ka", true), ("Sherrie", true)], id: "c")
        #expect(heads.answer == "yes")
        #expect(v.check(program: "def solution():\n    return True", example: heads).verdict == .correct)
        #expect(v.check(program: "def solution():\n    return 'Yes'", example: heads).verdict == .correct)
        #expect(v.check(program: "def solution():\n    return False", example: heads).verdict == .wrongAnswer)
        #expect(v.check(program: "def solution():\n    return 'no'", example: heads).answer == "no")
    }

    @Test func mathAnswersCompareWithNumericTolerance() {
        let v = ProgramVerifier(task: GSM8KTask())
        let e = TaskExample(id: "m", text: "?", answer: "0.3")
        #expect(v.check(program: "def solution():\n    return 0.1 + 0.2", example: e).verdict == .correct)
        let eighteen = TaskExample(id: "n", text: "?", answer: "18")
        #expect(v.check(program: "def solution():\n    return 36 / 2", example: eighteen).verdict == .correct)
        #expect(v.check(program: "def solution():\n    return '18 dollars'", example: eighteen).verdict == .correct)
        #expect(v.check(program: "def solution():\n    return 17", example: eighteen).verdict == .wrongAnswer)
    }

    @Test func canonicalAnswerMapsPythonValuesPerKind() {
        let t = ProgramSandbox.run(source: "def solution():\n    return True")
        #expect(ProgramAnswer.canonical(t.result!, kind: .yesNo) == "yes")
        let n = ProgramSandbox.run(source: "def solution():\n    return 2 ** 3")
        #expect(ProgramAnswer.canonical(n.result!, kind: .number) == "8")
        let none = ProgramSandbox.run(source: "def solution():\n    return None")
        #expect(ProgramAnswer.canonical(none.result!, kind: .number) == nil)
        let w = ProgramSandbox.run(source: "def solution():\n    return 'NK'")
        #expect(ProgramAnswer.canonical(w.result!, kind: .word) == "nk")
    }
}
