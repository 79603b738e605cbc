import Foundation
import Inference

// Test doubles of the two seams, shared by the test targets that need a model or a trainer
// without running one.

/// A scripted `LanguageModel` (and adapter server): records every request and answers with the
/// completions `script(request)` returns (padded to `request.n` by repeating the last).
public actor ScriptedModel: LanguageModel, AdapterServing {
    public nonisolated let identifier = "scripted"
    public private(set) var requests: [GenerationRequest] = []
    public private(set) var loadedAdapters: [String] = []
    public let script: @Sendable (GenerationRequest) -> [Completion]

    public init(script: @escaping @Sendable (GenerationRequest) -> [Completion]) {
        self.script = script
    }

    /// A model whose every sample is `reply(request, i)`, one generated token per word.
    public init(replies: @escaping @Sendable (GenerationRequest, Int) -> String) {
        self.script = { request in
            (0..<request.n).map { i in
                let text = replies(request, i)
                return Completion(text: text, finishReason: .stop, generatedTokens: text.split(separator: " ").count)
            }
        }
    }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResponse {
        requests.append(request)
        var completions = script(request)
        while completions.count < request.n, let last = completions.last { completions.append(last) }
        return GenerationResponse(
            completions: Array(completions.prefix(request.n)),
            usage: Usage(promptTokens: 10, completionTokens: completions.reduce(0) { $0 + $1.generatedTokens }), model: identifier)
    }

    public func loadAdapter(named name: String, from path: URL) async throws {
        loadedAdapters.append(name)
    }
}

/// A `FineTuner` double: records jobs and writes a minimal adapter folder.
public actor RecordingFineTuner: FineTuner {
    public private(set) var jobs: [FineTuneJob] = []

    public init() {}

    public func fineTune(_ job: FineTuneJob, progress: @escaping @Sendable (TrainingProgress) -> Void) async throws -> FineTuneReport {
        jobs.append(job)
        try FileManager.default.createDirectory(at: job.output, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: job.output.appendingPathComponent("adapter_config.json"))
        let lines = try String(contentsOf: job.trainData, encoding: .utf8).split(separator: "\n").count
        return FineTuneReport(adapter: job.output, steps: lines, trainedTokens: 10 * lines, seconds: 0, lossCurve: [])
    }
}

extension GenerationRequest {
    /// The last user message (chat prompts) or the whole text.
    public var userText: String {
        switch prompt {
        case .chat(let messages): return messages.last { $0.role == .user }?.content ?? ""
        case .text(let t): return t
        }
    }
}
