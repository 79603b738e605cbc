import Foundation
import Inference

// The JSON objects OpenAI's API answers with, built as dictionaries so that explicit nulls
// (`"logprobs": null`, `"finish_reason": null` in chunks) are written as OpenAI writes them.

/// Identity of one response: its id, endpoint, creation time and model name, shared by all
/// chunks of a stream.
struct ResponseHeader: Sendable {
    var id: String
    var endpoint: Endpoint
    var created: Int
    var model: String

    init(endpoint: Endpoint, model: String) {
        let hex = (0..<24).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        id = (endpoint == .chat ? "chatcmpl-" : "cmpl-") + hex
        self.endpoint = endpoint
        created = Int(Date().timeIntervalSince1970)
        self.model = model
    }

    func object(chunk: Bool) -> String {
        switch endpoint {
        case .chat: chunk ? "chat.completion.chunk" : "chat.completion"
        case .completion: "text_completion"
        }
    }

    func fields(chunk: Bool) -> [String: Any] {
        ["id": id, "object": object(chunk: chunk), "created": created, "model": model]
    }
}

enum ResponseShapes {
    static func usage(_ usage: Usage) -> [String: Any] {
        ["prompt_tokens": usage.promptTokens, "completion_tokens": usage.completionTokens, "total_tokens": usage.totalTokens]
    }

    /// A whole (non-streamed) response.
    static func response(_ header: ResponseHeader, _ response: GenerationResponse) -> [String: Any] {
        var object = header.fields(chunk: false)
        object["choices"] = response.completions.enumerated().map { index, completion -> [String: Any] in
            var choice: [String: Any] = ["index": index, "finish_reason": completion.finishReason.rawValue]
            switch header.endpoint {
            case .chat: choice["message"] = ["role": "assistant", "content": completion.text]
            case .completion: choice["text"] = completion.text
            }
            choice["logprobs"] = completion.logprobs.map { Self.logprobs(header.endpoint, $0, textOffset: 0) as Any } ?? NSNull()
            return choice
        }
        object["usage"] = usage(response.usage)
        return object
    }

    /// Log-probabilities of `tokens`: chat's `{"content": [...]}` or the legacy parallel arrays
    /// (`text_offset` counts UTF-8 bytes from `textOffset`).
    static func logprobs(_ endpoint: Endpoint, _ tokens: [TokenLogprob], textOffset: Int) -> [String: Any] {
        switch endpoint {
        case .chat:
            return ["content": tokens.map { token -> [String: Any] in
                [
                    "token": token.token, "logprob": token.logprob, "bytes": Array(token.token.utf8).map(Int.init),
                    "top_logprobs": token.top.map { ["token": $0.token, "logprob": $0.logprob, "bytes": Array($0.token.utf8).map(Int.init)] as [String: Any] },
                ]
            }]
        case .completion:
            var offsets: [Int] = []
            var offset = textOffset
            for token in tokens {
                offsets.append(offset)
                offset += token.token.utf8.count
            }
            var top: Any = NSNull()
            if tokens.contains(where: { !$0.top.isEmpty }) {
                top = tokens.map { token in Dictionary(token.top.map { ($0.token, $0.logprob) }, uniquingKeysWith: { a, _ in a }) }
            }
            return ["tokens": tokens.map(\.token), "token_logprobs": tokens.map(\.logprob), "top_logprobs": top, "text_offset": offsets]
        }
    }

    /// One streamed chunk holding one choice: a text delta (nil: none), the tokens' logprobs
    /// (nil: null), and the finish reason (nil: null).
    static func chunk(
        _ header: ResponseHeader, index: Int, role: Bool = false, text: String?, logprobs: [String: Any]?,
        finishReason: FinishReason?, includeUsage: Bool
    ) -> [String: Any] {
        var object = header.fields(chunk: true)
        var choice: [String: Any] = [
            "index": index, "logprobs": logprobs.map { $0 as Any } ?? NSNull(),
            "finish_reason": finishReason.map { $0.rawValue as Any } ?? NSNull(),
        ]
        switch header.endpoint {
        case .chat:
            var delta: [String: Any] = [:]
            if role { delta["role"] = "assistant" }
            if let text { delta["content"] = text }
            choice["delta"] = delta
        case .completion:
            choice["text"] = text ?? ""
        }
        object["choices"] = [choice]
        if includeUsage { object["usage"] = NSNull() }
        return object
    }

    /// The last chunk of a stream asked for with `stream_options.include_usage`.
    static func usageChunk(_ header: ResponseHeader, _ usage: Usage) -> [String: Any] {
        var object = header.fields(chunk: true)
        object["choices"] = [Any]()
        object["usage"] = Self.usage(usage)
        return object
    }

    static func data(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
