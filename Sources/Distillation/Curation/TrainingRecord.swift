import Foundation
import Inference

/// One line of distill.jsonl: the System 1 prompt of an input and, as the assistant's reply,
/// the curated answer alone (no reasoning), as System 1 should learn to say it:
/// `{"messages":[{"role":"user","content":…},{"role":"assistant","content":…}]}`.
public struct TrainingRecord: Sendable, Hashable, Codable {
    /// The conversation: System 1 prompt, then the answer.
    public var messages: [ChatMessage]

    public init(messages: [ChatMessage]) {
        self.messages = messages
    }

    /// The record for `example` with curated `answer`: the prompt is exactly what `system1`
    /// (the task's built-in System 1 method unless given) sends for the example, so the distilled
    /// model is trained and evaluated on the same prompt.
    public init(task: any DistillationTask, example: TaskExample, answer: String, system1: Method? = nil) throws {
        let method = system1 ?? MethodLibrary.system1(for: task.answerKind)
        let runner = MethodRunner(method: method, task: task)
        guard let step = method.steps.first else {
            throw MethodError.invalidMethod(file: method.name, line: nil, field: "steps", reason: "System 1 method has no step")
        }
        let prompt = try runner.prompt(for: step, variables: try runner.variables(for: example, step: step))
        guard case .chat(let messages) = prompt else { throw MethodError.invalidMethod(file: method.name, line: nil, field: "steps[0]", reason: "not a chat prompt") }
        self.messages = messages + [.assistant(task.formatAnswer(answer, for: example))]
    }

    /// The record as one JSON line (keys sorted, no trailing newline).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
