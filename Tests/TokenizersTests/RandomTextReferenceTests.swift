import Foundation
import Testing
import TestSupport
import Tokenizers

/// 3000 random mixed-script texts tokenize as the HF reference does, with and without special
/// parsing: SmolLM2 against HF `tokenizers` (scripts/reference/hf_tokenizer_random.py), Gemma 3
/// against transformers' conversion of its GGUF (scripts/reference/hf_gemma_tokenizer_random.py).
/// A model's case runs when its `tokenizer_random.json` is in Tests/Fixtures/reference (SmolLM2's
/// is not in the shared set yet).
@Suite struct RandomTextReferenceTests {
    static let models: [(folder: String, tokenizer: @Sendable () throws -> Tokenizer)] = [
        ("smollm2-135m-instruct", { try SharedTokenizer.smolLM2() }),
        ("gemma3-270m", { try SharedTokenizer.gemma3() }),
    ]
    static let available = models.indices.filter {
        FileManager.default.fileExists(atPath: TestFiles.reference("\(models[$0].folder)/tokenizer_random.json").path)
    }

    @Test(arguments: available)
    func randomTextsMatchTheReference(model index: Int) throws {
        let (folder, load) = Self.models[index]
        let tokenizer = try load()
        let reference = try TestFiles.referenceJSON("\(folder)/tokenizer_random.json")
        let cases = try #require(reference["cases"] as? [[String: Any]])
        #expect(cases.count >= 1000)
        var mismatches = 0
        for testCase in cases {
            let text = try #require(testCase["text"] as? String)
            let ids = try #require(testCase["ids"] as? [Int])
            let plain = try #require(testCase["ids_special_as_text"] as? [Int])
            let ours = tokenizer.encode(text)
            let oursPlain = tokenizer.encode(text, parseSpecial: false)
            if ours != ids || oursPlain != plain {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("\(folder) \(text.debugDescription): ours \(ours) / \(oursPlain), HF \(ids) / \(plain)")
                }
            }
        }
        #expect(mismatches == 0, "\(folder)")
    }

    /// Gemma 3's file is committed, so at least its case runs.
    @Test func gemmaVectorsArePresent() {
        #expect(Self.available.contains(1))
    }
}
