import Foundation

/// Runs blocking `work` (a read from a pipe or socket, a wait for a child process) on a thread
/// of its own and returns its result.
///
/// Not on the cooperative pool, which every test of the process shares (on a 2-core machine two
/// blocked tests take all of it), and not on Dispatch's global queue either: on Linux that queue
/// is as wide as the machine, so two blocked tests stall it too, and with it whatever else waits
/// there (a child's termination, another test's socket read).
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.start()
    }
}
