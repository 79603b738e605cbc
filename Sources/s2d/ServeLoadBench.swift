import ArgumentParser
import Foundation
import Inference
import Server

/// `s2d bench serve --clients N [--hostile]`: the options of the load benchmark.
struct ServeLoadOptions: ParsableArguments {
    @Option(help: "Well-behaved clients sending chat completions at once: measures their latency (quiet, then beside --hostile clients) instead of throughput.")
    var clients: Int?
    @Flag(help: "A second phase with hostile clients beside the well-behaved ones: invalid and oversized bodies, wrong content types and hosts, slowloris, extreme top_k/n/max_tokens/stop, hang-ups mid-stream.")
    var hostile = false
    @Option(name: .customLong("hostile-clients"), help: "Concurrent hostile clients (with --hostile).") var hostileClients = 16
    @Option(name: .customLong("hostile-rounds"), help: "Most rounds (every hostile kind once) each hostile client sends (default: rounds until the well-behaved clients are done).")
    var hostileRounds: Int?
    @Option(name: .customLong("requests-per-client"), help: "Requests each well-behaved client sends, one after another, per phase.") var requestsPerClient = 2
    @Option(help: "Drive a server already running on this machine (http://127.0.0.1:PORT) instead of starting one in this process.")
    var url: String?
    @Option(name: .customLong("api-key"), help: "API key of the server at --url (default: $S2D_API_KEY).") var apiKey: String?
    @Option(name: .customLong("max-body-bytes"), help: "The server's body limit: oversized hostile bodies are sent just past it (same default as s2d serve).")
    var maxBodyBytes = 4 << 20
    @Option(name: .customLong("idle-timeout"), help: "Idle timeout of the server started here, in seconds (same default as s2d serve).") var idleTimeout = 30.0
    @Option(help: "Seconds a hostile connection gets to be answered or closed (default: 2 x --idle-timeout + 15).") var patience: Double?
    @Option(name: .customLong("max-batch"), help: "Most samples decoded together by the server started here (same default as s2d serve).") var maxBatch = 32
    @Option(name: .customLong("time-limit"), help: "Seconds the whole benchmark may take.") var timeLimit = 900.0

    func validate() throws {
        guard let clients else {
            if hostile { throw ValidationError("--hostile needs --clients N (the well-behaved clients whose latency it measures)") }
            return
        }
        guard clients > 0, requestsPerClient > 0, hostileClients > 0, (hostileRounds ?? 1) > 0 else {
            throw ValidationError("--clients, --requests-per-client, --hostile-clients and --hostile-rounds must be positive")
        }
        guard maxBodyBytes > 0, maxBatch > 0, idleTimeout > 0, timeLimit > 0, (patience ?? 1) > 0 else {
            throw ValidationError("--max-body-bytes, --max-batch, --idle-timeout, --patience and --time-limit must be positive")
        }
        if let url { _ = try Self.loopbackPort(url) }
    }

    /// The port of a loopback `http://HOST:PORT[/v1]` URL; anything else is refused, so the
    /// benchmark cannot be pointed at someone else's server.
    static func loopbackPort(_ url: String) throws -> Int {
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, let port = parts.port else {
            throw ValidationError("--url must look like http://127.0.0.1:PORT (got '\(url)')")
        }
        guard LoopbackName.contains(host) else {
            throw ValidationError("--url must name this machine's loopback (127.0.0.1, localhost or [::1]); the load benchmark drives only local servers (got '\(host)')")
        }
        return port
    }
}

extension ServeBench {
    /// Runs the load benchmark against `--url`, or against a server started here as `s2d serve` would.
    func runLoad(clients: Int) async throws {
        let patience = load.patience ?? 2 * load.idleTimeout + 15
        var settings = ServerLoadBenchmark.Settings(
            port: 0, clients: clients, requestsPerClient: load.requestsPerClient, maxTokens: maxTokens,
            hostileClients: load.hostile ? load.hostileClients : 0, maxBodyBytes: load.maxBodyBytes, patience: patience,
            apiKey: load.apiKey ?? ProcessInfo.processInfo.environment["S2D_API_KEY"], timeLimit: load.timeLimit,
            hostileRounds: load.hostileRounds)
        let report: ServerLoadBenchmark.Report
        let target: String
        if let url = load.url {
            settings.port = try ServeLoadOptions.loopbackPort(url)
            target = url
            report = try await ServerLoadBenchmark.run(settings)
        } else {
            let path = try model.localPath()
            let engine = try EmbeddedLanguageModel(path: path, threads: threads, maximumBatch: load.maxBatch)
            let server = OpenAIServer(
                model: engine,
                configuration: ServerConfiguration(
                    modelName: "bench", port: 0, apiKey: settings.apiKey, maxBodyBytes: load.maxBodyBytes,
                    maximumSamples: load.maxBatch, idleTimeout: load.idleTimeout))
            target = "\(path) served in this process (\(threads) threads, max batch \(load.maxBatch), idle timeout \(load.idleTimeout) s)"
            let configured = settings
            report = try await server.withRunning { port in
                var settings = configured
                settings.port = port
                return try await ServerLoadBenchmark.run(settings, server: server)
            }
        }
        if json {
            try JSONOutput.print(report)
        } else {
            print(Self.rendered(report, target: target))
        }
        let unexpected = report.hostile.map { $0.sent - $0.expected }.reduce(0, +)
        guard report.health.healthy, unexpected == 0 else {
            throw ValidationError(report.health.healthy
                ? "\(unexpected) hostile requests were not answered as a well-defended server answers (see the table)"
                : "the server is not healthy after the run: \(report.health.detail)")
        }
    }

    static func rendered(_ report: ServerLoadBenchmark.Report, target: String) -> String {
        var lines = [
            "serve load: \(report.clients) clients x \(report.requestsPerClient) chat completions x \(report.maxTokens) tokens"
                + (report.hostileClients > 0 ? ", then again beside \(report.hostileClients) hostile clients" : "")
                + "; server: \(target); kernel path \(KernelPath.summary)",
        ]
        var phases = TextTable(["phase", "requests", "served", "answers", "seconds", "tok/s", "p50 s", "p99 s", "max s"])
        for phase in report.phases {
            phases.add([
                phase.name, "\(phase.requests)", "\(phase.served)", Self.counts(phase.statuses), String(format: "%.1f", phase.seconds),
                String(format: "%.1f", Double(phase.completionTokens) / max(phase.seconds, 1e-9)),
                String(format: "%.2f", phase.p50), String(format: "%.2f", phase.p99), String(format: "%.2f", phase.maxLatency),
            ])
        }
        lines.append(phases.rendered)
        if let ratio = report.p99Ratio { lines.append(String(format: "p99 latency beside hostile clients / quiet: %.2fx", ratio)) }
        if !report.hostile.isEmpty {
            var hostile = TextTable(["hostile request", "sent", "as expected", "answers", "longest s"])
            for tally in report.hostile {
                hostile.add([
                    tally.kind, "\(tally.sent)", "\(tally.expected)", Self.counts(tally.outcomes), String(format: "%.1f", tally.longestSeconds),
                ])
            }
            lines.append(hostile.rendered)
            let invalid = report.hostile.filter { !$0.valid }
            lines.append(
                "invalid requests answered with a 4xx or a closed connection: \(invalid.map(\.expected).reduce(0, +)) of \(invalid.map(\.sent).reduce(0, +)); "
                    + "valid extremes served: \(report.hostile.filter(\.valid).map(\.expected).reduce(0, +)) of \(report.hostile.filter(\.valid).map(\.sent).reduce(0, +))")
        }
        lines.append("server healthy at the end: \(report.health.healthy ? "yes" : "NO") (\(report.health.detail))")
        return lines.joined(separator: "\n")
    }

    private static func counts(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }
}
