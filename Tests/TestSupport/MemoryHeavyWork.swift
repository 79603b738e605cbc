import Foundation

/// One lock for the tests that allocate gigabytes (Gemma 3's float32 weights and gradients) and
/// the test that measures a sandboxed program's peak memory: every test target runs in one
/// process, and that measurement reads the process's peak resident memory, which a model load
/// in a parallel test would otherwise add to.
///
/// Call it from a thread of its own (`onOwnThread`), never from the cooperative pool: waiting
/// blocks the caller.
public func withMemoryHeavyWork<T>(_ body: () throws -> T) rethrows -> T {
    memoryHeavyLock.lock()
    defer { memoryHeavyLock.unlock() }
    return try body()
}

private let memoryHeavyLock = NSLock()
