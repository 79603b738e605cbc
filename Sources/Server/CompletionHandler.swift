import Foundation
import Hummingbird
import Inference
import NIOCore

/// Answers `/v1/chat/completions` and `/v1/completions`: reads and checks the body, resolves
/// the model and the token budget, then generates, whole or as server-sent events.
///
/// The generation runs while the connection's inbound side is watched: a client that hangs up
/// cancels its generation, which frees its rows of the batch at the next step. Such a
/// connection is not reused afterwards (responses say `Connection: close`).
struct CompletionHandler: Sendable {
    let server: OpenAIServer

    func respond(_ incoming: Request, endpoint: Endpoint) async throws -> Response {
        // `collectBody` (not `body.collect`) keeps the bytes in the request, so the inbound-close
        // watch below starts after the body's end; watching a body already drained leaves
        // Hummingbird's stream unfinished, which traps when the client closes the connection.
        var request = incoming
        let limit = server.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.bodyTooLarge(limit: limit) }
        let buffer = try await Self.collectBody(of: &request, upTo: limit, within: server.configuration.idleTimeout)
        let parsed = try CompletionRequest(json: Data(buffer.readableBytesView), endpoint: endpoint, maximumSamples: server.configuration.maximumSamples)
        let adapter = try server.adapter(forModel: parsed.model)
        let model = server.model
        let promptTokens: [Int]
        do {
            promptTokens = try model.promptTokens(parsed.prompt)
        } catch GenerationError.promptCertainlyTooLong(let bytes, let tokens, let context) {
            throw APIError.invalid(
                endpoint == .chat ? "messages" : "prompt",
                "This model's maximum context length is \(context) tokens. However, your prompt's \(bytes) bytes are at least \(tokens) tokens, leaving no room to generate.",
                code: "context_length_exceeded")
        } catch {
            throw APIError.invalid(endpoint == .chat ? "messages" : "prompt", "The prompt could not be tokenized: \(error)")
        }
        let context = model.generator.maximumLength
        guard !promptTokens.isEmpty else { throw APIError.invalid("prompt", "The prompt is empty (it has no tokens).") }
        guard promptTokens.count < context else {
            throw APIError.invalid(
                endpoint == .chat ? "messages" : "prompt",
                "This model's maximum context length is \(context) tokens. However, your prompt has \(promptTokens.count) tokens, leaving no room to generate.",
                code: "context_length_exceeded")
        }
        let room = context - promptTokens.count
        let maxTokens: Int
        if let asked = parsed.maxTokens {
            guard asked <= room else {
                throw APIError.invalid(
                    "max_tokens",
                    "This model's maximum context length is \(context) tokens. However, you requested \(promptTokens.count + asked) tokens (\(promptTokens.count) in the prompt, \(asked) in the completion).",
                    code: "context_length_exceeded")
            }
            maxTokens = asked
        } else {
            maxTokens = min(server.configuration.defaultMaxTokens, room)
        }
        let generation = GenerationRequest(prompt: parsed.prompt, n: parsed.n, parameters: parsed.parameters(maxTokens: maxTokens), adapter: adapter)
        let ticket = try server.state.admit(samples: parsed.n, limit: server.configuration.maximumQueuedSamples)
        let header = ResponseHeader(endpoint: endpoint, model: parsed.model ?? server.configuration.modelName)
        if parsed.stream {
            return streamingResponse(request, generation: generation, header: header, includeUsage: parsed.includeUsage, ticket: ticket)
        }
        let response = try await request.body.consumeWithCancellationOnInboundClose { _ in
            try await server.state.counting { try await Self.mapErrors { try await model.generate(generation) } }
        }
        withExtendedLifetime(ticket) {}  // the samples are held until the answer is in
        return OpenAIServer.json(ResponseShapes.response(header, response), headers: [.connection: "close"])
    }

    /// The whole body, which must arrive within `seconds`: the idle timeout alone is reset by
    /// every byte, so a client dripping its body a byte at a time would hold the connection (and
    /// this handler) for as long as it liked. A body cut short or malformed is the client's error.
    private static func collectBody(of request: inout Request, upTo limit: Int, within seconds: Double) async throws -> ByteBuffer {
        let incoming = request
        // Cancelling the reader at the deadline ends the connection's inbound stream: nothing more is read from it.
        let collected = try await withDeadline(seconds: seconds) {
            var request = incoming
            do {
                return (try await request.collectBody(upTo: limit), request)
            } catch is NIOTooManyBytesError {
                throw APIError.bodyTooLarge(limit: limit)
            } catch let cancelled as CancellationError {
                throw cancelled
            } catch {
                throw APIError.invalid(nil, "The request body could not be read: it ended early or is malformed.", code: "invalid_body")
            }
        }
        guard let (buffer, withBody) = collected else { throw APIError.bodyTimedOut(seconds: seconds) }
        request = withBody
        return buffer
    }

    /// Server-sent events: a role chunk per sample (chat), a chunk per drawn token, a final
    /// chunk per sample with its finish reason, the usage chunk when asked, then `[DONE]`.
    private func streamingResponse(
        _ request: Request, generation: GenerationRequest, header: ResponseHeader, includeUsage: Bool, ticket: AdmissionTicket
    ) -> Response {
        let model = server.model
        let state = server.state
        let body = ResponseBody { writer in
            _ = ticket  // held until the body is written or dropped
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                try await state.counting {
                    try await Self.stream(model: model, generation: generation, header: header, includeUsage: includeUsage, to: &writer)
                }
            }
            try await writer.finish(nil)
        }
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"]
        return Response(status: .ok, headers: headers, body: body)
    }

    private static func stream(
        model: EmbeddedLanguageModel, generation: GenerationRequest, header: ResponseHeader, includeUsage: Bool,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        let tokenizer = model.tokenizer
        let wantsLogprobs = generation.parameters.logprobs || generation.parameters.topLogprobs > 0
        func send(_ object: [String: Any]) async throws {
            var event = Data("data: ".utf8)
            event += ResponseShapes.data(object)
            event += Data("\n\n".utf8)
            try await writer.write(ByteBuffer(bytes: event))
        }
        var texts = (0..<generation.n).map { _ in
            StreamingText(tokenizer: tokenizer, stopTokens: tokenizer.endOfGenerationTokenIDs, stops: generation.parameters.stop)
        }
        var offsets = Array(repeating: 0, count: generation.n)
        if header.endpoint == .chat {
            for index in 0..<generation.n {
                try await send(ResponseShapes.chunk(header, index: index, role: true, text: "", logprobs: nil, finishReason: nil, includeUsage: includeUsage))
            }
        }
        let (events, continuation) = AsyncStream<(Int, SampledToken)>.makeStream()
        let outcome: Result<GenerationResponse, APIError> = try await withThrowingTaskGroup(of: Result<GenerationResponse, APIError>.self) { group in
            group.addTask {
                defer { continuation.finish() }
                do {
                    return .success(try await mapErrors { try await model.generate(generation, onToken: { _ = continuation.yield(($0, $1)) }) })
                } catch let error as APIError {
                    return .failure(error)
                }
            }
            for await (index, sampled) in events {
                let delta = texts[index].append(sampled.token)
                var logprobs: [String: Any]?
                if wantsLogprobs {
                    let token = TokenLogprob(
                        token: tokenizer.decode([sampled.token]), logprob: sampled.logprob,
                        top: sampled.top.map { .init(token: tokenizer.decode([$0.token]), logprob: $0.logprob) })
                    logprobs = ResponseShapes.logprobs(header.endpoint, [token], textOffset: offsets[index])
                    offsets[index] += token.token.utf8.count
                }
                guard !delta.isEmpty || logprobs != nil else { continue }
                try await send(ResponseShapes.chunk(header, index: index, text: delta, logprobs: logprobs, finishReason: nil, includeUsage: includeUsage))
            }
            return try await group.next()!
        }
        switch outcome {
        case let .success(response):
            for (index, completion) in response.completions.enumerated() {
                let rest = texts[index].finish(finalText: completion.text)
                if !rest.isEmpty {
                    try await send(ResponseShapes.chunk(header, index: index, text: rest, logprobs: nil, finishReason: nil, includeUsage: includeUsage))
                }
                try await send(ResponseShapes.chunk(
                    header, index: index, text: header.endpoint == .chat ? nil : "", logprobs: nil,
                    finishReason: completion.finishReason, includeUsage: includeUsage))
            }
            if includeUsage { try await send(ResponseShapes.usageChunk(header, response.usage)) }
        case let .failure(error):
            try await send(["error": ["message": error.message, "type": error.type, "param": error.param.map { $0 as Any } ?? NSNull(), "code": error.code.map { $0 as Any } ?? NSNull()] as [String: Any]])
        }
        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
    }

    /// Engine errors as API errors: refusals as 400/404, a cancelled request as cancellation.
    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GenerationError {
            switch error {
            case .cancelled: throw CancellationError()
            case .unknownAdapter(let name): throw APIError.modelNotFound(name)
            case .promptTooLong: throw APIError.invalid("prompt", error.description, code: "context_length_exceeded")
            default: throw APIError.invalid(nil, error.description)
            }
        }
    }
}
