/// Why an `OpenAICompatibleModel` request failed. Descriptions name the URL and what went wrong;
/// they never contain the API key.
public enum OpenAIClientError: Error, Sendable, CustomStringConvertible {
    /// The server refused the request with a status that retrying cannot fix (a 4xx other than
    /// 408 and 429); `message` is the server's error message (OpenAI's `error.message`, or the body).
    case rejected(status: Int, url: String, message: String, type: String?)
    /// Every attempt failed with a retryable error; `lastError` describes the last one.
    case retriesExhausted(attempts: Int, url: String, lastError: String)
    /// The server answered 2xx with a body that is not an OpenAI-shaped response.
    case malformedResponse(url: String, detail: String)
    /// The server answered with no choices at all.
    case noChoices(url: String)
    /// An API key is set but the base URL is plain http to another machine, where the key
    /// would travel readable by anyone on the way.
    case keyOverPlainHTTP(url: String, variable: String)

    public var description: String {
        switch self {
        case .rejected(let status, let url, let message, let type):
            let kind = type.map { " (\($0))" } ?? ""
            return "POST \(url) was rejected with HTTP \(status)\(kind): \(message)"
        case .retriesExhausted(let attempts, let url, let lastError):
            return "POST \(url) failed \(attempts) times; last error: \(lastError)"
        case .malformedResponse(let url, let detail):
            return "POST \(url) returned a response that is not OpenAI-shaped: \(detail)"
        case .noChoices(let url):
            return "POST \(url) returned no choices"
        case .keyOverPlainHTTP(let url, let variable):
            return "\(variable) is set, but \(url) is plain http to another machine: the key would be sent unencrypted. "
                + "Use an https:// base URL, unset \(variable) for a server without a key, or set \(OpenAICompatibleModel.plainHTTPKeyVariable)=1 to send it anyway"
        }
    }
}
