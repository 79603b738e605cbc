import AsyncHTTPClient
import Foundation
import NIOCore

/// The well-behaved side of the load benchmark: a short chat completion, timed, whatever the
/// answer (a failed one is counted, not thrown).
struct WellBehavedClient: Sendable {
    let client: HTTPClient
    let port: Int
    let maxTokens: Int
    let apiKey: String?

    struct Answer: Sendable {
        /// HTTP status; 0 when no answer came.
        var status: Int
        var tokens: Int
        var latency: Double
    }

    func send(seed: UInt64) async -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let body: [String: Any] = [
            "messages": [["role": "user", "content": "Write one sentence about the sea."]], "max_tokens": maxTokens,
            "temperature": 0.7, "seed": seed,
        ]
        request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: body)) ?? Data()))
        let start = Date()
        do {
            let response = try await client.execute(request, timeout: .seconds(600))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            let latency = Date().timeIntervalSince(start)
            let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
            let tokens = (object?["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0
            return Answer(status: Int(response.status.code), tokens: tokens, latency: latency)
        } catch {
            return Answer(status: 0, tokens: 0, latency: Date().timeIntervalSince(start))
        }
    }

    /// The status of `GET path`; 0 when no answer came.
    func get(_ path: String) async -> Int {
        do {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return 0
        }
    }
}
