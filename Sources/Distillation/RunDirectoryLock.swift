import Foundation
import Synchronization

/// One process at a time per run directory: two processes resuming the same run would draw the
/// same missing samples twice and interleave their stage records. The lock is an exclusive
/// `flock` on `DIR/.lock`, which the kernel releases when the process ends however it ends, so a
/// killed run never leaves a stale lock. Within one process the lock is shared (the stores of a
/// run and its sub-runs, or two stores on one directory, all hold it), counted per directory.
final class RunDirectoryLock: Sendable {
    static let fileName = ".lock"
    private static let held = Mutex<[String: (descriptor: Int32, holders: Int)]>([:])
    private let path: String

    /// Takes the lock of `directory` (which must exist); throws `RunStoreError.directoryInUse`
    /// naming the other process when it holds it.
    init(directory: URL) throws {
        path = directory.appendingPathComponent(Self.fileName).standardizedFileURL.path
        try Self.held.withLock { (held) throws in
            if let entry = held[path] {
                held[path] = (entry.descriptor, entry.holders + 1)
                return
            }
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw RunStoreError.cannotOpen(path: path, reason: "cannot create the run's lock file: \(String(cString: strerror(errno)))")
            }
            guard Self.lock(descriptor, path: path) else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                close(descriptor)
                throw RunStoreError.directoryInUse(path: directory.path, holder: holder.flatMap(Int32.init))
            }
            // The holder's pid, for the other process's error message.
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            held[path] = (descriptor, 1)
        }
    }

    /// Takes the flock of `descriptor`. When the file names this process as the holder, the
    /// lock's last holder here has just closed it, but a child forked in that instant (any
    /// thread starting a subprocess) still shares the old descriptor until it execs (O_CLOEXEC):
    /// wait for that, up to 2 s, instead of calling our own run "in use".
    private static func lock(_ descriptor: Int32, path: String) -> Bool {
        for _ in 0..<200 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard holder == "\(getpid())" else { return false }
            usleep(10_000)
        }
        return false
    }

    deinit {
        Self.held.withLock { held in
            guard let entry = held[path] else { return }
            if entry.holders > 1 {
                held[path] = (entry.descriptor, entry.holders - 1)
            } else {
                close(entry.descriptor)  // releases the flock
                held[path] = nil
            }
        }
    }
}
