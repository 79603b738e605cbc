import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

struct CurationRecordTests {
    @Test(arguments: [
        ("The most consistent response is Response 3.", 2),
        ("Responses 1, 2 and 4 agree on 18, Response 3 says 20. The most consistent response is Response 2", 1),
        ("**The most consistent response is Response 1**", 0),
        ("Response 2 and Response 4 both say 18, so I choose Response 4.", 3),
        ("[[2]]", 1),
        ("3", 2),
        ("The most consistent response is Response 9.", nil),
        ("None of them agree.", nil),
    ] as [(String, Int?)])
    func uscChoiceIsParsed(text: String, expected: Int?) {
        #expect(UniversalSelfConsistency.parseChoice(text, count: 4) == expected)
    }

    @Test func uscAsksTheModelAndReturnsTheChosenIndex() async throws {
        let model = ScriptedModel { _, _ in "The most consistent response is Response 2." }
        let usc = UniversalSelfConsistency()
        let sel = try await usc.select(model: model, question: "What is 2+2?", responses: ["It is 5.", "It is 4.", "Four, so 4."])
        #expect(sel.index == 1)
        let text = await model.requests[0].userText
        #expect(text.contains("What is 2+2?"))
        #expect(text.contains("Response 1:\nIt is 5.\n\nResponse 2:\nIt is 4.\n\nResponse 3:\nFour, so 4."))
        #expect(text.contains("3 responses"))
        #expect(sel.call.generatedTokens == 7)
    }

    @Test func trainingRecordIsTheSystem1PromptAndTheAnswerAlone() throws {
        let task = LastLetterTask()
        let ex = LastLetterTask.example(words: ["Elon", "Musk"], id: "e")
        let record = try TrainingRecord(task: task, example: ex, answer: "nk")
        #expect(record.messages.count == 2)
        #expect(record.messages[0].role == .user)
        #expect(record.messages[0].content.hasPrefix(task.prompt(for: ex)))
        #expect(record.messages[1] == .assistant("nk"))
        let line = try record.jsonLine()
        #expect(!line.contains("\n"))
        let back = try JSONDecoder().decode(TrainingRecord.self, from: Data(line.utf8))
        #expect(back == record)
        #expect(line.hasPrefix("{\"messages\":[{\"content\":"))
        // The distilled System 1 is evaluated with the same prompt it was trained on.
        let system1 = try MethodLibrary.builtin.method(named: "system1")
        let runner = MethodRunner(method: system1, task: task)
        #expect(try runner.prompt(for: system1.steps[0], variables: task.templateVariables(for: ex)) == .chat([record.messages[0]]))
    }

    @Test func trainingTargetsAreParsedBackToTheAnswer() throws {
        let cases: [(any DistillationTask, TaskExample, String)] = [
            (LastLetterTask(), LastLetterTask.example(words: ["Ada", "Page"], id: "l"), "ae"),
            (CoinFlipTask(), CoinFlipTask.example(actions: [("Ka", true)], id: "c"), "no"),
            (PairwiseJudgeTask(), TaskExample(id: "p", text: "q", responses: ["x", "y"]), "tie"),
            (GSM8KTask(), TaskExample(id: "g", text: "q"), "1250"),
            (BiasedQATask(), TaskExample(id: "b", text: "q", options: ["London", "Paris"]), "B"),
        ]
        for (task, ex, answer) in cases {
            let target = try TrainingRecord(task: task, example: ex, answer: answer).messages.last!.content
            #expect(task.parseAnswer(target, for: ex).map { task.answersMatch($0, answer) } == true, "\(task.name): \(target)")
        }
    }
}
