/// Names a model, as the command line and configuration files spell it:
///
/// - `embedded:smollm2-135m`, `embedded:gemma3-270m`: a model of the embedded engine, by its name in the model cache;
/// - `gguf:/path/model.gguf`: a GGUF file for the embedded engine;
/// - `openai:http://127.0.0.1:8000/v1#model-name`: a model served by any OpenAI-compatible
///   server (vLLM, llama-server, Ollama, a hosted API); the fragment is the `model` field.
///
/// Parsing only checks the spelling; whether the file or server exists is found out by the code
/// that constructs the model.
public enum ModelURI: Sendable, Hashable, CustomStringConvertible {
    /// A model of the embedded engine, by name.
    case embedded(name: String)
    /// A GGUF file for the embedded engine.
    case gguf(path: String)
    /// An OpenAI-compatible endpoint: `baseURL` without a trailing slash (for example
    /// `http://127.0.0.1:8000/v1`) and the model name sent in each request.
    case openAI(baseURL: String, model: String)

    /// The default of every command's `--model`: the embedded SmolLM2-135M-Instruct.
    public static let defaultText = "embedded:smollm2-135m"

    /// Parses a model URI; the error says which part is wrong and how it should look.
    public init(parsing text: String) throws(ModelURIError) {
        let trimmed = text.trimmingWhitespace()
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ModelURIError(uri: text, problem: "no scheme; expected embedded:NAME, gguf:/path/file.gguf or openai:http://host:port/v1#model")
        }
        let scheme = trimmed[..<colon].lowercased()
        let rest = String(trimmed[trimmed.index(after: colon)...])
        switch scheme {
        case "embedded":
            guard !rest.isEmpty else { throw ModelURIError(uri: text, problem: "empty model name after 'embedded:'") }
            guard !rest.contains(where: \.isWhitespace) else {
                throw ModelURIError(uri: text, problem: "model name '\(rest)' contains whitespace")
            }
            self = .embedded(name: rest)
        case "gguf":
            guard !rest.isEmpty else { throw ModelURIError(uri: text, problem: "empty file path after 'gguf:'") }
            self = .gguf(path: rest)
        case "openai":
            self = try Self.parseOpenAI(rest, uri: text)
        default:
            throw ModelURIError(uri: text, problem: "unknown scheme '\(scheme)'; expected embedded, gguf or openai")
        }
    }

    private static func parseOpenAI(_ rest: String, uri: String) throws(ModelURIError) -> ModelURI {
        guard let hash = rest.firstIndex(of: "#") else {
            throw ModelURIError(uri: uri, problem: "no model name; append '#MODEL' to the base URL, e.g. openai:http://127.0.0.1:8000/v1#my-model")
        }
        var base = String(rest[..<hash])
        let model = String(rest[rest.index(after: hash)...])
        guard !model.isEmpty else { throw ModelURIError(uri: uri, problem: "empty model name after '#'") }
        let lower = base.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("http://") {
            schemeLength = 7
        } else if lower.hasPrefix("https://") {
            schemeLength = 8
        } else {
            throw ModelURIError(uri: uri, problem: "base URL '\(base)' must start with http:// or https://")
        }
        let afterScheme = base.dropFirst(schemeLength)
        let host = afterScheme.prefix(while: { $0 != "/" && $0 != ":" })
        guard !host.isEmpty else { throw ModelURIError(uri: uri, problem: "base URL '\(base)' has no host") }
        let authority = afterScheme.prefix(while: { $0 != "/" })
        if let portColon = authority.firstIndex(of: ":") {
            let port = authority[authority.index(after: portColon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw ModelURIError(uri: uri, problem: "port '\(port)' of the base URL is not a number in 1...65535")
            }
        }
        guard !base.contains(where: \.isWhitespace), !base.contains("?") else {
            throw ModelURIError(uri: uri, problem: "base URL '\(base)' contains whitespace or a query")
        }
        while base.hasSuffix("/") { base.removeLast() }
        return .openAI(baseURL: base, model: model)
    }

    /// The canonical spelling, which parses back to the same value.
    public var description: String {
        switch self {
        case .embedded(let name): "embedded:\(name)"
        case .gguf(let path): "gguf:\(path)"
        case .openAI(let baseURL, let model): "openai:\(baseURL)#\(model)"
        }
    }
}

/// A model URI that does not parse.
public struct ModelURIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var uri: String
    /// What is wrong with it.
    public var problem: String

    public init(uri: String, problem: String) {
        self.uri = uri
        self.problem = problem
    }

    public var description: String { "invalid model URI '\(uri)': \(problem)" }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
