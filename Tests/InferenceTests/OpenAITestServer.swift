import Foundation
import Hummingbird
import Logging
import NIOCore

/// How the test server misbehaves.
enum ServerBehaviour: Sendable {
    /// Answers every request properly.
    case normal
    /// Fails the first `times` requests with `status` (and a Retry-After header when given), then recovers.
    case failFirst(times: Int, status: Int, retryAfter: String?)
    /// Refuses every request with 400 and an OpenAI error object.
    case badRequest(message: String)
    /// Refuses every request with 401, echoing the bearer token in its message as OpenAI does.
    case unauthorizedEchoingKey
    /// Returns one choice whatever `n` asks (llama-server, Ollama).
    case ignoresN
    /// Waits this many seconds before answering the first request, then answers promptly.
    case stallFirst(seconds: Double)
    /// Waits this many seconds before answering each request.
    case slow(seconds: Double)
    /// Reports these token counts in every response's usage.
    case usage(prompt: Int, completion: Int)
}

/// One request the server saw.
struct SeenRequest: Sendable {
    var path: String
    var authorization: String?
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
}

/// The requests the server saw, in order, and the most it was answering at once.
actor RequestLog {
    private(set) var requests: [SeenRequest] = []
    private(set) var peakInFlight = 0
    private var inFlight = 0
    func append(_ request: SeenRequest) -> Int {
        requests.append(request)
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
        return requests.count
    }
    func finished() { inFlight -= 1 }
}

/// Runs an OpenAI-shaped HTTP server on 127.0.0.1 (ephemeral port) for the duration of `body`,
/// which gets the base URL (`http://127.0.0.1:PORT/v1`) and the server's request log.
///
/// Answers are computed from the request: choice `j` of a request with seed `s` reads
/// `seed=<s+j> <chat|text>: <last message or prompt>`, so a test can tell which seed made which sample.
func withOpenAITestServer<T: Sendable>(
    _ behaviour: ServerBehaviour, _ body: @Sendable (String, RequestLog) async throws -> T
) async throws -> T {
    let log = RequestLog()
    let router = Router()
    router.post("/v1/chat/completions") { request, _ in
        let response = try await answer(request, chat: true, behaviour: behaviour, log: log)
        await log.finished()
        return response
    }
    router.post("/v1/completions") { request, _ in
        let response = try await answer(request, chat: false, behaviour: behaviour, log: log)
        await log.finished()
        return response
    }
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    // Stopping the server by cancellation makes Hummingbird log a harmless "Already closed"
    // error; keep test output to what matters.
    var logger = Logger(label: "openai-test-server")
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        let result = try await body("http://127.0.0.1:\(port)/v1", log)
        group.cancelAll()
        return result
    }
}

private func answer(_ request: Request, chat: Bool, behaviour: ServerBehaviour, log: RequestLog) async throws -> Response {
    let buffer = try await request.body.collect(upTo: 1 << 20)
    let data = Data(buffer.readableBytesView)
    let authorization = request.headers[.authorization]
    let count = await log.append(SeenRequest(path: request.uri.path, authorization: authorization, body: data))
    switch behaviour {
    case .failFirst(let times, let status, let retryAfter) where count <= times:
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.init("Retry-After")!] = retryAfter }
        return json(["error": ["message": "overloaded, try again", "type": "server_error"] as [String: Any]], status: status, headers: headers)
    case .badRequest(let message):
        return json(["error": ["message": message, "type": "invalid_request_error", "param": NSNull(), "code": NSNull()] as [String: Any]], status: 400)
    case .stallFirst(let seconds) where count == 1:
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    case .slow(let seconds):
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    case .unauthorizedEchoingKey:
        let key = authorization.map { String($0.dropFirst("Bearer ".count)) } ?? "none"
        return json(["error": ["message": "Incorrect API key provided: \(key).", "type": "invalid_request_error"]], status: 401)
    default:
        break
    }
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        return json(["error": ["message": "body is not a JSON object"]], status: 400)
    }
    var n = object["n"] as? Int ?? 1
    if case .ignoresN = behaviour { n = 1 }
    let seed = object["seed"] as? Int ?? 0
    let maxTokens = object["max_tokens"] as? Int ?? 16
    let prompt: String
    if chat {
        let messages = object["messages"] as? [[String: Any]] ?? []
        prompt = messages.last?["content"] as? String ?? ""
    } else {
        prompt = object["prompt"] as? String ?? ""
    }
    let wantsLogprobs = chat ? (object["logprobs"] as? Bool ?? false) : object["logprobs"] != nil
    let topLogprobs = chat ? (object["top_logprobs"] as? Int ?? 0) : (object["logprobs"] as? Int ?? 0)
    var choices: [[String: Any]] = []
    for j in 0..<n {
        let text = "seed=\(seed + j) \(chat ? "chat" : "text"): \(prompt)"
        var choice: [String: Any] = ["index": j, "finish_reason": maxTokens <= 2 ? "length" : "stop"]
        if chat {
            choice["message"] = ["role": "assistant", "content": text]
        } else {
            choice["text"] = text
        }
        if wantsLogprobs {
            // Two tokens per sample, with `topLogprobs` alternatives each.
            let tokens = ["seed", "=\(seed + j)"]
            let alternatives = (0..<topLogprobs).map { k in ("alt\(k)", -1.0 - Double(k)) }
            if chat {
                choice["logprobs"] = ["content": tokens.map { token in
                    ["token": token, "logprob": -0.25, "top_logprobs": alternatives.map { ["token": $0.0, "logprob": $0.1] as [String: Any] }] as [String: Any]
                }]
            } else {
                choice["logprobs"] = [
                    "tokens": tokens, "token_logprobs": tokens.map { _ in -0.25 },
                    "top_logprobs": tokens.map { _ in Dictionary(uniqueKeysWithValues: alternatives) },
                ]
            }
        }
        choices.append(choice)
    }
    var usage: [String: Any] = ["prompt_tokens": prompt.count, "completion_tokens": 2 * n, "total_tokens": prompt.count + 2 * n]
    if case let .usage(promptTokens, completionTokens) = behaviour {
        usage = ["prompt_tokens": promptTokens, "completion_tokens": completionTokens]
    }
    return json(["id": "test", "object": chat ? "chat.completion" : "text_completion", "model": object["model"] ?? "", "choices": choices, "usage": usage])
}

private func json(_ object: [String: Any], status: Int = 200, headers: HTTPFields = [.contentType: "application/json"]) -> Response {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
