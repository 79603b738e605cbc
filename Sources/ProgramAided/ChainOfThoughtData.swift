import Distillation
import Inference

/// The chain-of-thought baseline's training data: each training question's gold chain of
/// thought, or, when it has none and a teacher model is given, the teacher's greedy chain of
/// thought kept only when the answer read from it is right (the same filter programs pass).
public struct ChainOfThoughtData: Sendable {
    /// The task.
    public var task: any DistillationTask
    /// Prompt wording (the baseline student is evaluated on the same request).
    public var prompting: ProgramPrompting
    /// Teacher sampling for questions without a gold chain of thought.
    public var parameters: SamplingParameters
    /// Questions in flight at once.
    public var concurrency: Int

    public init(task: any DistillationTask, prompting: ProgramPrompting = ProgramPrompting(),
                parameters: SamplingParameters = .greedy(maxTokens: 384), concurrency: Int = 4) {
        self.task = task
        self.prompting = prompting
        self.parameters = parameters
        self.concurrency = max(1, concurrency)
    }

    /// One training record per example that has a gold or verified teacher chain of thought,
    /// in example order. `teacher` nil (or `.gold`) uses gold rationales only.
    public func records(for examples: [TaskExample], teacher: ProgramTeacher?) async throws -> [TrainingRecord] {
        let out = try await examples.concurrentMap(limit: concurrency) { example -> TrainingRecord? in
            if let gold = prompting.chainOfThoughtRecord(task: task, example: example) { return gold }
            guard case .model(let model, let adapter) = teacher else { return nil }
            let request = prompting.chainOfThoughtRequest(task: task, example: example)
            let response = try await model.generate(GenerationRequest(prompt: .chat([.user(request)]), n: 1, parameters: parameters, adapter: adapter))
            guard let text = response.completions.first?.text,
                  let answer = task.parseAnswer(text, for: example), task.isCorrect(answer, for: example) else { return nil }
            return TrainingRecord(messages: [.user(request), .assistant(text.trimmingCharacters(in: .whitespacesAndNewlines))])
        }
        return out.compactMap { $0 }
    }
}
