import Foundation
import ModelFiles
import Testing
import TestSupport

@Suite struct DequantizationTests {
    /// Every block type in the reference dequantization.json (Tests/Fixtures/reference) decodes to the `gguf`
    /// package's values.
    @Test func everyBlockTypeMatchesTheReferenceDequantizer() throws {
        let reference = try TestFiles.referenceJSON("dequantization.json")
        let cases = try #require(reference["cases"] as? [[String: Any]])
        #expect(cases.count >= 12)
        for testCase in cases {
            let name = try #require(testCase["type"] as? String)
            let type = try #require(GGMLType(name: name), "unknown type \(name)")
            let base64 = try #require(testCase["bytes_b64"] as? String)
            let bytes = try #require(Data(base64Encoded: base64))
            let expected = try #require(testCase["values"] as? [Double])
            #expect(testCase["block_bytes"] as? Int == type.blockBytes, "\(name) block size")
            #expect(testCase["block_elements"] as? Int == type.blockElements, "\(name) block elements")
            let values = try bytes.withUnsafeBytes { try Dequantization.dequantize($0, type: type, count: expected.count) }
            var worst = 0.0
            for (got, want) in zip(values, expected) {
                worst = max(worst, abs(Double(got) - want) / max(1, abs(want)))
            }
            #expect(worst <= 1e-6, "\(name): worst relative error \(worst)")
        }
    }

    @Test func aByteRangeTooShortForTheElementCountIsRefused() {
        let bytes = [UInt8](repeating: 0, count: 33)
        #expect(throws: Dequantization.Failure.self) {
            try bytes.withUnsafeBytes { try Dequantization.dequantize($0, type: .q8_0, count: 32) }
        }
    }
}
