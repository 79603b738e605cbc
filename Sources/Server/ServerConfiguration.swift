/// Settings of an `OpenAIServer`.
public struct ServerConfiguration: Sendable {
    /// Address to listen on; 127.0.0.1 keeps the server local.
    public var host: String
    /// TCP port; 0 picks a free one (`OpenAIServer.run` reports it).
    public var port: Int
    /// When set, every endpoint but `/health` needs `Authorization: Bearer <apiKey>`.
    public var apiKey: String?
    /// Largest accepted request body, in bytes (larger ones get 413).
    public var maxBodyBytes: Int
    /// The base model's id in `/v1/models` and the `model` field (e.g. `smollm2-135m`).
    public var modelName: String
    /// `max_tokens` when a request gives none (capped by the room left in the context).
    public var defaultMaxTokens: Int
    /// Largest `n` accepted.
    public var maximumSamples: Int
    /// Most samples admitted at once (decoding or waiting for a row); more get 429.
    public var maximumQueuedSamples: Int
    /// Seconds a connection may stay idle (not sending a complete request, or kept alive
    /// between requests) before it is closed: slow clients cannot hold connections forever. A
    /// request body must also arrive whole within it (408), however steadily it drips.
    public var idleTimeout: Double
    /// Seconds in-flight requests get to finish after SIGTERM before they are cancelled.
    public var shutdownGracePeriod: Double

    public init(
        modelName: String, host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil,
        maxBodyBytes: Int = 4 << 20, defaultMaxTokens: Int = 512, maximumSamples: Int = 64,
        maximumQueuedSamples: Int = 1024, idleTimeout: Double = 30, shutdownGracePeriod: Double = 30
    ) {
        self.modelName = modelName
        self.host = host
        self.port = port
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.maxBodyBytes = max(1, maxBodyBytes)
        self.defaultMaxTokens = max(1, defaultMaxTokens)
        self.maximumSamples = max(1, maximumSamples)
        self.maximumQueuedSamples = max(self.maximumSamples, maximumQueuedSamples)
        self.idleTimeout = idleTimeout.isFinite ? max(0.01, idleTimeout) : 30
        self.shutdownGracePeriod = max(0, shutdownGracePeriod)
    }
}
