import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A `LanguageModel` served by any OpenAI-compatible server: vLLM, llama.cpp's llama-server,
/// Ollama, or a hosted API.
///
/// `.chat` prompts go to POST `/chat/completions`, `.text` prompts to POST `/completions`.
/// Requests are capped at `maxConcurrentRequests` in flight, retried with exponential backoff
/// on 429, 5xx, timeouts and connection errors, and refused with `OpenAIClientError.rejected`
/// (carrying the server's message) on other 4xx.
///
/// The HTTP client is `OpenAIHTTPClient.shared` unless one is passed in; a passed-in client
/// stays owned by the caller, who shuts it down.
public struct OpenAICompatibleModel: LanguageModel {
    /// The settings this model was made with.
    public let configuration: OpenAIClientConfiguration
    private let apiKey: APIKey?
    /// The key is set but must not go to this base URL: every request fails, naming why.
    private let keyRefused: Bool
    private let client: HTTPClient
    private let limiter: AsyncSemaphore

    /// `openai:BASE#MODEL`, the model URI it answers to.
    public var identifier: String { ModelURI.openAI(baseURL: configuration.baseURL, model: configuration.model).description }

    /// A model talking to `configuration.baseURL`. The API key is read now from the variable
    /// `configuration.apiKeyVariable` of `environment`.
    public init(
        configuration: OpenAIClientConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = OpenAIHTTPClient.shared
    ) {
        self.configuration = configuration
        self.apiKey = APIKey(variable: configuration.apiKeyVariable, environment: environment)
        self.keyRefused = apiKey != nil && !Self.mayCarryKey(baseURL: configuration.baseURL, environment: environment)
        self.client = httpClient
        self.limiter = AsyncSemaphore(permits: configuration.maxConcurrentRequests)
    }

    /// Whether an API key was found (the key itself is never exposed).
    public var hasAPIKey: Bool { apiKey != nil }

    /// Set to 1 to send the API key over plain http to a non-loopback host.
    public static let plainHTTPKeyVariable = "S2D_ALLOW_PLAINTEXT_API_KEY"

    /// Whether the key may go to `baseURL`: https, or http to this machine's loopback.
    public static func mayCarryKey(baseURL: String, environment: [String: String]) -> Bool {
        let lower = baseURL.lowercased()
        if lower.hasPrefix("https://") || environment[plainHTTPKeyVariable] == "1" { return true }
        return LoopbackName.contains(LoopbackName.hostName(String(lower.dropFirst("http://".count).prefix { $0 != "/" })))
    }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResponse {
        if keyRefused { throw OpenAIClientError.keyOverPlainHTTP(url: configuration.baseURL, variable: configuration.apiKeyVariable) }
        guard request.n > 0 else { return GenerationResponse(completions: [], usage: Usage(), model: identifier) }
        var completions: [Completion] = []
        var usage = Usage()
        switch configuration.sampling {
        case .serverSide:
            let first = try await post(request, n: request.n, firstSample: 0)
            completions = Array(first.completions.prefix(request.n))
            usage = first.usage
            if completions.count < request.n {
                // The server ignored `n` (llama-server, Ollama): ask for the rest one by one,
                // with the seeds the convention gives them.
                let rest = try await singles(request, indices: completions.count..<request.n)
                completions += rest.completions
                usage = usage + rest.usage
            }
        case .onePerRequest:
            (completions, usage) = try await singles(request, indices: 0..<request.n)
        }
        return GenerationResponse(completions: completions, usage: usage, model: identifier)
    }

    /// Samples `indices` of `request`, one HTTP request each, concurrently (the limiter bounds them).
    private func singles(_ request: GenerationRequest, indices: Range<Int>) async throws -> (completions: [Completion], usage: Usage) {
        let answers = try await Array(indices).concurrentMap { try await post(request, n: 1, firstSample: $0) }
        return (answers.map { $0.completions[0] }, answers.reduce(Usage()) { $0 + $1.usage })
    }

    /// One logical request for `n` samples starting at sample `firstSample` (seed
    /// `seed + firstSample`), retried as the policy says. Returns at least one completion.
    private func post(_ request: GenerationRequest, n: Int, firstSample: Int) async throws -> (completions: [Completion], usage: Usage) {
        let (url, body) = try encodeBody(request, n: n, seed: request.parameters.seed &+ UInt64(firstSample))
        let policy = configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Outcome
            await limiter.acquire()
            do {
                outcome = try await send(url: url, body: body)
                await limiter.release()
            } catch {
                await limiter.release()
                throw error
            }
            switch outcome {
            case .success(let data):
                return try decode(data, url: url, requested: n)
            case .retryable(let reason, let retryAfter):
                guard attempt < policy.maxAttempts else {
                    throw OpenAIClientError.retriesExhausted(attempts: attempt, url: url, lastError: reason)
                }
                let delay = policy.delay(beforeRetry: attempt - 1, retryAfter: retryAfter)
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            }
        }
    }

    /// What one HTTP exchange came to, short of a non-retryable error (which is thrown).
    private enum Outcome {
        case success(Data)
        case retryable(reason: String, retryAfter: Double?)
    }

    private func send(url: String, body: Data) async throws -> Outcome {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "application/json")
        if let apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey.value)") }
        http.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, configuration.requestTimeout) * 1e9))
        let status: Int
        let headers: HTTPHeaders
        let data: Data
        do {
            let response = try await client.execute(http, timeout: timeout)
            status = Int(response.status.code)
            headers = response.headers
            var buffer = try await response.body.collect(upTo: 256 << 20)
            data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Connection refused or reset, timeouts, TLS trouble: all worth another try.
            return .retryable(reason: redact("\(error)"), retryAfter: nil)
        }
        switch status {
        case 200..<300:
            return .success(data)
        case 408, 429, 500...599:
            let (message, _) = wireErrorMessage(data)
            let retryAfter = headers.first(name: "Retry-After").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            return .retryable(reason: "HTTP \(status): \(redact(message))", retryAfter: retryAfter)
        default:
            let (message, type) = wireErrorMessage(data)
            throw OpenAIClientError.rejected(status: status, url: url, message: redact(message), type: type)
        }
    }

    private func redact(_ text: String) -> String { apiKey?.redact(text) ?? text }

    /// The endpoint and JSON body for `n` samples drawn from `seed` on.
    private func encodeBody(_ request: GenerationRequest, n: Int, seed: UInt64) throws -> (String, Data) {
        let p = request.parameters
        let model = request.adapter ?? configuration.model
        // OpenAI's seed is a signed 64-bit integer and some servers treat negative seeds as
        // "random": keep the low 63 bits.
        let wireSeed = Int64(bitPattern: seed & 0x7FFF_FFFF_FFFF_FFFF)
        let topK = (p.topK ?? 0) > 0 ? p.topK : nil
        let stop = p.stop.isEmpty ? nil : p.stop
        let wantsLogprobs = p.logprobs || p.topLogprobs > 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch request.prompt {
        case .chat(let messages):
            let body = WireChatRequest(
                model: model, messages: messages.map { .init(role: $0.role.rawValue, content: $0.content) },
                n: n, seed: wireSeed, temperature: p.temperature, topP: p.topP, topK: topK,
                maxTokens: p.maxTokens, stop: stop,
                logprobs: wantsLogprobs ? true : nil, topLogprobs: p.topLogprobs > 0 ? p.topLogprobs : nil)
            return (configuration.baseURL + "/chat/completions", try encoder.encode(body))
        case .text(let text):
            let body = WireCompletionRequest(
                model: model, prompt: text, n: n, seed: wireSeed, temperature: p.temperature, topP: p.topP,
                topK: topK, maxTokens: p.maxTokens, stop: stop, logprobs: wantsLogprobs ? p.topLogprobs : nil)
            return (configuration.baseURL + "/completions", try encoder.encode(body))
        }
    }

    private func decode(_ data: Data, url: String, requested: Int) throws -> (completions: [Completion], usage: Usage) {
        let wire: WireResponse
        do {
            wire = try JSONDecoder().decode(WireResponse.self, from: data)
        } catch {
            throw OpenAIClientError.malformedResponse(url: url, detail: redact("\(error)"))
        }
        guard !wire.choices.isEmpty else { throw OpenAIClientError.noChoices(url: url) }
        let choices = wire.choices.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }.map(\.element)
        // A server's counts are input: kept within 0...2^32 per response, so sums over a whole
        // run and the per-choice shares below stay far from overflow.
        func count(_ value: Int?) -> Int { min(max(0, value ?? 0), 1 << 32) }
        let usage = Usage(promptTokens: count(wire.usage?.promptTokens), completionTokens: count(wire.usage?.completionTokens))
        let logprobs = choices.map { $0.logprobs?.tokenLogprobList }
        let texts = choices.map { $0.message?.content ?? $0.text ?? "" }
        let tokens = Self.apportion(usage.completionTokens, texts: texts, logprobs: logprobs)
        let completions = choices.indices.map { i in
            Completion(
                text: texts[i], finishReason: choices[i].finishReason == "length" ? .length : .stop,
                generatedTokens: tokens[i], logprobs: logprobs[i])
        }
        return (completions, usage)
    }

    /// Per-sample generated-token counts. Servers report only the total for all choices: a
    /// choice with logprobs counts its tokens exactly; the rest of the total is shared among the
    /// other choices in proportion to their text length (exact when there is one choice).
    static func apportion(_ total: Int, texts: [String], logprobs: [[TokenLogprob]?]) -> [Int] {
        var counts = logprobs.map { $0?.count ?? 0 }
        let open = texts.indices.filter { logprobs[$0] == nil }
        guard !open.isEmpty else { return counts }
        let shared = max(0, total - min(total, counts.reduce(0) { Usage.add($0, $1) }))
        var remaining = shared
        let lengths = open.map { max(1, texts[$0].utf8.count) }
        let lengthSum = lengths.reduce(0) { Usage.add($0, $1) }
        for (k, i) in open.enumerated() {
            let proportional = Int((Double(shared) * Double(lengths[k]) / Double(lengthSum)).rounded())
            let share = k == open.count - 1 ? remaining : min(remaining, proportional)
            counts[i] = share
            remaining -= share
        }
        return counts
    }
}
