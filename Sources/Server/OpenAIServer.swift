import Foundation
import Hummingbird
import Inference
import Logging
import NIOCore
import ServiceLifecycle

/// An OpenAI-compatible HTTP server for the embedded engine and its LoRA adapters.
///
/// Endpoints: `GET /health`, `GET /v1/models`, `GET /v1/models/{id}`,
/// `POST /v1/chat/completions`, `POST /v1/completions` (both with `stream`). Model ids are
/// the base model's `configuration.modelName` and each adapter's name (`BASE+NAME` is also
/// accepted for an adapter). Every request goes to the model's one continuous-batching
/// generator, so concurrent requests, of the base model and of any adapters, are decoded
/// together, and the `n` samples of a request share its prompt.
public final class OpenAIServer: Sendable {
    /// The engine answering requests.
    public let model: EmbeddedLanguageModel
    public let configuration: ServerConfiguration
    let state = ServerState()

    public init(model: EmbeddedLanguageModel, configuration: ServerConfiguration) {
        self.model = model
        self.configuration = configuration
    }

    /// Generations running now (a request with `n` samples counts once). A client that hangs
    /// up has its generation cancelled, so this drops when it goes.
    public var generationsInFlight: Int { state.generationsInFlight }
    /// Samples admitted and not yet answered (at most `configuration.maximumQueuedSamples`).
    public var samplesAdmitted: Int { state.samplesAdmitted }

    /// Generations stopped before their end because the client went away (or the server
    /// stopped): evidence that a hang-up frees its rows rather than running to `max_tokens`.
    public var generationsCancelled: Int { state.generationsCancelled }

    /// Stops a running server as SIGTERM does: no new connections, requests in flight finish
    /// (or are cancelled after `shutdownGracePeriod`), then `run` returns.
    public func shutdownGracefully() async { await state.shutdownGracefully() }

    /// Loads a PEFT LoRA adapter folder, served under the model id `name`.
    public func loadAdapter(named name: String, from path: URL) async throws {
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "+" }), name != configuration.modelName else {
            throw APIError(status: 400, message: "adapter name '\(name)' must be non-empty, without spaces or '+', and differ from the base model's name")
        }
        try await model.loadAdapter(named: name, from: path)
    }

    /// The model ids served: the base model first, then the adapters in name order.
    public var modelIDs: [String] { [configuration.modelName] + model.variantNames }

    /// Serves until the calling task is cancelled or, with `handlingSignals`, until SIGTERM or
    /// SIGINT; then stops accepting connections and gives in-flight requests
    /// `shutdownGracePeriod` seconds to finish before cancelling them.
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(handlingSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "s2d.serve")
        logger.logLevel = .notice
        let app = Application(
            router: makeRouter(),
            // Connections idle past the timeout (a client that never finishes its request, or
            // holds a kept-alive connection open) are closed; a request being answered is not idle.
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout * 1e9)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "s2d"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.shutdownGracePeriod * 1000))
        let group = ServiceGroup(configuration: groupConfiguration)
        state.running(group)
        defer { state.running(nil) }
        try await group.run()
    }

    /// The routes and middleware (error objects outermost, then the cross-site guard, then the API key check).
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: OpenAIErrorMiddleware(maxBodyBytes: configuration.maxBodyBytes))
        router.add(middleware: CrossSiteGuardMiddleware(checksHost: LoopbackName.contains(configuration.host)))
        if let key = configuration.apiKey { router.add(middleware: APIKeyMiddleware(key: key)) }
        router.get("/health") { _, _ in Self.json(["status": "ok"]) }
        router.get("/v1/models") { _, _ in
            Self.json(["object": "list", "data": self.modelIDs.map(self.modelObject)])
        }
        router.get("/v1/models/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard self.modelIDs.contains(id) else { throw APIError.modelNotFound(id) }
            return Self.json(self.modelObject(id))
        }
        let handler = CompletionHandler(server: self)
        router.post("/v1/chat/completions") { request, _ in try await handler.respond(request, endpoint: .chat) }
        router.post("/v1/completions") { request, _ in try await handler.respond(request, endpoint: .completion) }
        return router
    }

    private static let startTime = Int(Date().timeIntervalSince1970)

    private func modelObject(_ id: String) -> [String: Any] {
        ["id": id, "object": "model", "created": Self.startTime, "owned_by": "s2d"]
    }

    /// The adapter (nil: the base model) a request's `model` field names; 404 when none.
    func adapter(forModel name: String?) throws(APIError) -> String? {
        guard let name, name != configuration.modelName, name != "embedded:\(configuration.modelName)" else { return nil }
        let adapters = model.variantNames
        if adapters.contains(name) { return name }
        let prefix = configuration.modelName + "+"
        if name.hasPrefix(prefix), adapters.contains(String(name.dropFirst(prefix.count))) { return String(name.dropFirst(prefix.count)) }
        throw APIError.modelNotFound(name)
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: ResponseShapes.data(object))))
    }
}
