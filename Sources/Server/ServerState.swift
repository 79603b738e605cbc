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
    /// Samples admitted and not yet answered (decoding or waiting for a row of the batch).
    private var admittedSamples = 0

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

    var samplesAdmitted: Int { lock.withLock { admittedSamples } }

    /// Admits a request of `samples` samples, or refuses it (429) when that would put more than
    /// `limit` samples in the server at once: a flood of requests then gets fast refusals
    /// instead of an unbounded queue. The ticket gives the samples back when it is released.
    func admit(samples: Int, limit: Int) throws(APIError) -> AdmissionTicket {
        let admitted = lock.withLock {
            guard admittedSamples + samples <= limit else { return false }
            admittedSamples += samples
            return true
        }
        guard admitted else { throw APIError.busy(limit: limit) }
        return AdmissionTicket(state: self, samples: samples)
    }

    fileprivate func release(samples: Int) { lock.withLock { admittedSamples -= samples } }

    func running(_ group: ServiceGroup?) { lock.withLock { self.group = group } }

    func shutdownGracefully() async {
        let group = lock.withLock { self.group }
        await group?.triggerGracefulShutdown()
    }
}

/// Samples a request holds in the server; given back when the ticket goes away (the request
/// answered, failed, or its streaming body dropped), whatever path that takes.
final class AdmissionTicket: Sendable {
    private let state: ServerState
    let samples: Int

    fileprivate init(state: ServerState, samples: Int) {
        self.state = state
        self.samples = samples
    }

    deinit { state.release(samples: samples) }
}
