import Foundation
import ModelFiles
import Synchronization
import Tokenizers
import Transformer

/// The embedded default: our own Swift engine running a GGUF model on this CPU.
///
/// Concurrent `generate` calls are decoded together by one continuous-batching loop
/// (`TokenGenerator`), so callers get throughput by issuing requests concurrently.
///
/// Fine-tuned variants load by name: LoRA adapters into the same loop, fully fine-tuned models
/// (a folder with `model.gguf`) as a model of their own that requests naming them go to.
public final class EmbeddedLanguageModel: AdapterServing {
    public let identifier: String
    public let tokenizer: Tokenizer
    public let generator: TokenGenerator
    /// How variants are loaded: as this model was.
    private let settings: (precision: Precision, threads: Int, maximumBatch: Int, maximumLength: Int)
    /// Fully fine-tuned models by the name requests use for them.
    private let variants = Mutex<[String: EmbeddedLanguageModel]>([:])

    /// Loads the GGUF file at `path`.
    /// - Parameters:
    ///   - identifier: the model's name in cache keys and responses (default `gguf:<path>`).
    ///   - precision: `.quantized` (fast, the default) or `.float32` (the reference path).
    ///   - maximumBatch: most samples decoded together in one step.
    ///   - maximumLength: positions per sequence (prompt + generated).
    public init(
        path: String, identifier: String? = nil, precision: Precision = .quantized, threads: Int = 2,
        maximumBatch: Int = 32, maximumLength: Int = 2048
    ) throws {
        let file = try GGUFFile(path: path)
        tokenizer = try Tokenizer(gguf: file)
        let model = try TransformerModel(file: file, precision: precision)
        generator = TokenGenerator(model: model, threads: threads, maximumBatch: maximumBatch, maximumLength: maximumLength)
        self.identifier = identifier ?? "gguf:\(path)"
        settings = (precision, threads, maximumBatch, maximumLength)
    }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResponse {
        try await generate(request, onToken: nil)
    }

    /// `generate`, calling `onToken(sample, token)` on the decode thread as each token is drawn
    /// (for streaming; keep it short). The response is exactly what `generate` returns.
    public func generate(
        _ request: GenerationRequest, onToken: (@Sendable (Int, SampledToken) -> Void)?
    ) async throws -> GenerationResponse {
        if let name = request.adapter, let variant = variants.withLock({ $0[name] }) {
            var plain = request
            plain.adapter = nil
            return try await variant.generate(plain, onToken: onToken)
        }
        let prompt = try promptTokens(request.prompt)
        let stopStrings = request.parameters.stop.filter { !$0.isEmpty }
        let stopTokens = tokenizer.endOfGenerationTokenIDs
        let shouldStop = stopStrings.isEmpty ? nil : Self.stopStringCheck(stopStrings, tokenizer: tokenizer)
        let sequences = try await generator.generate(
            TokenRequest(prompt: prompt, n: request.n, parameters: request.parameters, stopTokens: stopTokens,
                         adapter: request.adapter, shouldStop: shouldStop, onToken: onToken))
        var completions: [Completion] = []
        var generated = 0
        for sequence in sequences {
            generated += sequence.tokens.count
            completions.append(completion(from: sequence, stopTokens: stopTokens, stopStrings: stopStrings,
                                          wantsLogprobs: request.parameters.logprobs || request.parameters.topLogprobs > 0))
        }
        return GenerationResponse(
            completions: completions, usage: Usage(promptTokens: prompt.count, completionTokens: generated), model: identifier)
    }

    /// The names requests can use for fine-tuned variants: LoRA adapters and fully fine-tuned models.
    public var variantNames: [String] { Array(Set(generator.adapterNames).union(variants.withLock { Array($0.keys) })).sorted() }

    /// Loads a PEFT LoRA adapter folder, or a fully fine-tuned model's folder (`model.gguf`,
    /// as `s2d train --tuning full` writes), under `name`.
    public func loadAdapter(named name: String, from path: URL) async throws {
        let model = path.appendingPathComponent(FineTuneJob.modelFileName)
        if FileManager.default.fileExists(atPath: model.path) {
            let variant = try EmbeddedLanguageModel(
                path: model.path, identifier: "\(identifier)+\(name)", precision: settings.precision, threads: settings.threads,
                maximumBatch: settings.maximumBatch, maximumLength: settings.maximumLength)
            guard variant.tokenizer.vocabularySize == tokenizer.vocabularySize else {
                throw EmbeddedModelError.variantTokenizerDiffers(path: model.path)
            }
            variants.withLock { $0[name] = variant }
            return
        }
        let adapter = try PEFTAdapter.load(from: path, model: generator.model.configuration)
        try generator.register(adapter: adapter, name: name)
        variants.withLock { $0[name] = nil }
    }

    /// A check, run after each generated token, of whether the text now contains a stop string.
    /// Only the tail can newly contain one: it decodes a window as wide as the longest stop
    /// string (a token is at least one byte).
    private static func stopStringCheck(_ stopStrings: [String], tokenizer: Tokenizer) -> @Sendable ([Int]) -> Bool {
        let window = (stopStrings.map(\.utf8.count).max() ?? 0) + 1
        return { ids in
            let tail = tokenizer.decode(Array(ids.suffix(window)))
            return stopStrings.contains { tail.contains($0) }
        }
    }

    /// The prompt's token ids: chats through the model's chat template with a generation prompt,
    /// texts with the model's BOS in front when its tokenizer asks for one.
    /// Refuses, before tokenizing, a prompt whose text alone is more tokens than the context
    /// holds (tokenizing megabytes costs seconds of a shared thread).
    public func promptTokens(_ prompt: Prompt) throws -> [Int] {
        let bytes = switch prompt {
        case let .text(text): text.utf8.count
        case let .chat(messages): messages.reduce(0) { $0 + $1.content.utf8.count }
        }
        let atLeast = (bytes + tokenizer.longestTokenBytes - 1) / tokenizer.longestTokenBytes
        if atLeast >= generator.maximumLength {
            throw GenerationError.promptCertainlyTooLong(bytes: bytes, atLeastTokens: atLeast, limit: generator.maximumLength)
        }
        switch prompt {
        case let .text(text):
            // Models trained with a BOS at the start of every text (Gemma) get it here, as HF's
            // tokenizer and llama.cpp give it; chats get it from their template.
            let ids = tokenizer.encode(text, parseSpecial: true)
            guard tokenizer.addsBOSToken, let bos = tokenizer.bosTokenID, ids.first != bos else { return ids }
            return [bos] + ids
        case let .chat(messages):
            return try tokenizer.encodeChat(messages.map { ChatTurn(role: $0.role.rawValue, content: $0.content) }, addGenerationPrompt: true)
        }
    }

    private func completion(from sequence: TokenSequence, stopTokens: Set<Int>, stopStrings: [String], wantsLogprobs: Bool) -> Completion {
        var ids = sequence.tokens
        var reason = sequence.finishReason
        if let last = ids.last, stopTokens.contains(last) { ids.removeLast() }
        var text = tokenizer.decode(ids)
        if let cut = stopStrings.compactMap({ text.range(of: $0)?.lowerBound }).min() {
            text = String(text[..<cut])
            reason = .stop
        }
        var logprobs: [TokenLogprob]?
        if wantsLogprobs {
            logprobs = sequence.logprobs.map { sampled in
                TokenLogprob(
                    token: tokenizer.decode([sampled.token]), logprob: sampled.logprob,
                    top: sampled.top.map { TokenLogprob.Alternative(token: tokenizer.decode([$0.token]), logprob: $0.logprob) })
            }
        }
        return Completion(text: text, finishReason: reason, generatedTokens: sequence.tokens.count, logprobs: logprobs)
    }
}

/// Why the embedded model cannot load a variant.
public enum EmbeddedModelError: Error, CustomStringConvertible {
    case variantTokenizerDiffers(path: String)

    public var description: String {
        switch self {
        case let .variantTokenizerDiffers(path): "\(path): its vocabulary differs from the base model's, so it is not a fine-tune of it"
        }
    }
}
