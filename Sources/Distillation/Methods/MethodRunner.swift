import Foundation
import Inference
import ProgramSandbox

/// Runs a method on one input through a `LanguageModel`.
///
/// Seeds: `parameters.seed` is the run's seed; every call of sample `i` of an input uses
/// `SampleSeed.seed(runSeed: parameters.seed, inputID: example.id, sampleIndex: i)`, so the
/// samples of different inputs draw from different streams, and sample `i` of a run with
/// `samples(count:)` is the same as `run(sampleIndex: i)` alone (the first step's `n`-request
/// draws sample `i` with that seed too, since an input's sample seeds are consecutive).
public struct MethodRunner: Sendable {
    /// The program to run.
    public let method: Method
    /// The task that renders inputs and parses answers.
    public let task: any DistillationTask
    /// Worked examples for `{exemplars}` (those with a gold chain of thought are used); the
    /// task's own `fewShotExemplars` when none are given.
    public let exemplars: [TaskExample]
    /// The model adapter to ask for; nil is the base model.
    public let adapter: String?

    public init(method: Method, task: any DistillationTask, exemplars: [TaskExample] = [], adapter: String? = nil) {
        self.method = method
        self.task = task
        self.exemplars = exemplars.isEmpty ? task.fewShotExemplars : exemplars
        self.adapter = adapter
    }

    /// One sample of the method on `example`.
    public func run(
        model: any LanguageModel, example: TaskExample, parameters: SamplingParameters, sampleIndex: Int = 0
    ) async throws -> MethodTrace {
        try await continueRun(model: model, example: example, parameters: parameters, sampleIndex: sampleIndex, first: nil)
    }

    /// `count` samples of the method on `example` (sample indices 0..<count). With
    /// `batchFirstStep`, the first step's samples are drawn in one request with `n = count`
    /// (the model can share the prompt); the later steps of each sample then run concurrently.
    public func samples(
        model: any LanguageModel, example: TaskExample, parameters: SamplingParameters, count: Int,
        batchFirstStep: Bool = true
    ) async throws -> [MethodTrace] {
        try await samples(model: model, example: example, parameters: parameters, indices: 0..<count, batchFirstStep: batchFirstStep)
    }

    /// The samples with the given indices (each identical to `run(sampleIndex:)` alone), the
    /// first step batched into one `n`-request when `batchFirstStep`.
    public func samples(
        model: any LanguageModel, example: TaskExample, parameters: SamplingParameters, indices: Range<Int>,
        batchFirstStep: Bool = true
    ) async throws -> [MethodTrace] {
        let count = indices.count
        guard count > 0 else { return [] }
        let base = indices.lowerBound
        var firsts: [CallRecord?] = Array(repeating: nil, count: count)
        if batchFirstStep, count > 1, let step = method.steps.first {
            let vars = try variables(for: example, step: step)
            let prompt = try prompt(for: step, variables: vars)
            var p = step.parameters(from: parameters)
            p.seed = SampleSeed.seed(runSeed: parameters.seed, inputID: example.id, sampleIndex: base)
            let (response, seconds) = try await timed { try await model.generate(GenerationRequest(prompt: prompt, n: count, parameters: p, adapter: adapter)) }
            guard response.completions.count == count else {
                throw MethodError.missingCompletion(method: method.name, step: step.name, expected: count, got: response.completions.count)
            }
            for (i, c) in response.completions.enumerated() {
                firsts[i] = CallRecord(
                    step: step.name, prompt: prompt, output: c.text, finishReason: c.finishReason,
                    promptTokens: i == 0 ? response.usage.promptTokens : 0, generatedTokens: c.generatedTokens,
                    latencySeconds: seconds, seed: p.seed &+ UInt64(i))
            }
        }
        let seeded = firsts
        return try await Array(0..<count).concurrentMap { i in
            try await continueRun(model: model, example: example, parameters: parameters, sampleIndex: base + i, first: seeded[i])
        }
    }

    /// Runs the steps of sample `sampleIndex`, starting after `first` when the first step's
    /// output is already known; with `bothOrders`, then again on the swapped input.
    func continueRun(
        model: any LanguageModel, example: TaskExample, parameters: SamplingParameters, sampleIndex: Int, first: CallRecord?
    ) async throws -> MethodTrace {
        let seed = SampleSeed.seed(runSeed: parameters.seed, inputID: example.id, sampleIndex: sampleIndex)
        let shown = try await runSteps(model: model, example: example, parameters: parameters, seed: seed, first: first)
        var calls = shown.calls, final = shown.final, answer = shown.answer
        if method.bothOrders == true, let swap = task.perturbations(of: example, seed: seed).first {
            let swapped = try await runSteps(model: model, example: swap.example, parameters: parameters, seed: seed, first: nil)
            calls += swapped.calls
            final += "\n\n(The same, with the responses swapped.)\n" + swapped.final
            let mapped = swapped.answer.map(swap.mapping.mapBack)
            // Two verdicts that differ only by position are no verdict: a tie where the task has one.
            if answer != mapped { answer = task.answerKind == .verdict && answer != nil && mapped != nil ? "tie" : nil }
        }
        return MethodTrace(method: method.name, exampleID: example.id, sampleIndex: sampleIndex, calls: calls, finalOutput: final, answer: answer)
    }

    /// One pass of the steps on `example`: the calls, the answer step's output and the answer.
    func runSteps(
        model: any LanguageModel, example: TaskExample, parameters: SamplingParameters, seed: UInt64, first: CallRecord?
    ) async throws -> (calls: [CallRecord], final: String, answer: String?) {
        var outputs: [String: String] = [:]
        var calls: [CallRecord] = []
        for (k, step) in method.steps.enumerated() {
            if k == 0, let first {
                calls.append(first)
                outputs[step.name] = first.output
                continue
            }
            var p = step.parameters(from: parameters)
            p.seed = seed
            var vars = try variables(for: example, step: step)
            for (name, text) in outputs { vars["steps." + name] = text }
            if let source = step.forEach {
                let items = ListItems.split(outputs[source] ?? "", limit: step.maxItems ?? 5)
                var parts: [String] = []
                for (j, item) in items.enumerated() {
                    vars["item"] = item
                    vars["item_index"] = String(j + 1)
                    let record = try await call(model, step: step, item: j, variables: vars, parameters: p)
                    calls.append(record)
                    parts.append("\(j + 1). \(item)\n\(record.output.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
                outputs[step.name] = parts.joined(separator: "\n\n")
            } else {
                let record = try await call(model, step: step, item: nil, variables: vars, parameters: p)
                calls.append(record)
                outputs[step.name] = record.output
            }
        }
        let final = outputs[method.answerStep] ?? ""
        if method.answerFrom == .scoreSum {
            let evaluations = calls.filter { $0.step == method.answerStep }.map(\.output)
            return (calls, final, ScoreSum.verdict(evaluations))
        }
        return (calls, final, answer(from: final, for: example))
    }

    /// The answer `output` states: parsed by the task, or, for a program method, the return
    /// value of the program in it (nil when there is none, or it raises or breaks a limit).
    public func answer(from output: String, for example: TaskExample) -> String? {
        switch method.answerFrom ?? .text {
        case .text:
            return task.parseAnswer(output, for: example)
        case .scoreSum:
            // Read from the whole output: the evaluations, one per item, are all in it.
            return ScoreSum.verdict(output.components(separatedBy: "\n\n"))
        case .program:
            guard let program = ProgramExtraction.program(in: output) else { return nil }
            let outcome = ProgramSandbox.run(source: program, call: "solution", limits: .default)
            guard outcome.error == nil, let value = outcome.result else { return nil }
            return ProgramAnswer.canonical(value, kind: task.answerKind)
        }
    }

    func call(
        _ model: any LanguageModel, step: MethodStep, item: Int?, variables: [String: String], parameters: SamplingParameters
    ) async throws -> CallRecord {
        let prompt = try prompt(for: step, variables: variables)
        let (response, seconds) = try await timed {
            try await model.generate(GenerationRequest(prompt: prompt, n: 1, parameters: parameters, adapter: adapter))
        }
        guard let c = response.completions.first else {
            throw MethodError.missingCompletion(method: method.name, step: step.name, expected: 1, got: 0)
        }
        return CallRecord(
            step: step.name, item: item, prompt: prompt, output: c.text, finishReason: c.finishReason,
            promptTokens: response.usage.promptTokens, generatedTokens: c.generatedTokens, latencySeconds: seconds,
            seed: parameters.seed)
    }

    /// The task's variables for `example`, plus `{exemplars}` when the step uses it.
    func variables(for example: TaskExample, step: MethodStep) throws -> [String: String] {
        var vars = task.templateVariables(for: example)
        if step.usesExemplars {
            let shots = exemplars.filter { $0.rationale?.chainOfThought != nil && $0.id != example.id }
            guard !shots.isEmpty else { throw MethodError.noExemplars(method: method.name, step: step.name) }
            vars["exemplars"] = shots.map { "Question: \(task.prompt(for: $0))\nAnswer: \($0.rationale!.chainOfThought!)" }
                .joined(separator: "\n\n")
        }
        return vars
    }

    /// The chat prompt of `step` for these variables: an optional system message and the user message.
    public func prompt(for step: MethodStep, variables: [String: String]) throws -> Prompt {
        var messages: [ChatMessage] = []
        if let system = step.system { messages.append(.system(try render(system, step: step, variables: variables))) }
        messages.append(.user(try render(step.prompt, step: step, variables: variables)))
        return .chat(messages)
    }

    func render(_ template: String, step: MethodStep, variables: [String: String]) throws -> String {
        let (text, missing) = Template.render(template, variables: variables)
        if let name = missing.first { throw MethodError.missingVariable(method: method.name, step: step.name, name: name) }
        return text
    }

    func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        let d = clock.now - start
        return (value, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
}

/// Splitting a model's list ("1. Correctness: ...", "- Clarity", "* Depth") into items.
public enum ListItems {
    /// The list items of `text` with their markers removed, at most `limit`; when no line
    /// looks like a list item, the non-empty lines; when there are none, the whole text.
    public static func split(_ text: String, limit: Int) -> [String] {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var items: [String] = []
        for line in lines {
            if let rest = stripMarker(line) { items.append(rest) }
        }
        if items.isEmpty { items = lines }
        if items.isEmpty, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            items = [text.trimmingCharacters(in: .whitespacesAndNewlines)]
        }
        return Array(items.prefix(limit))
    }

    static func stripMarker(_ line: String) -> String? {
        var s = Substring(line)
        if let f = s.first, "-*•".contains(f) {
            s = s.dropFirst()
        } else {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 2 else { return nil }
            s = s.dropFirst(digits.count)
            guard let m = s.first, m == "." || m == ")" || m == ":" else { return nil }
            s = s.dropFirst()
        }
        let rest = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "**", with: "")
        return rest.isEmpty ? nil : rest
    }
}
