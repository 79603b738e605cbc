import Foundation
import Testing
import TestSupport
import Tokenizers

/// 3000 random mixed-script texts tokenize as HF transformers' conversion of Gemma 3's GGUF
/// does, with and without special parsing. The vectors come from
/// scripts/reference/hf_gemma_tokenizer_random.py; the test is skipped until that file is in
/// ../shared/reference and copied to Tests/Fixtures/reference.
@Suite struct GemmaRandomTextReferenceTests {
    static let path = "gemma3-270m/tokenizer_random.json"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestFiles.reference(path).path),
                   "run scripts/reference/hf_gemma_tokenizer_random.py to make \(path)"))
    func randomTextsMatchHFTransformers() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let reference = try TestFiles.referenceJSON(Self.path)
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
                    Issue.record("\(text.debugDescription): ours \(ours) / \(oursPlain), HF \(ids) / \(plain)")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
