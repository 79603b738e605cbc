import Foundation
import Hummingbird
import NIOCore

/// An error answered to the client as OpenAI does: an HTTP status and the body
/// `{"error": {"message", "type", "param", "code"}}`.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status code (400, 401, 404, 413, 500, ...).
    public var status: Int
    /// What is wrong, for a person to read.
    public var message: String
    /// OpenAI's error type, e.g. `invalid_request_error`.
    public var type: String
    /// The request field at fault, when one is.
    public var param: String?
    /// A machine-readable code, e.g. `model_not_found`, `context_length_exceeded`.
    public var code: String?

    public init(status: Int, message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public var description: String { "HTTP \(status) \(type)\(param.map { " (\($0))" } ?? ""): \(message)" }

    /// 400 for a field of the wrong type or value.
    static func invalid(_ param: String?, _ message: String, code: String? = nil) -> APIError {
        APIError(status: 400, message: message, param: param, code: code)
    }

    static func modelNotFound(_ model: String) -> APIError {
        APIError(status: 404, message: "The model `\(model)` does not exist.", param: "model", code: "model_not_found")
    }

    static let unauthorized = APIError(
        status: 401, message: "Incorrect or missing API key: send the header `Authorization: Bearer KEY`.",
        code: "invalid_api_key")

    /// Too many samples in the server already (429, retryable).
    static func busy(limit: Int) -> APIError {
        APIError(status: 429, message: "The server is busy: it holds its limit of \(limit) samples in flight. Retry shortly.",
                 type: "server_busy", code: "rate_limit_exceeded")
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: 413, message: "The request body is larger than the server's limit of \(limit) bytes.", code: "request_too_large")
    }

    /// The body did not arrive in time (408); the connection is closed.
    static func bodyTimedOut(seconds: Double) -> APIError {
        APIError(status: 408, message: "The request body did not arrive within \(seconds) s.", code: "request_timeout")
    }

    /// The JSON body `{"error": {...}}` with explicit nulls, as OpenAI sends it.
    var jsonBody: Data {
        let object: [String: Any] = [
            "error": [
                "message": message, "type": type, "param": param.map { $0 as Any } ?? NSNull(), "code": code.map { $0 as Any } ?? NSNull(),
            ] as [String: Any]
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The HTTP response carrying this error.
    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }
}
