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

    /// Runs `body` counted as a generation in flight, and as cancelled if it ends so.
    func counting<T>(_ body: () async throws -> T) async throws -> T {
        lock.withLock { generations += 1 }
        defer { lock.withLock { generations -= 1 } }
        do {
            return try await body()
        } catch is CancellationError {
            lock.withLock { cancelled += 1 }
            throw CancellationError()
        }
    }

    func running(_ group: ServiceGroup?) { lock.withLock { self.group = group } }

    func shutdownGracefully() async {
        let group = lock.withLock { self.group }
        await group?.triggerGracefulShutdown()
    }
}
