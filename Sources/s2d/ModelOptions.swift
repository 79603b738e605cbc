import ArgumentParser
import Distillation
import Foundation
import Inference

/// `--model URI [--adapter PATH]` and the engine's settings, shared by the commands that use a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model: embedded:smollm2-135m (default), embedded:gemma3-270m, gguf:/path/model.gguf (or the plain path of a .gguf file), or openai:http://host:port/v1#model.")
    var model = ModelURI.defaultText
    @Option(help: "A PEFT LoRA adapter folder to apply (embedded models).") var adapter: String?
    @Option(help: "Embedded engine precision: quantized (default, fast) or float32 (reference).")
    var precision: PrecisionArgument = .quantized
    @Option(help: "Threads of the embedded engine.") var threads = 2

    /// For commands that train their own adapters from the base model: a given `--adapter`
    /// would be silently ignored, so it is an error.
    func refuseAdapter(_ command: String) throws {
        if adapter != nil {
            throw ValidationError("\(command) trains its own adapters from the base model; --adapter is not used (start from another base with --model gguf:PATH)")
        }
    }

    /// The name requests use for `--adapter`: the folder's content hash, so the cache keys of
    /// two different adapters never collide.
    func adapterName() throws -> String? {
        try adapter.map { try AdapterFingerprint.requestName(forFolder: $0) }
    }

    /// The model, with `--adapter` loaded.
    func load() async throws -> any LanguageModel {
        let uri = try Self.uri(of: model)
        let loaded = try ModelLoader.load(uri, precision: precision.precision, threads: threads)
        if let adapter {
            guard let host = loaded as? any AdapterServing else {
                throw ValidationError("--adapter works with embedded models; \(model) serves its own adapters by model name")
            }
            try await host.loadAdapter(named: try adapterName()!, from: URL(fileURLWithPath: adapter))
        }
        return loaded
    }

    /// A `--model` value as a URI: the path of an existing file is `gguf:` that file, so every
    /// command takes a plain path.
    static func uri(of model: String) throws -> ModelURI {
        FileManager.default.fileExists(atPath: model) ? ModelURI.gguf(path: model) : try ModelURI(parsing: model)
    }

    /// The local GGUF file of an embedded or gguf: model URI (or a plain path).
    static func localPath(of model: String) throws -> String {
        try ModelLoader.localPath(of: try uri(of: model))
    }
}
