import Foundation
import Inference

/// The teaching set: each labeled example's System 2 prompt answered by its gold rationale (the
/// chain of thought, or for a program method (`answer_from: program`) the gold program in a
/// Python code block), on the step that gives the method's answer: its last step. Earlier steps
/// (rar2's rephrasing, s2a's rewrite) are not taught (the model keeps doing them as it does);
/// in the taught step's prompt their outputs stand as the input itself, restated faithfully.
/// System 1's prompt never appears, so the taught model still answers System 1 prompts directly.
public enum TeachData {
    /// Chat records (System 2 prompt → gold rationale) of the examples that have one.
    public static func records(task: any DistillationTask, method: Method, examples: [TaskExample]) throws -> [TrainingRecord] {
        guard let step = taughtStep(of: method) else {
            throw MethodError.invalidMethod(file: method.name, line: nil, field: "steps", reason: "method has no step")
        }
        let earlier = method.steps.prefix { $0.name != step.name }.map(\.name)
        let runner = MethodRunner(method: method, task: task)
        return try examples.compactMap { example in
            let rationale: String?
            switch method.answerFrom ?? .text {
            case .text: rationale = example.rationale?.chainOfThought
            case .program: rationale = example.rationale?.program.map { "```python\n\($0)\n```" }
            // Tasks carry no gold per-criterion scores to teach.
            case .scoreSum: rationale = nil
            }
            guard let rationale else { return nil }
            var variables = task.templateVariables(for: example)
            for name in earlier { variables["steps." + name] = task.prompt(for: example) }
            guard case .chat(let messages) = try runner.prompt(for: step, variables: variables) else { return nil }
            return TrainingRecord(messages: messages + [.assistant(rationale)])
        }
    }

    /// The step taught: the last one, which gives the answer; the first when a step runs per
    /// item of a list (`for_each`, as BSM's), whose items no gold rationale provides.
    public static func taughtStep(of method: Method) -> MethodStep? {
        method.steps.contains { $0.forEach != nil } ? method.steps.first : method.steps.last
    }

    /// Writes `records` as chat-messages JSONL.
    public static func write(_ records: [TrainingRecord], to url: URL) throws {
        let text = try records.map { try $0.jsonLine() }.joined(separator: "\n") + (records.isEmpty ? "" : "\n")
        try AtomicFile.write(text, to: url)
    }
}
