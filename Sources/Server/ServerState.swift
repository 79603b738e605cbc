import Foundation
import ServiceLifecycle

/// What the server tracks while running: generations in flight (so that a client hanging up
/// can be seen to free its rows) and the running service group (for a graceful stop).
final class ServerState: @unchecked Sendable {
    // Sendable: every field is guarded by `lock`.
    private let lock = NSLock()
    private var generations = 0
    private var cancelled = 0
    private var group: ServiceGroup?

    var generationsInFlight: Int { lock.withLock { generations } }
    var generationsCancelled: Int { lock.withLock { cancelled } }

    /// Runs `body` counted as a generation in flight, and as cancelled if its client went away.
    func counting<T>(_ body: () async throws -> T) async throws -> T {
        lock.withLock { generations += 1 }
        defer { lock.withLock { generations -= 1 } }
        do {
            return try await body()
        } catch {
            // A refused request is an APIError; anything else ending a generation early is its
            // client going away (cancellation, or a failed write to the closed connection) or
            // the server stopping.
            if !(error is APIError) { lock.withLock { cancelled += 1 } }
            throw error
        }
    }

    func running(_ group: ServiceGroup?) { lock.withLock { self.group = group } }

    func shutdownGracefully() async {
        let group = lock.withLock { self.group }
        await group?.triggerGracefulShutdown()
    }
}
