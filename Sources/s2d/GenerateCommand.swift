import ArgumentParser
import Foundation
import Inference

/// `s2d generate`: the pipeline's generate stage (`--task`), or completions of one prompt (`--prompt`).
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sample a System 2 method on a task's inputs into a run (--task), or complete one prompt (--prompt).",
        discussion: """
            Pipeline mode: s2d generate --task coin-flip --count 100 --method cot --samples 8 --run runs/cf
            Every model call is stored in RUN/run.sqlite; the same command resumes a killed or budget-stopped \
            run and makes no call for anything already stored.
            """)

    @OptionGroup var model: ModelOptions
    @Option(help: "The prompt text (single-prompt mode).") var prompt: String?
    @OptionGroup var pipeline: PipelineGenerateOptions
    @Flag(help: "Send the prompt as a user message through the model's chat template.") var chat = false
    @Option(help: "A system message (with --chat).") var system: String?
    @OptionGroup var sampling: SamplingOptions
    @Flag(help: "Print one JSON object (samples, finish reasons, usage) instead of text.") var json = false
    @Flag(help: "No progress lines on stderr (--task runs).") var quiet = false

    func validate() throws {
        guard (prompt == nil) != (pipeline.task == nil) else {
            throw ValidationError("give either --task TASK (pipeline mode) or --prompt TEXT (single-prompt mode)")
        }
    }

    func run() async throws {
        if pipeline.task != nil {
            try await PipelineGenerate(options: pipeline, model: model, sampling: sampling, json: json, quiet: quiet).run()
            return
        }
        let prompt = self.prompt!
        let languageModel = try await model.load()
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(system)) }
        messages.append(.user(prompt))
        let request = GenerationRequest(
            prompt: chat ? .chat(messages) : .text(prompt), n: pipeline.samples ?? 1, parameters: sampling.parameters,
            adapter: try model.adapterName())
        let start = Date()
        let response = try await languageModel.generate(request)
        let seconds = Date().timeIntervalSince(start)
        if json {
            try JSONOutput.print(GenerateOutput(response: response, seconds: seconds))
            return
        }
        for (index, completion) in response.completions.enumerated() {
            if response.completions.count > 1 {
                print("--- sample \(index + 1) (\(completion.finishReason.rawValue), \(completion.generatedTokens) tokens)")
            }
            print(completion.text)
        }
        let rate = Double(response.usage.completionTokens) / max(seconds, 1e-9)
        FileHandle.standardError.write(Data(String(
            format: "usage: %d prompt tokens, %d generated tokens in %.2f s (%.1f tok/s)\n",
            response.usage.promptTokens, response.usage.completionTokens, seconds, rate).utf8))
    }
}

/// The `--json` shape of `s2d generate`.
struct GenerateOutput: Encodable {
    struct Sample: Encodable {
        let text: String
        let finishReason: String
        let generatedTokens: Int
        let logprobs: [TokenLogprob]?
    }

    let model: String
    let samples: [Sample]
    let usage: Usage
    let seconds: Double

    init(response: GenerationResponse, seconds: Double) {
        model = response.model
        samples = response.completions.map {
            Sample(text: $0.text, finishReason: $0.finishReason.rawValue, generatedTokens: $0.generatedTokens, logprobs: $0.logprobs)
        }
        usage = response.usage
        self.seconds = seconds
    }
}
