import Distillation
import Inference
import TestDoubles
import ProgramAided
import Testing

/// The baseline's data: gold chains of thought, else a teacher's whose answer is right.
@Suite struct ChainOfThoughtDataTests {
    @Test func goldFirstThenOnlyVerifiedTeacherReasoning() async throws {
        let gold = TaskExample(id: "g", text: "1+1?", answer: "2", rationale: Rationale(chainOfThought: "1+1 is 2.\nThe answer is 2."))
        let right = TaskExample(id: "r", text: "2+3?", answer: "5")
        let wrong = TaskExample(id: "w", text: "4+4?", answer: "8")
        let teacher = ScriptedModel { request, _ in
            request.userText.hasPrefix("2+3?") ? "2 plus 3 is 5.\nThe answer is 5." : "4 plus 4 is 9.\nThe answer is 9."
        }
        let data = ChainOfThoughtData(task: GSM8KTask())
        let records = try await data.records(for: [gold, right, wrong], teacher: .model(teacher, adapter: nil))
        #expect(records.map { $0.messages[1].content } == ["1+1 is 2.\nThe answer is 2.", "2 plus 3 is 5.\nThe answer is 5."])
        #expect(records.allSatisfy { $0.messages[0].content.contains("Let's think step by step") })
        #expect(await teacher.requests.count == 2)

        let goldOnly = try await data.records(for: [gold, right], teacher: .gold)
        #expect(goldOnly.count == 1)
    }
}
