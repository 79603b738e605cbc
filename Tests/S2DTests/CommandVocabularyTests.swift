import Foundation
import Testing
import TestSupport

/// One vocabulary across commands (children are waited for off the cooperative pool, which the
/// suite's in-process servers need): a plain .gguf path is a model everywhere, and one sample
/// count is `--samples` (`-n` for short) whatever the mode.
@Suite struct CommandVocabularyTests {
    @Test func aPlainPathAndItsGGUFURIGiveTheSameSamplesUnderEitherSampleFlag() async throws {
        let path = try TestFiles.smolLM2()
        let common = ["generate", "--prompt", "Once upon a time", "--temperature", "1", "--seed", "5", "--max-tokens", "6", "--json"]
        let plain = try await S2DProcess.run(common + ["--model", path, "-n", "2"])
        let uri = try await S2DProcess.run(common + ["--model", "gguf:\(path)", "--samples", "2"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(uri.status == 0, "\(uri.stderr)")
        let texts = try [plain, uri].map { try #require(try $0.json()["samples"] as? [[String: Any]]).map { $0["text"] as? String } }
        #expect(texts[0].count == 2 && texts[0] == texts[1], "\(texts)")
        let refused = try await S2DProcess.run(common + ["-n", "0"])
        #expect(refused.status != 0 && refused.stderr.contains("--samples"), "\(refused.stderr)")
    }

    @Test func serveRefusesAServerAsItsModel() async throws {
        let result = try await S2DProcess.run(["serve", "--model", "openai:http://127.0.0.1:9/v1#m", "--port", "0"])
        #expect(result.status != 0 && result.stderr.contains("already a server"), "\(result.stderr)")
    }
}
