import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenizers

/// SentencePiece tokenizers built from small hand-made GGUF files: merges by score, byte
/// fallback, the space prefix, and refusals that name the metadata key.
@Suite struct SentencePieceFileTests {
    /// "<unk>", "<s>", "</s>", then the given pieces (each with its score), then — with
    /// `byteTokens` — `<0x00>`…`<0xFF>`.
    func makeFile(pieces: [(String, Float)], byteTokens: Bool = true, addSpacePrefix: Bool? = false,
                  scores: [Float]? = nil, dropScores: Bool = false) throws -> GGUFFile {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [Int32] = [2, 3, 3]
        var allScores: [Float] = [0, 0, 0]
        for (piece, score) in pieces {
            tokens.append(piece)
            types.append(1)
            allScores.append(score)
        }
        if byteTokens {
            for byte in 0..<256 {
                tokens.append(String(format: "<0x%02X>", byte))
                types.append(6)
                allScores.append(0)
            }
        }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string("llama"))
        writer.set("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.set("tokenizer.ggml.token_type", .array(types.map { .int32($0) }))
        if !dropScores {
            writer.set("tokenizer.ggml.scores", .array((scores ?? allScores).map { .float32($0) }))
        }
        if let addSpacePrefix { writer.set("tokenizer.ggml.add_space_prefix", .bool(addSpacePrefix)) }
        writer.set("tokenizer.ggml.bos_token_id", .uint32(1))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(2))
        writer.set("tokenizer.ggml.unknown_token_id", .uint32(0))
        let url = try TestFiles.temporaryDirectory().appendingPathComponent("toy-spm.gguf")
        try Data(writer.encoded()).write(to: url)
        return try GGUFFile(path: url.path)
    }

    /// ids 3 to 6; further pieces start at 7.
    static let letters: [(String, Float)] = [("▁", -1), ("a", -2), ("b", -3), ("c", -4)]

    @Test func theHighestScoringPairMergesFirst() throws {
        // ab outscores bc: "abc" is ab + c; the other way round, a + bc.
        let abFirst = try Tokenizer(gguf: makeFile(pieces: Self.letters + [("ab", -5), ("bc", -6)]))
        #expect(abFirst.encode("abc") == [7, 6])
        let bcFirst = try Tokenizer(gguf: makeFile(pieces: Self.letters + [("ab", -6), ("bc", -5)]))
        #expect(bcFirst.encode("abc") == [4, 8])
    }

    @Test func equalScoresMergeTheLeftmostPairFirst() throws {
        let tokenizer = try Tokenizer(gguf: makeFile(pieces: Self.letters + [("aa", -5)]))
        #expect(tokenizer.encode("aaa") == [7, 4])
        #expect(tokenizer.encode("aaaa") == [7, 7])
    }

    @Test func spacesAreWrittenAsTheMetaSymbol() throws {
        let tokenizer = try Tokenizer(gguf: makeFile(pieces: Self.letters + [("▁a", -5)]))
        #expect(tokenizer.encode("b a") == [5, 7])
        #expect(tokenizer.decode([5, 7]) == "b a")
        #expect(tokenizer.encode("a  ") == [4, 3, 3])
    }

    @Test func charactersOutsideTheVocabularyFallBackToBytes() throws {
        let tokenizer = try Tokenizer(gguf: makeFile(pieces: Self.letters))
        let byte0 = 3 + Self.letters.count
        #expect(tokenizer.encode("aé") == [4, byte0 + 0xC3, byte0 + 0xA9])
        #expect(tokenizer.decode([4, byte0 + 0xC3, byte0 + 0xA9]) == "aé")
        #expect(tokenizer.bytesWithoutToken.isEmpty)
        // Without byte tokens each byte becomes the unknown token.
        let noBytes = try Tokenizer(gguf: makeFile(pieces: Self.letters, byteTokens: false))
        #expect(noBytes.encode("aé") == [4, 0, 0])
        #expect(noBytes.bytesWithoutToken.count == 256)
    }

    @Test func theSpacePrefixGoesBeforeTextThatStartsTheInputOrFollowsASpecialToken() throws {
        let pieces = Self.letters + [("▁a", -5), ("▁b", -6)]
        // add_space_prefix is true when the file does not say (llama.cpp's default).
        let prefixed = try Tokenizer(gguf: makeFile(pieces: pieces, addSpacePrefix: nil))
        #expect(prefixed.encode("ab") == [7, 5])
        #expect(prefixed.encode("a<s>b") == [7, 1, 8])
        #expect(prefixed.encode("a<s>b", parseSpecial: false).first == 7)
        let plain = try Tokenizer(gguf: makeFile(pieces: pieces, addSpacePrefix: false))
        #expect(plain.encode("ab") == [4, 5])
        #expect(plain.encode("a<s>b") == [4, 1, 5])
    }

    @Test func missingOrMisshapenScoresAreRefusedNamingTheKey() throws {
        let missing = try makeFile(pieces: Self.letters, dropScores: true)
        do {
            _ = try Tokenizer(gguf: missing)
            Issue.record("accepted a file without scores")
        } catch {
            #expect(error == .metadata(.missingKey(path: missing.path, key: "tokenizer.ggml.scores")))
            #expect(error.description.contains("tokenizer.ggml.scores"))
        }
        let short = try makeFile(pieces: Self.letters, scores: [0, 0, 0])
        do {
            _ = try Tokenizer(gguf: short)
            Issue.record("accepted too few scores")
        } catch {
            #expect(error == .lengthMismatch(path: short.path, key: "tokenizer.ggml.scores", count: 3, expected: 3 + 4 + 256))
            #expect(error.description.contains("tokenizer.ggml.scores") && error.description.contains("toy-spm.gguf"))
        }
    }
}
