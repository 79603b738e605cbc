import ArgumentParser
import Foundation
import Inference
import Server

/// `s2d serve`: the embedded engine (and LoRA adapters) behind an OpenAI-compatible HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the embedded model and LoRA adapters over an OpenAI-compatible HTTP API.",
        discussion: """
            Endpoints: GET /health, GET /v1/models, POST /v1/chat/completions, POST /v1/completions \
            (with "stream": true for server-sent events). The base model's id is its name \
            (smollm2-135m for embedded:smollm2-135m); each adapter is served under its own name \
            (also as BASE+NAME). SIGTERM or Ctrl-C stops accepting connections and lets \
            requests in flight finish.
            """)

    @OptionGroup var model: LocalModelOption
    @Option(help: ArgumentHelp("A PEFT LoRA adapter folder, as NAME=PATH or PATH (named after the folder). Repeatable.", valueName: "name=path"))
    var adapter: [String] = []
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(name: .customLong("api-key"), help: "Require `Authorization: Bearer KEY` (default: $S2D_API_KEY; none when unset).")
    var apiKey: String?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 beyond).") var maxBodyBytes = 4 << 20
    @Option(name: .customLong("served-model-name"), help: "The base model's id in the API (default: from --model).")
    var servedModelName: String?
    @Option(name: .customLong("max-batch"), help: "Most samples decoded together in one step (and the largest n of a request).") var maxBatch = 32
    @Option(name: .customLong("max-queued-samples"), help: "Most samples admitted at once, decoding or waiting; more get 429 (at least --max-batch).")
    var maxQueuedSamples = 1024
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay idle (an unfinished request, or kept alive between requests) before it is closed.")
    var idleTimeout = 30.0
    @Option(name: .customLong("context"), help: "Positions per sequence, prompt + generated.") var context = 2048
    @Option(name: .customLong("default-max-tokens"), help: "max_tokens of requests that give none.") var defaultMaxTokens = 512
    @Option(help: "Embedded engine precision: quantized (default) or float32.") var precision: PrecisionArgument = .quantized
    @Option(help: "Threads of the embedded engine.") var threads = 2
    @Flag(help: "Print the listening and stopped lines as JSON objects, one per line (event, url, port, models, api_key_required).")
    var json = false
    @Flag(help: "No warnings on stderr.") var quiet = false

    /// What `--json` prints: `listening` once the port is open, `stopped` after the last request.
    struct Event: Encodable {
        var event: String
        var url: String?
        var port: Int?
        var models: [String]?
        var apiKeyRequired: Bool?
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port))") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        guard maxBatch > 0, context > 1, defaultMaxTokens > 0 else { throw ValidationError("--max-batch, --context and --default-max-tokens must be positive") }
    }

    func run() async throws {
        let uri = try model.uri()
        if case .openAI = uri { throw ValidationError("s2d serve serves the embedded engine; \(model.model) is already a server") }
        let path = try ModelLoader.localPath(of: uri)
        let engine = try EmbeddedLanguageModel(
            path: path, identifier: uri.description, precision: precision.precision, threads: threads,
            maximumBatch: maxBatch, maximumLength: context)
        let key = apiKey ?? ProcessInfo.processInfo.environment["S2D_API_KEY"]
        let configuration = ServerConfiguration(
            modelName: servedModelName ?? Self.modelName(of: uri), host: host, port: port, apiKey: key,
            maxBodyBytes: maxBodyBytes, defaultMaxTokens: defaultMaxTokens, maximumSamples: maxBatch, maximumQueuedSamples: maxQueuedSamples, idleTimeout: idleTimeout)
        let server = OpenAIServer(model: engine, configuration: configuration)
        for spec in adapter {
            let (name, folder) = Self.adapterSpec(spec)
            try await server.loadAdapter(named: name, from: URL(fileURLWithPath: folder))
        }
        let host = host
        if key == nil, !LoopbackName.contains(host), !quiet {
            FileHandle.standardError.write(Data(("s2d serve: warning: listening on \(host) without an API key: anyone who can reach this port can use the model "
                + "(pass --api-key or set S2D_API_KEY)\n").utf8))
        }
        let models = server.modelIDs
        let keyNote = key == nil ? "no API key" : "API key required"
        let json = json
        try await server.run { port in
            let url = "http://\(host):\(port)/v1"
            let line = json
                ? (try? JSONOutput.line(Event(event: "listening", url: url, port: port, models: models, apiKeyRequired: key != nil))) ?? ""
                : "s2d serve: listening on \(url) (models: \(models.joined(separator: ", ")); \(keyNote))\n"
            // Unbuffered, so a script waiting for this line sees it at once.
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        if json {
            FileHandle.standardOutput.write(Data(try JSONOutput.line(Event(event: "stopped")).utf8))
        } else {
            print("s2d serve: stopped")
        }
    }

    /// `smollm2-135m` for `embedded:smollm2-135m`, the file name without `.gguf` for a path.
    static func modelName(of uri: ModelURI) -> String {
        switch uri {
        case let .embedded(name): return name
        case let .gguf(path):
            let file = URL(fileURLWithPath: path).lastPathComponent
            return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
        case let .openAI(_, model): return model
        }
    }

    /// `NAME=PATH`, or a bare `PATH` named after its last folder.
    static func adapterSpec(_ spec: String) -> (name: String, path: String) {
        if let equals = spec.firstIndex(of: "="), !FileManager.default.fileExists(atPath: spec) {
            return (String(spec[..<equals]), String(spec[spec.index(after: equals)...]))
        }
        return (URL(fileURLWithPath: spec).standardizedFileURL.lastPathComponent, spec)
    }
}
