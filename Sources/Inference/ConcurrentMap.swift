extension Array where Element: Sendable {
    /// `transform` applied to every element concurrently, results in element order. With
    /// `limit`, at most that many run at once (the rest start as earlier ones finish);
    /// `progress(done, total)` is called as each finishes. The first error cancels the rest.
    /// Batching models decode concurrent requests together, so this is how callers batch.
    public func concurrentMap<Result: Sendable>(
        limit: Int? = nil, progress: @Sendable (Int, Int) -> Void = { _, _ in },
        _ transform: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: count)
            var next = 0
            func startNext() {
                guard next < count else { return }
                let (index, element) = (next, self[next])
                next += 1
                group.addTask { (index, try await transform(element)) }
            }
            for _ in 0..<Swift.min(Swift.max(1, limit ?? count), count) { startNext() }
            var done = 0
            while let (index, result) = try await group.next() {
                results[index] = result
                done += 1
                progress(done, count)
                startNext()
            }
            return results.map { $0! }
        }
    }
}
