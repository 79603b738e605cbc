import Foundation
import Inference

/// Which OpenAI endpoint a request came to: the two share sampling fields but differ in the
/// prompt (`messages` or `prompt`) and in the shape of answers and log-probabilities.
enum Endpoint: Sendable {
    case chat, completion
}

/// A `/v1/chat/completions` or `/v1/completions` body, checked field by field.
struct CompletionRequest: Sendable {
    var endpoint: Endpoint
    /// The `model` field as sent; nil when absent (the base model answers).
    var model: String?
    var prompt: Prompt
    var n: Int
    /// `max_tokens` (or `max_completion_tokens`); nil means "up to the server's default".
    var maxTokens: Int?
    var temperature: Double
    var topP: Double
    var topK: Int?
    var seed: UInt64
    var stop: [String]
    var stream: Bool
    /// `stream_options.include_usage`: a last chunk carries the usage.
    var includeUsage: Bool
    var logprobs: Bool
    var topLogprobs: Int

    /// Largest `top_logprobs` (chat) or `logprobs` (completions) accepted.
    static let maximumAlternatives = 20
    /// Most stop strings accepted.
    static let maximumStops = 16
    /// Longest stop string accepted, in bytes: each generated token is checked against every
    /// stop string over a window as wide as the longest one.
    static let maximumStopBytes = 256

    /// Parses `body`; throws a 400 `APIError` naming the field at fault.
    init(json body: Data, endpoint: Endpoint, maximumSamples: Int) throws(APIError) {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw .invalid(nil, "We could not parse the JSON body of your request: it is not valid JSON.", code: "invalid_json")
        }
        guard case let .object(fields) = root else {
            throw .invalid(nil, "The request body must be a JSON object, not \(root.typeName).", code: "invalid_json")
        }
        self.endpoint = endpoint
        let reader = FieldReader(fields: fields)
        model = try reader.string("model")
        switch endpoint {
        case .chat: prompt = .chat(try Self.messages(fields["messages"]))
        case .completion: prompt = .text(try Self.prompt(fields["prompt"]))
        }
        n = try reader.integer("n", in: 1...maximumSamples) ?? 1
        if let given = try reader.integer("max_tokens", in: 0...Int(Int32.max)) {
            maxTokens = given
        } else {
            maxTokens = try reader.integer("max_completion_tokens", in: 0...Int(Int32.max))
        }
        temperature = try reader.number("temperature", in: 0...2) ?? 1
        topP = try reader.number("top_p", in: 0...1) ?? 1
        if topP == 0 { throw .invalid("top_p", "top_p must be greater than 0 (got 0).") }
        topK = try reader.integer("top_k", in: 0...Int(Int32.max)).flatMap { $0 > 0 ? $0 : nil }
        seed = try reader.seed("seed") ?? UInt64.random(in: 0...UInt64.max)
        stop = try Self.stops(fields["stop"])
        stream = try reader.bool("stream") ?? false
        includeUsage = false
        if let options = fields["stream_options"], options != .null {
            guard case let .object(inner) = options else {
                throw .invalid("stream_options", "stream_options must be an object, not \(options.typeName).")
            }
            includeUsage = try FieldReader(fields: inner, prefix: "stream_options.").bool("include_usage") ?? false
        }
        switch endpoint {
        case .chat:
            logprobs = try reader.bool("logprobs") ?? false
            topLogprobs = try reader.integer("top_logprobs", in: 0...Self.maximumAlternatives) ?? 0
            if topLogprobs > 0 { logprobs = true }
        case .completion:
            // The legacy API's `logprobs` is the number of alternatives; present means "return them".
            let alternatives = try reader.integer("logprobs", in: 0...Self.maximumAlternatives)
            logprobs = alternatives != nil
            topLogprobs = alternatives ?? 0
            if try reader.bool("echo") == true {
                throw .invalid("echo", "echo is not supported by this server.")
            }
        }
    }

    /// Sampling parameters for the engine, with the resolved token budget.
    func parameters(maxTokens: Int) -> SamplingParameters {
        SamplingParameters(
            maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed, stop: stop,
            logprobs: logprobs, topLogprobs: topLogprobs)
    }

    private static func messages(_ value: JSONValue?) throws(APIError) -> [ChatMessage] {
        guard let value, value != .null else { throw .invalid("messages", "Missing required parameter: 'messages'.") }
        guard case let .array(items) = value else { throw .invalid("messages", "messages must be an array, not \(value.typeName).") }
        guard !items.isEmpty else { throw .invalid("messages", "messages must hold at least one message.") }
        var messages: [ChatMessage] = []
        for (i, item) in items.enumerated() {
            let param = "messages[\(i)]"
            guard case let .object(fields) = item else { throw .invalid(param, "\(param) must be an object, not \(item.typeName).") }
            guard case let .string(roleName)? = fields["role"] else {
                throw .invalid("\(param).role", "\(param).role must be a string: one of system, developer, user, assistant.")
            }
            let role: ChatMessage.Role
            switch roleName {
            case "system", "developer": role = .system
            case "user": role = .user
            case "assistant": role = .assistant
            default: throw .invalid("\(param).role", "\(param).role '\(roleName)' is not supported (system, developer, user, assistant).")
            }
            messages.append(ChatMessage(role: role, content: try content(fields["content"], param: "\(param).content")))
        }
        return messages
    }

    /// A message's content: a string, or an array of `{"type": "text", "text": ...}` parts.
    private static func content(_ value: JSONValue?, param: String) throws(APIError) -> String {
        switch value {
        case let .string(text)?: return text
        case .null?, nil: return ""
        case let .array(parts)?:
            var text = ""
            for (k, part) in parts.enumerated() {
                guard case let .object(fields) = part, fields["type"] == .string("text"), case let .string(piece)? = fields["text"] else {
                    throw .invalid("\(param)[\(k)]", "\(param)[\(k)] must be a text part {\"type\": \"text\", \"text\": \"...\"}; other parts are not supported.")
                }
                text += piece
            }
            return text
        case let other?: throw .invalid(param, "\(param) must be a string or an array of text parts, not \(other.typeName).")
        }
    }

    private static func prompt(_ value: JSONValue?) throws(APIError) -> String {
        switch value {
        case let .string(text)?: return text
        case let .array(items)? where items.count == 1:
            guard case let .string(text) = items[0] else { throw .invalid("prompt", "prompt must be a string or an array of one string.") }
            return text
        case .array?: throw .invalid("prompt", "prompt must be a string or an array of exactly one string: this server takes one prompt per request.")
        case .null?, nil: throw .invalid("prompt", "Missing required parameter: 'prompt'.")
        case let other?: throw .invalid("prompt", "prompt must be a string, not \(other.typeName).")
        }
    }

    private static func stops(_ value: JSONValue?) throws(APIError) -> [String] {
        var stops: [String]
        switch value {
        case .null?, nil: return []
        case let .string(text)?: stops = [text]
        case let .array(items)?:
            stops = []
            for item in items {
                guard case let .string(text) = item else { throw .invalid("stop", "stop must be a string or an array of strings; found \(item.typeName) in the array.") }
                stops.append(text)
            }
        case let other?: throw .invalid("stop", "stop must be a string or an array of strings, not \(other.typeName).")
        }
        guard stops.count <= maximumStops else { throw .invalid("stop", "stop holds \(stops.count) strings; at most \(maximumStops) are allowed.") }
        if let long = stops.first(where: { $0.utf8.count > maximumStopBytes }) {
            throw .invalid("stop", "a stop string is \(long.utf8.count) bytes long; at most \(maximumStopBytes) are allowed.")
        }
        return stops.filter { !$0.isEmpty }
    }
}

/// Reads optional scalar fields, throwing a 400 that names the field when the type or range is wrong.
private struct FieldReader {
    let fields: [String: JSONValue]
    var prefix = ""

    func string(_ name: String) throws(APIError) -> String? {
        switch fields[name] {
        case .null?, nil: return nil
        case let .string(text)?: return text
        case let other?: throw .invalid(prefix + name, "\(prefix + name) must be a string, not \(other.typeName).")
        }
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        switch fields[name] {
        case .null?, nil: return nil
        case let .bool(flag)?: return flag
        case let other?: throw .invalid(prefix + name, "\(prefix + name) must be a boolean, not \(other.typeName).")
        }
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        let value: Int
        switch fields[name] {
        case .null?, nil: return nil
        case let .integer(v)?:
            guard let fits = Int(exactly: v), range.contains(fits) else { throw outOfRange(name, "\(v)", range) }
            value = fits
        case let .unsigned(v)?: throw outOfRange(name, "\(v)", range)
        case let .number(v)? where v.rounded() == v && v.isFinite:
            guard v >= Double(range.lowerBound), v <= Double(range.upperBound) else { throw outOfRange(name, "\(v)", range) }
            value = Int(v)
        case let other?: throw .invalid(prefix + name, "\(prefix + name) must be an integer, not \(other.typeName).")
        }
        return value
    }

    func number(_ name: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        switch fields[name] {
        case .null?, nil: return nil
        case let value?:
            guard let number = value.double else { throw .invalid(prefix + name, "\(prefix + name) must be a number, not \(value.typeName).") }
            guard range.contains(number) else {
                throw .invalid(prefix + name, "\(prefix + name) must be between \(range.lowerBound) and \(range.upperBound) (got \(number)).")
            }
            return number
        }
    }

    /// OpenAI's seed is a signed 64-bit integer; any 64-bit integer is taken, its bits as the seed.
    func seed(_ name: String) throws(APIError) -> UInt64? {
        switch fields[name] {
        case .null?, nil: return nil
        case let .integer(v)?: return UInt64(bitPattern: v)
        case let .unsigned(v)?: return v
        case let other?: throw .invalid(prefix + name, "\(prefix + name) must be an integer, not \(other.typeName).")
        }
    }

    private func outOfRange(_ name: String, _ value: String, _ range: ClosedRange<Int>) -> APIError {
        .invalid(prefix + name, "\(prefix + name) must be an integer in \(range.lowerBound)...\(range.upperBound) (got \(value)).")
    }
}
