import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` on a run directory made before the seed rule: refused, saying why and what to do.
@Suite struct SeedRuleCommandTests {
    @Test func aRunDirectoryFromTheOldSeedRuleIsRefused() throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-old-seed-rule")
        defer { try? FileManager.default.removeItem(at: out) }
        // config.json as a build before the seed rule wrote it.
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(EndToEndConfiguration(task: "coin-flip"))) as? [String: Any])
        for key in ["seedRule", "adaptive", "schedule", "internalization"] { object[key] = nil }
        let file = out.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: object).write(to: file)

        let process = Process()
        process.executableURL = try TestFiles.s2dExecutable()
        process.arguments = ["distill", "--task", "coin-flip", "--out", out.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(log.contains("\(file.path): this run was made under seed rule 1"), "\(log)")
        #expect(log.contains("start a new run directory with another --out"))
        // Nothing was started in the old directory.
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("run.sqlite").path))
    }
}
