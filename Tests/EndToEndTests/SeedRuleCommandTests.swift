import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` on a run directory made before the seed rule: refused, saying why and what to do.
@Suite struct SeedRuleCommandTests {
    @Test func aRunDirectoryFromTheOldSeedRuleIsRefused() async throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-old-seed-rule")
        defer { try? FileManager.default.removeItem(at: out) }
        // config.json as a build before the seed rule wrote it.
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(EndToEndConfiguration(task: "coin-flip"))) as? [String: Any])
        for key in ["seedRule", "adaptive", "schedule", "internalization"] { object[key] = nil }
        let file = out.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: object).write(to: file)

        // --out, the run directory's former name, is still read.
        let result = try await S2DProcess.run(["distill", "--task", "coin-flip", "--out", out.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(file.path): this run was made under seed rule 1"), "\(result.stderr)")
        #expect(result.stderr.contains("start a new run directory with another --run"))
        // Nothing was started in the old directory.
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("run.sqlite").path))
    }
}
