import Foundation

/// The built `s2d` executable, run in a subprocess as a user would.
public struct S2DProcess {
    /// What a finished run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var killed: Bool
        public var stdout: String
        public var stderr: String

        /// The JSON object printed by `--json`.
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw TestFileError("s2d printed no JSON object: \(stdout)\n\(stderr)")
            }
            return object
        }
    }

    /// Starts `s2d arguments`; output goes to files so a killed child cannot block on a pipe.
    public static func start(_ arguments: [String], environment: [String: String] = [:], executable: URL? = nil) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = try executable ?? TestFiles.s2dExecutable()
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Waits for `process` and collects its output. Every wait in this type happens on a thread
    /// of its own, never on a Swift concurrency thread: on a 2-core machine the cooperative pool
    /// has two threads, and two tests blocked on children would starve every in-process server
    /// (stub or real) of the suite, including the one a child may be talking to.
    public static func finish(_ process: Process, _ out: URL, _ err: URL) async -> Result {
        await onOwnThread { process.waitUntilExit() }
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Result(
            status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "", stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs `s2d arguments` to the end.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment)
        return await finish(process, out, err)
    }

    /// Runs another program (`executable arguments`, e.g. a Python check) to the end, the same way.
    public static func runTool(_ executable: String, _ arguments: [String]) async throws -> Result {
        let (process, out, err) = try start(arguments, executable: URL(fileURLWithPath: executable))
        return await finish(process, out, err)
    }

    /// Runs `s2d arguments` for `seconds`, then SIGKILLs it (a kill at an arbitrary point, to
    /// be resumed); the child may also end first.
    public static func kill(_ arguments: [String], after seconds: TimeInterval) async throws -> Result {
        let (process, out, err) = try start(arguments)
        await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }
        return await finish(process, out, err)
    }

    /// Runs `s2d arguments` until its standard error contains `marker`, then SIGKILLs it (a
    /// killed run, to be resumed); the child may also end first. Polls the error file with
    /// plain sleeps, so the watch goes on whatever other tests hold.
    public static func kill(_ arguments: [String], whenStderrContains marker: String, timeout: TimeInterval = 120) async throws -> Result {
        let (process, out, err) = try start(arguments)
        await onOwnThread {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline {
                if let text = try? String(contentsOf: err, encoding: .utf8), text.contains(marker) { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }
        return await finish(process, out, err)
    }

    /// Starts `s2d serve --port 0 --threads 1` (plus `arguments`) and waits for its "listening
    /// on" line; returns the process, its output files and the base URL (http://127.0.0.1:PORT/v1).
    public static func startServer(_ arguments: [String] = []) async throws -> (Process, URL, URL, String) {
        let (process, out, err) = try start(["serve", "--port", "0", "--threads", "1"] + arguments)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            let printed = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let range = printed.range(of: #"http://127\.0\.0\.1:[0-9]+/v1"#, options: .regularExpression) {
                return (process, out, err, String(printed[range]))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        let result = await finish(process, out, err)
        throw TestFileError("s2d serve did not start: \(result.stdout)\n\(result.stderr)")
    }
}
