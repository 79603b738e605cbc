import Foundation

extension OpenAIServer {
    /// Why a server started for `withRunning` did not come up.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String { "the server stopped before it accepted connections (is the address in use?)" }
    }

    /// Runs the server (no signal handling) for the duration of `body`, which gets the bound
    /// port; then shuts it down gracefully. With `configuration.port` 0 the port is a free one, so tests
    /// and benchmarks can run side by side.
    public func withRunning<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, sink) = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { sink.finish() }
                try await self.run(handlingSignals: false) { port in _ = sink.yield(port) }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw StartError()
            }
            // A graceful stop, as SIGTERM would do: cancelling the server task instead makes
            // Hummingbird log spurious shutdown errors.
            do {
                let result = try await body(port)
                await self.shutdownGracefully()
                try await group.waitForAll()
                return result
            } catch {
                await self.shutdownGracefully()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
