import AsyncHTTPClient
import Foundation
import Inference
import NIOCore
import Synchronization

/// A server on 127.0.0.1 under load: N well-behaved clients send chat completions, first alone
/// (the quiet figures), then again while hostile clients (`HostileRequest`) run beside them.
/// Reports the well-behaved clients' latency in both phases, the answers every hostile kind got,
/// and whether the server is still healthy at the end. Bounded in count (requests per client) and
/// in time (`timeLimit`); it connects to loopback only.
public enum ServerLoadBenchmark {
    public struct Settings: Sendable {
        /// The server's port on 127.0.0.1.
        public var port: Int
        /// Well-behaved clients, each sending `requestsPerClient` requests one after another.
        public var clients: Int
        public var requestsPerClient: Int
        /// `max_tokens` of a well-behaved request.
        public var maxTokens: Int
        /// Concurrent hostile clients in the second phase (at least 2 when any: one slowloris, one
        /// quick); 0 runs the quiet phase only.
        public var hostileClients: Int
        /// The server's body limit: oversized bodies are sent just past it.
        public var maxBodyBytes: Int
        /// Seconds a hostile connection gets to be answered or closed (slowloris clients are
        /// closed after the server's idle timeout, so this should exceed it).
        public var patience: Double
        /// Sent as `Authorization: Bearer KEY` by the well-behaved clients.
        public var apiKey: String?
        /// Seconds the whole benchmark may take.
        public var timeLimit: Double
        /// Most rounds (every kind of its side once) a hostile client sends; nil: rounds until the
        /// well-behaved clients are done. Bounds the hostile load where the phase may be long.
        public var hostileRounds: Int?

        public init(
            port: Int, clients: Int = 100, requestsPerClient: Int = 2, maxTokens: Int = 16, hostileClients: Int = 16,
            maxBodyBytes: Int = 4 << 20, patience: Double = 75, apiKey: String? = nil, timeLimit: Double = 900, hostileRounds: Int? = nil
        ) {
            self.hostileRounds = hostileRounds.map { max(1, $0) }
            self.port = port
            self.clients = max(1, clients)
            self.requestsPerClient = max(1, requestsPerClient)
            self.maxTokens = max(1, maxTokens)
            self.hostileClients = max(0, hostileClients)
            self.maxBodyBytes = max(1, maxBodyBytes)
            self.patience = max(1, patience)
            self.apiKey = apiKey
            self.timeLimit = max(1, timeLimit)
        }
    }

    /// The well-behaved clients' figures in one phase.
    public struct Phase: Sendable, Codable {
        public var name: String
        public var requests: Int
        /// Answered 200 with a completion.
        public var served: Int
        /// Answers by HTTP status ("no answer" when the connection failed).
        public var statuses: [String: Int]
        public var completionTokens: Int
        public var seconds: Double
        /// Latency from sending a request to its whole answer, in seconds.
        public var p50: Double
        public var p99: Double
        public var maxLatency: Double
    }

    /// What one hostile kind got.
    public struct HostileTally: Sendable, Codable {
        public var kind: String
        /// A valid (only extreme) request, which should be served.
        public var valid: Bool
        public var sent: Int
        /// Answered as a well-defended server answers (see `HostileRequest.isExpected`).
        public var expected: Int
        /// Outcomes by status ("HTTP 400") or ending ("closed by server").
        public var outcomes: [String: Int]
        /// The longest time one took to be answered or closed, in seconds.
        public var longestSeconds: Double
    }

    public struct Health: Sendable, Codable {
        public var healthy: Bool
        public var detail: String
    }

    public struct Report: Sendable, Codable {
        public var clients: Int
        public var requestsPerClient: Int
        public var maxTokens: Int
        public var hostileClients: Int
        public var phases: [Phase]
        public var hostile: [HostileTally]
        public var health: Health

        /// p99 latency with hostile clients over the quiet p99.
        public var p99Ratio: Double? {
            guard phases.count == 2, phases[0].p99 > 0 else { return nil }
            return phases[1].p99 / phases[0].p99
        }
    }

    public struct TimeLimitExceeded: Error, CustomStringConvertible {
        public var seconds: Double
        public var description: String { "the load benchmark did not finish within its time limit of \(Int(seconds)) s" }
    }

    /// Runs both phases against the server on 127.0.0.1:`settings.port`. With `server` (one
    /// running in this process), health also checks that no generation or sample is left held.
    public static func run(_ settings: Settings, server: OpenAIServer? = nil) async throws -> Report {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: settings.clients + 1)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            guard let report = try await withDeadline(seconds: settings.timeLimit, { try await measure(settings, client: client, server: server) }) else {
                throw TimeLimitExceeded(seconds: settings.timeLimit)
            }
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func measure(_ settings: Settings, client: HTTPClient, server: OpenAIServer?) async throws -> Report {
        let wellBehaved = WellBehavedClient(client: client, port: settings.port, maxTokens: settings.maxTokens, apiKey: settings.apiKey)
        // Warm-up: the first request pays for thread start-up and page faults.
        _ = await wellBehaved.send(seed: 0)
        var phases = [await phase("quiet", settings, wellBehaved)]
        var hostile: [HostileTally] = []
        if settings.hostileClients > 0 {
            let stop = StopSignal()
            let hostileRun = Task { await hostileClients(settings, stop: stop) }
            phases.append(await phase("with hostile clients", settings, wellBehaved))
            stop.raise()
            hostile = await hostileRun.value
        }
        let health = await checkHealth(settings, wellBehaved, server: server)
        return Report(
            clients: settings.clients, requestsPerClient: settings.requestsPerClient, maxTokens: settings.maxTokens,
            hostileClients: settings.hostileClients, phases: phases, hostile: hostile, health: health)
    }

    /// Every well-behaved client sends its requests one after another, all clients at once.
    private static func phase(_ name: String, _ settings: Settings, _ wellBehaved: WellBehavedClient) async -> Phase {
        let start = Date()
        let answers = await withTaskGroup(of: [WellBehavedClient.Answer].self) { group in
            for c in 0..<settings.clients {
                group.addTask {
                    var answers: [WellBehavedClient.Answer] = []
                    for r in 0..<settings.requestsPerClient { answers.append(await wellBehaved.send(seed: UInt64(1 + c * settings.requestsPerClient + r))) }
                    return answers
                }
            }
            var all: [WellBehavedClient.Answer] = []
            for await answers in group { all += answers }
            return all
        }
        let seconds = Date().timeIntervalSince(start)
        let latencies = answers.map(\.latency).sorted()
        return Phase(
            name: name, requests: answers.count, served: answers.filter { $0.status == 200 }.count,
            statuses: Dictionary(answers.map { ($0.status == 0 ? "no answer" : "HTTP \($0.status)", 1) }, uniquingKeysWith: +),
            completionTokens: answers.map(\.tokens).reduce(0, +), seconds: seconds,
            p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), maxLatency: latencies.last ?? 0)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Hostile clients take the kinds in turn until `stop` is raised and each client has sent
    /// every kind of its side once; a connection under way then runs to its end (answered, closed, or
    /// past the patience). A quarter of them (at least one) send the slow kinds, each holding one
    /// slow connection at a time; the rest send the quick kinds back to back.
    private static func hostileClients(_ settings: Settings, stop: StopSignal) async -> [HostileTally] {
        let kinds = HostileRequest.allCases
        let slowClients = max(1, settings.hostileClients / 4)
        let outcomes = await withTaskGroup(of: [(HostileRequest, RawConnection.Outcome)].self) { group in
            for worker in 0..<max(2, settings.hostileClients) {
                let slow = worker < slowClients
                let mine = kinds.filter { $0.isSlow == slow }
                group.addTask {
                    var random = RandomSource(seed: UInt64(worker))
                    var results: [(HostileRequest, RawConnection.Outcome)] = []
                    // Each client goes through every kind of its side, starting at its own.
                    var sent = 0
                    let most = settings.hostileRounds.map { $0 * mine.count } ?? Int.max
                    while sent < mine.count || (!stop.isRaised && sent < most) {
                        let kind = mine[(worker + sent) % mine.count]
                        sent += 1
                        let steps = kind.steps(port: settings.port, maxBodyBytes: settings.maxBodyBytes, random: &random)
                        let outcome = await RawConnection.exchange(port: settings.port, steps, listening: kind.listening, patience: .seconds(settings.patience))
                        results.append((kind, outcome))
                    }
                    return results
                }
            }
            var all: [(HostileRequest, RawConnection.Outcome)] = []
            for await results in group { all += results }
            return all
        }
        return kinds.map { kind in
            let mine = outcomes.filter { $0.0 == kind }.map(\.1)
            return HostileTally(
                kind: kind.rawValue, valid: kind.isValid, sent: mine.count, expected: mine.filter(kind.isExpected).count,
                outcomes: Dictionary(mine.map { ($0.ending == .answered ? "HTTP \($0.status ?? 0)" : $0.ending.rawValue, 1) }, uniquingKeysWith: +),
                longestSeconds: mine.map(\.seconds).max() ?? 0)
        }
    }

    /// Healthy: `/health` answers 200, a completion is served, and (for a server in this process)
    /// no generation or sample is still held once the last connections are gone.
    private static func checkHealth(_ settings: Settings, _ wellBehaved: WellBehavedClient, server: OpenAIServer?) async -> Health {
        let probe = await wellBehaved.get("/health")
        guard probe == 200 else { return Health(healthy: false, detail: "GET /health answered \(probe == 0 ? "nothing" : "HTTP \(probe)")") }
        let answer = await wellBehaved.send(seed: 424242)
        guard answer.status == 200 else { return Health(healthy: false, detail: "a completion after the run answered \(answer.status == 0 ? "nothing" : "HTTP \(answer.status)")") }
        var detail = "GET /health 200, a completion 200"
        if let server {
            var waited = 0
            while server.generationsInFlight > 0 || server.samplesAdmitted > 0, waited < 100 {
                try? await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            guard server.generationsInFlight == 0, server.samplesAdmitted == 0 else {
                return Health(healthy: false, detail: detail + "; still held 10 s later: \(server.generationsInFlight) generations, \(server.samplesAdmitted) samples")
            }
            detail += ", nothing left in flight (\(server.generationsCancelled) generations cancelled by hang-ups)"
        }
        return Health(healthy: true, detail: detail)
    }
}

/// Raised once, read by many: tells the hostile clients to start nothing new.
private final class StopSignal: Sendable {
    private let raised = Mutex(false)
    var isRaised: Bool { raised.withLock { $0 } }
    func raise() { raised.withLock { $0 = true } }
}
