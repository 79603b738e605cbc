import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenizers

/// Gemma 3's SentencePiece tokenizer: special and user-defined tokens, byte fallback, decoding
/// and streaming, speed on long texts.
@Suite struct GemmaTokenizerTests {
    @Test(arguments: RoundTripTests.texts + [
        "byte fallback \u{A0}\u{2028}\u{85}\u{1}\u{7F} \u{E0001} \u{10FFFD}",
        "<b>bold</b> <table><tr><td>x</td></tr></table> [multimodal]",
        "runs:  2   3\t\t2\n\n\n3" + String(repeating: " ", count: 45) + "45",
        "<start_of_turn>user\nhi<end_of_turn>\n<bos><unused0>",
    ])
    func decodingTheEncodingGivesBackTheSameBytes(text: String) throws {
        let tokenizer = try SharedTokenizer.gemma3()
        for parseSpecial in [true, false] {
            let ids = tokenizer.encode(text, parseSpecial: parseSpecial)
            #expect(Array(tokenizer.decode(ids).utf8) == Array(text.utf8), "parseSpecial: \(parseSpecial)")
        }
    }

    @Test func userDefinedTokensAreMatchedWholeEvenWithoutSpecialParsing() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let bold = try #require(tokenizer.id(forToken: "<b>"))
        #expect(tokenizer.encode("<b>", parseSpecial: false) == [bold])
        #expect(tokenizer.encode("a  b", parseSpecial: false) == [236746, 138, 236763], "two spaces are one token")
        #expect(tokenizer.encode("x\t\ty") == [236781, 255969, 236762])
        #expect(tokenizer.encode("\n\n\n") == [109])
    }

    @Test func spaceRunsLongerThanTheVocabularysAreCutGreedily() throws {
        // SentencePiece and llama.cpp match the longest user-defined run (31 spaces) first.
        // HF's conversion merges "▁" runs by rank instead and gives 16 + 24 for these 40.
        let tokenizer = try SharedTokenizer.gemma3()
        #expect(tokenizer.encode(String(repeating: " ", count: 40)) == [136 + 31, 136 + 9])
        #expect(tokenizer.encode(String(repeating: " ", count: 32) + "b") == [136 + 31, 518], "the last space joins the word")
    }

    @Test func controlTokensAreTextWithoutSpecialParsingAndNeverFormedByMerges() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        #expect(tokenizer.encode("<start_of_turn>user") == [105, 2364])
        for text in ["<start_of_turn>", "<bos>", "<end_of_turn>", "<0x41>", "<unused7>"] {
            let ids = tokenizer.encode(text, parseSpecial: false)
            #expect(ids.allSatisfy { tokenizer.tokenType(for: $0) == .normal }, "\(text): \(ids)")
            #expect(tokenizer.decode(ids) == text)
        }
    }

    @Test func controlTokensDecodeAsTheirTextUnlessSkipped() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let ids = tokenizer.encode("<bos><start_of_turn>model\nyes<end_of_turn>")
        #expect(ids.first == 2)
        #expect(tokenizer.decode(ids) == "<bos><start_of_turn>model\nyes<end_of_turn>")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "model\nyes")
        #expect(tokenizer.decode([506, 236743]) == " the ")
    }

    @Test func aCharacterSplitOverByteTokensStreamsWhenItsLastByteArrives() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let ids = tokenizer.encode("\u{E0001}")  // not in the vocabulary: four byte tokens
        #expect(ids == [238 + 0xF3, 238 + 0xA0, 238 + 0x80, 238 + 0x81])
        var decoder = tokenizer.makeStreamingDecoder()
        #expect(decoder.append(ids[0]) == "")
        #expect(decoder.append(ids[1]) == "")
        #expect(decoder.append(ids[2]) == "")
        #expect(decoder.append(ids[3]) == "\u{E0001}")
        #expect(decoder.pendingByteCount == 0)
    }

    @Test(arguments: ["mixed \u{A0}bytes\u{2028} and 日本語 😀 \u{10FFFD}", "<b>x</b>\n\n  y\t"])
    func streamingDeltasJoinToTheFullDecode(text: String) throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let ids = tokenizer.encode(text)
        var decoder = tokenizer.makeStreamingDecoder()
        var joined: [UInt8] = []
        for id in ids {
            let delta = decoder.append(id)
            #expect(!delta.unicodeScalars.contains("\u{FFFD}"), "a delta holds a broken character")
            joined += Array(delta.utf8)
        }
        joined += Array(decoder.finish().utf8)
        #expect(joined == Array(text.utf8))
    }

    @Test func longTextsEncodeInLinearishTime() throws {
        // One 100 kB fragment (no newline or space run cuts it) and 100 kB of one repeated
        // letter: a rescan per merge would take minutes; the queue takes milliseconds.
        let tokenizer = try SharedTokenizer.gemma3()
        var random = SplitMix(seed: 7)
        let words = ["the", "coin", "heads", "naïve", "日本語", "😀", "x²", "lorem", "ipsum", "42"]
        var prose = ""
        while prose.utf8.count < 100_000 { prose += words[Int(random.next() % UInt64(words.count))] + " " }
        let letters = String(repeating: "a", count: 100_000)
        for text in [prose, letters] {
            let clock = ContinuousClock()
            var ids: [Int] = []
            let elapsed = clock.measure { ids = tokenizer.encode(text) }
            #expect(elapsed < .seconds(5), "\(text.prefix(10))…: \(elapsed)")
            #expect(tokenizer.decode(ids) == text)
        }
    }
}

/// A small deterministic generator for test texts.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
