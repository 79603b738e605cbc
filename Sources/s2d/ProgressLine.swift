import Foundation

/// Progress of long work: a line rewritten in place on a terminal, plain log lines otherwise
/// (at most one every few seconds, so logs stay readable).
final class ProgressLine: @unchecked Sendable {
    // Sendable: updates may come from the engine's threads; a lock guards the state.
    private let label: String
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastPlainLine = Date.distantPast
    private var pending: String?
    private let quiet: Bool

    /// With `quiet` (a command's `--quiet`), nothing is written.
    init(label: String, quiet: Bool = false) {
        self.label = label
        self.quiet = quiet
    }

    func update(_ text: String) {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(label): \(text)".utf8))
        } else if Date().timeIntervalSince(lastPlainLine) >= 5 {
            FileHandle.standardError.write(Data("\(label): \(text)\n".utf8))
            lastPlainLine = Date()
            pending = nil
        } else {
            pending = text
        }
    }

    /// Ends the line (a terminal's cursor moves on; a log gets the last state).
    func finish() {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        if isTerminal {
            FileHandle.standardError.write(Data("\n".utf8))
        } else if let pending {
            FileHandle.standardError.write(Data("\(label): \(pending)\n".utf8))
        }
        pending = nil
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
