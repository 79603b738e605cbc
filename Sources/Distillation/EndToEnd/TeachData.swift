import Foundation
import Inference

/// The teaching set: each labeled example's System 2 prompt (the method's first step, exactly as
/// evaluation sends it) answered by its gold rationale: the chain of thought, or for a program
/// method (`answer_from: program`) the gold program in a Python code block. System 1's prompt
/// never appears, so the taught model still answers System 1 prompts directly.
public enum TeachData {
    /// Chat records (System 2 prompt → gold rationale) of the examples that have one.
    public static func records(task: any DistillationTask, method: Method, examples: [TaskExample]) throws -> [TrainingRecord] {
        guard let step = method.steps.first else {
            throw MethodError.invalidMethod(file: method.name, line: nil, field: "steps", reason: "method has no step")
        }
        let runner = MethodRunner(method: method, task: task)
        return try examples.compactMap { example in
            let rationale: String?
            switch method.answerFrom ?? .text {
            case .text: rationale = example.rationale?.chainOfThought
            case .program: rationale = example.rationale?.program.map { "```python\n\($0)\n```" }
            }
            guard let rationale else { return nil }
            guard case .chat(let messages) = try runner.prompt(for: step, variables: task.templateVariables(for: example)) else { return nil }
            return TrainingRecord(messages: messages + [.assistant(rationale)])
        }
    }

    /// Writes `records` as chat-messages JSONL.
    public static func write(_ records: [TrainingRecord], to url: URL) throws {
        let text = try records.map { try $0.jsonLine() }.joined(separator: "\n") + (records.isEmpty ? "" : "\n")
        try AtomicFile.write(text, to: url)
    }
}
