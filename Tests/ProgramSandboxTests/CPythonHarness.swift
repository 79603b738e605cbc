import Foundation

/// Runs programs through the real CPython (`python3` on PATH) with a driver script, for the
/// differential tests. Tests that need it are `.enabled(if: CPythonHarness.python != nil)`, so
/// they are skipped, visibly, where python3 is missing.
enum CPythonHarness {
    /// The `python3` executable on PATH, or nil.
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Writes `programs` as a JSON array and runs `driver` on it (the corpus path is argv[1],
    /// then `arguments`); decodes what the driver prints on stdout as JSON.
    static func run<Result: Decodable>(driver: String, programs: [String], arguments: [String] = [],
                                       as type: Result.Type) throws -> Result {
        guard let python else { throw CocoaError(.fileNoSuchFile) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.json")
        let script = dir.appendingPathComponent("driver.py")
        try JSONEncoder().encode(programs).write(to: corpus)
        try driver.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, corpus.path] + arguments
        process.currentDirectoryURL = dir
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Result.self, from: data)
    }
}
