import AsyncHTTPClient
import Foundation
import Inference
import NIOCore
import NIOHTTP1
import Server
import TestSupport
import Transformer

/// The embedded model, loaded once for the whole suite (loading maps the file; the generator
/// is shared, as a real server shares it among requests), with a seeded random LoRA adapter
/// registered as `noisy`.
enum Shared {
    static let engine: Result<EmbeddedLanguageModel, any Error> = Result {
        let model = try EmbeddedLanguageModel(path: TestFiles.smolLM2(), identifier: "embedded:smollm2-135m", maximumBatch: 64, maximumLength: 512)
        return model
    }

    /// A folder holding a random rank-8 LoRA adapter on q and v, written with `PEFTAdapter.save`.
    static let adapterFolder: Result<URL, any Error> = Result {
        let configuration = try engine.get().generator.model.configuration
        // Seeded and large enough that greedy answers always change (a weak random adapter
        // sometimes left an 8-token answer as it was).
        var random = RandomSource(seed: 8)
        func noise(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -0.3...0.3, using: &random) } }
        let rank = 8
        let targets: [LinearTarget] = [.q, .v]
        let layers = (0..<configuration.layerCount).map { _ in
            Dictionary(uniqueKeysWithValues: targets.map { target in
                let shape = target.shape(in: configuration)
                return (target, LoRAWeights.Pair(a: noise(rank * shape.inputs), b: noise(shape.outputs * rank)))
            })
        }
        let folder = try TestFiles.temporaryDirectory("s2d-server-adapter")
        try PEFTAdapter.save(LoRAWeights(rank: rank, alpha: 16, targets: targets, layers: layers), model: configuration, to: folder)
        return folder
    }

    static func model() throws -> EmbeddedLanguageModel { try engine.get() }
}

/// Runs a fresh server (own routes and settings, the shared engine) on 127.0.0.1 with a free
/// port for the duration of `body`, which gets the server and its base URL `http://127.0.0.1:PORT`.
func withServer<T: Sendable>(
    apiKey: String? = nil, maxBodyBytes: Int = 1 << 20, adapter: Bool = true, maximumQueuedSamples: Int = 1024, idleTimeout: Double = 30,
    _ body: @Sendable (OpenAIServer, String) async throws -> T
) async throws -> T {
    let server = OpenAIServer(
        model: try Shared.model(),
        configuration: ServerConfiguration(
            modelName: "smollm2-135m", port: 0, apiKey: apiKey, maxBodyBytes: maxBodyBytes, defaultMaxTokens: 16,
            maximumQueuedSamples: maximumQueuedSamples, idleTimeout: idleTimeout))
    if adapter { try await server.loadAdapter(named: "noisy", from: try Shared.adapterFolder.get()) }
    return try await server.withRunning { port in try await body(server, "http://127.0.0.1:\(port)") }
}

/// The suite's HTTP client: 64 connections per host, so that 50 concurrent clients are 50
/// connections (the shared client allows 8). Static, so it lives as long as the test process.
let testClient: HTTPClient = {
    var settings = HTTPClient.Configuration()
    settings.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
}()

/// A raw HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    var error: [String: Any]? { json["error"] as? [String: Any] }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The `data:` payloads of a server-sent event stream, in order.
    var events: [String] {
        text.components(separatedBy: "\n\n").compactMap { block in
            block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
        }
    }

    /// The event payloads before `[DONE]`, parsed.
    var chunks: [[String: Any]] {
        events.filter { $0 != "[DONE]" }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// Sends one request with AsyncHTTPClient; `body` is JSON-encoded unless it is raw `Data`.
func http(_ url: String, json body: Any? = nil, raw: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
    try await http(.POST, url, json: body, raw: raw, headers: headers)
}

/// Sends one request with `method`.
func http(_ method: HTTPMethod, _ url: String, json body: Any? = nil, raw: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let raw {
        request.body = .bytes(ByteBuffer(bytes: raw))
    } else if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    }
    // Wide: every server test shares one engine with the whole suite's load, and on the AVX2 path a
    // 40-sample request once took over 120 s there; the tests check answers, not latency.
    let response = try await testClient.execute(request, timeout: .seconds(600))
    let buffer = try await response.body.collect(upTo: 64 << 20)
    return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
}

/// The text of each choice of a streamed answer, deltas joined, and each choice's finish reason.
func streamedChoices(_ answer: HTTPAnswer, chat: Bool) -> (texts: [Int: String], finish: [Int: String]) {
    var texts: [Int: String] = [:]
    var finish: [Int: String] = [:]
    for chunk in answer.chunks {
        for choice in chunk["choices"] as? [[String: Any]] ?? [] {
            let index = choice["index"] as? Int ?? -1
            let piece = chat ? ((choice["delta"] as? [String: Any])?["content"] as? String) : (choice["text"] as? String)
            texts[index, default: ""] += piece ?? ""
            if let reason = choice["finish_reason"] as? String { finish[index] = reason }
        }
    }
    return (texts, finish)
}
