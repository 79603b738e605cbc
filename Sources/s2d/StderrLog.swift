import Foundation

/// A progress log on stderr with the seconds since `start`.
func stderrLog(start: Date = Date(), quiet: Bool) -> @Sendable (String) -> Void {
    { line in
        if !quiet { FileHandle.standardError.write(Data((String(format: "[%6.1fs] ", Date().timeIntervalSince(start)) + line + "\n").utf8)) }
    }
}
