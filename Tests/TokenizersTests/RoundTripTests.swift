import Testing
import Tokenizers

/// decode(encode(x)) gives back x byte for byte. (Bytes, not `String ==`, which would
/// accept a canonically equivalent but different spelling.)
@Suite struct RoundTripTests {
    static let texts: [String] = [
        "plain ASCII, with punctuation!?",
        "emoji 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵 🤖✨",
        "CJK 日本語のテキスト 中文文本 한국어 텍스트",
        "accents naïve café résumé Ångström façade",
        "combining e\u{301} a\u{308} n\u{303} and stacked o\u{302}\u{323}",
        "mixed\twhitespace \n\n  \r\n\u{A0}no-break\u{2003}em\u{3000}ideographic \t ",
        "Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย",
        "math ∑ x² ≤ ½ · ∞, numbers ١٢٣ ⅷ 12.5e-3",
        "zero\u{200B}width\u{200D}joiners\u{FEFF}bom",
        "code: if (a != b) { return x->y[0] << 2; } // done",
        "   ",
        "'s 're 'LL ''' '",
        "<|im_start|> is just text here",
    ]

    @Test(arguments: texts)
    func decodingTheEncodingGivesBackTheSameBytes(text: String) throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        let ids = tokenizer.encode(text, parseSpecial: false)
        #expect(Array(tokenizer.decode(ids).utf8) == Array(text.utf8))
        let withSpecial = tokenizer.encode(text, parseSpecial: true)
        #expect(Array(tokenizer.decode(withSpecial).utf8) == Array(text.utf8))
    }

    @Test func precomposedAndDecomposedAccentsEncodeDifferently() throws {
        // The word cache must not treat canonically equivalent strings as one key.
        let tokenizer = try SharedTokenizer.smolLM2()
        let precomposed = tokenizer.encode("caf\u{E9}")
        let decomposed = tokenizer.encode("cafe\u{301}")
        #expect(precomposed != decomposed)
        #expect(Array(tokenizer.decode(decomposed).utf8) == Array("cafe\u{301}".utf8))
        #expect(tokenizer.encode("caf\u{E9}") == precomposed, "same result once cached")
    }

    @Test func aLongWordGivesTheSameIDsAsItsRepeatedParts() throws {
        // 400 'a's is one pre-token word; BPE must reach the same 4-'a' tokens as ten at a time.
        let tokenizer = try SharedTokenizer.smolLM2()
        let ids = tokenizer.encode(String(repeating: "a", count: 400))
        #expect(ids == [Int](repeating: 46880, count: 100))
        #expect(tokenizer.decode(ids) == String(repeating: "a", count: 400))
    }

    @Test func idsOutsideTheVocabularyDecodeAsReplacementCharacters() throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        #expect(tokenizer.decode([19556, -1, 49152]) == "Hello\u{FFFD}\u{FFFD}")
        #expect(tokenizer.bytes(for: 49152).isEmpty)
    }
}

/// The longest token bounds how few tokens a text can be: no token decodes to more bytes.
@Suite struct LongestTokenTests {
    @Test func noTokenDecodesToMoreBytesThanTheLongest() throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        let lengths = (0..<tokenizer.vocabularySize).map { tokenizer.decode([$0]).utf8.count }
        // decode() writes invalid UTF-8 as U+FFFD (3 bytes), so a one-byte token can read as 3.
        #expect(lengths.max()! <= max(tokenizer.longestTokenBytes, 3))
        #expect(lengths.contains(tokenizer.longestTokenBytes))
        #expect(tokenizer.encode(String(repeating: "a", count: 10_000)).count >= 10_000 / tokenizer.longestTokenBytes)
    }
}
