import Foundation
import ModelFiles

/// Locates the package, the shared reference vectors and the embedded model for tests.
public enum TestFiles {
    /// The package root (this file is Tests/TestSupport/TestFiles.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tests/Fixtures/reference: copies of the independent implementations' vectors (their
    /// provenance and checksums in PROVENANCE.md there), so a clone alone passes the tests.
    public static let referenceDirectory: URL = packageRoot.appendingPathComponent("Tests/Fixtures/reference")

    public static func reference(_ relativePath: String) -> URL {
        referenceDirectory.appendingPathComponent(relativePath)
    }

    /// Parsed JSON of a reference file.
    public static func referenceJSON(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: reference(relativePath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFileError("\(relativePath) is not a JSON object")
        }
        return object
    }

    /// The embedded model file; throws with instructions when setup has not run.
    public static func smolLM2() throws -> String { try cachedModel(ModelCache.smolLM2FileName) }

    /// The second model family's file (Gemma 3 270M); throws with instructions when setup has not run.
    public static func gemma3() throws -> String { try cachedModel(ModelCache.gemma3FileName) }

    private static func cachedModel(_ fileName: String) throws -> String {
        let url = ModelCache.modelsDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestFileError("model not found at \(url.path): run `make setup` (scripts/setup.sh) to fetch it")
        }
        return url.path
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ label: String = "s2d-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A test precondition that failed (missing file, malformed reference).
/// The built `s2d` executable, for tests that run it as a user would.
extension TestFiles {
    /// `s2d` beside the test binary (test targets that depend on the executable make
    /// `swift test` build it into the same folder), else in .build/{release,debug}.
    public static func s2dExecutable() throws -> URL {
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // On macOS the test binary sits inside an .xctest bundle: climb out of it.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        candidates.append(directory.appendingPathComponent("s2d"))
        for configuration in ["release", "debug"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(configuration)/s2d"))
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestFileError("s2d not found (build it: swift build --product s2d); looked at \(candidates.map(\.path))")
        }
        return found
    }
}

extension TestFiles {
    /// Runs the repository's `scripts/NAME` with bash on `arguments` and returns its exit status
    /// and standard output (with standard error too when `includingStandardError`).
    public static func runScript(_ name: String, arguments: [String], includingStandardError: Bool = false) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [packageRoot.appendingPathComponent("scripts/\(name)").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        if includingStandardError { process.standardError = pipe }
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

public struct TestFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
