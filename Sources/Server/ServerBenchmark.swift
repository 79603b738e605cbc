import AsyncHTTPClient
import Foundation
import Inference
import NIOCore

/// Throughput of `s2d serve` under concurrency: the same requests sent one after another and
/// all at once, through real HTTP on 127.0.0.1. Concurrent requests share the generator's
/// batches, so their tokens per second should be several times the serial figure.
public enum ServerBenchmark {
    /// One measurement.
    public struct Row: Sendable, Codable, Hashable {
        public var name: String
        public var requests: Int
        /// Generated tokens, as the responses' usage counts them.
        public var completionTokens: Int
        public var seconds: Double
        public var tokensPerSecond: Double
        /// Mean and largest time from sending a request to its whole answer.
        public var meanLatency: Double
        public var maxLatency: Double
    }

    /// Starts a server for `model` on a free port and measures `requests` completions of
    /// `maxTokens` tokens each (`/v1/completions`, temperature 1, seed i), serially and concurrently.
    public static func run(model: EmbeddedLanguageModel, requests: Int = 16, maxTokens: Int = 32) async throws -> [Row] {
        let server = OpenAIServer(model: model, configuration: ServerConfiguration(modelName: "bench", port: 0))
        // Enough connections that every request of the concurrent run is in flight at once
        // (the shared client allows 8 per host).
        var settings = HTTPClient.Configuration()
        settings.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, requests))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        do {
            let rows = try await measure(server: server, client: client, requests: requests, maxTokens: maxTokens)
            try await client.shutdown()
            return rows
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func measure(server: OpenAIServer, client: HTTPClient, requests: Int, maxTokens: Int) async throws -> [Row] {
        try await server.withRunning { port in
            let url = "http://127.0.0.1:\(port)/v1/completions"
            // Warm-up: the first request pays for thread start-up and page faults.
            _ = try await Self.complete(client: client, url: url, seed: 999, maxTokens: 4)
            var rows: [Row] = []
            var start = Date()
            var results: [(tokens: Int, latency: Double)] = []
            for i in 0..<requests { results.append(try await Self.complete(client: client, url: url, seed: UInt64(i), maxTokens: maxTokens)) }
            rows.append(row("serial", results, seconds: Date().timeIntervalSince(start)))
            start = Date()
            results = try await withThrowingTaskGroup(of: (tokens: Int, latency: Double).self) { group in
                for i in 0..<requests { group.addTask { try await Self.complete(client: client, url: url, seed: UInt64(i), maxTokens: maxTokens) } }
                var all: [(tokens: Int, latency: Double)] = []
                for try await result in group { all.append(result) }
                return all
            }
            rows.append(row("concurrent", results, seconds: Date().timeIntervalSince(start)))
            return rows
        }
    }

    private static func row(_ name: String, _ results: [(tokens: Int, latency: Double)], seconds: Double) -> Row {
        let tokens = results.map(\.tokens).reduce(0, +)
        let latencies = results.map(\.latency)
        return Row(
            name: name, requests: results.count, completionTokens: tokens, seconds: seconds,
            tokensPerSecond: Double(tokens) / max(seconds, 1e-9), meanLatency: latencies.reduce(0, +) / Double(max(1, latencies.count)),
            maxLatency: latencies.max() ?? 0)
    }

    private struct BenchError: Error, CustomStringConvertible {
        var description: String
    }

    /// One request; returns its generated tokens and latency.
    private static func complete(client: HTTPClient, url: String, seed: UInt64, maxTokens: Int) async throws -> (tokens: Int, latency: Double) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body: [String: Any] = [
            "model": "bench", "prompt": "Once upon a time, in a small village by the sea,", "max_tokens": maxTokens,
            "temperature": 1.0, "seed": seed,
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let start = Date()
        let response = try await client.execute(request, timeout: .seconds(600))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        let latency = Date().timeIntervalSince(start)
        guard response.status == .ok,
              let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
              let usage = object["usage"] as? [String: Any], let tokens = usage["completion_tokens"] as? Int
        else { throw BenchError(description: "bench request failed: HTTP \(response.status.code) \(String(buffer: buffer))") }
        return (tokens, latency)
    }
}
