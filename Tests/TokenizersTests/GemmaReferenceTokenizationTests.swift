import Foundation
import Testing
import TestSupport
import Tokenizers

/// Gemma 3's SentencePiece tokenizer gives HF transformers' ids, or Google SentencePiece's where
/// the two differ (Tests/Fixtures/reference/gemma3-270m/tokenizer.json, read as the SmolLM2
/// vectors are).
@Suite struct GemmaReferenceTokenizationTests {
    let reference: [String: Any]

    init() throws {
        reference = try TestFiles.referenceJSON("gemma3-270m/tokenizer.json")
    }

    @Test func everyReferenceTextEncodesToTheReferenceIDs() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let vectors = try #require(reference["vectors"] as? [[String: Any]])
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let text = try #require(vector["text"] as? String)
            // Where HF and Google's SentencePiece disagree (runs of more than 31 spaces: HF pairs
            // the user-defined space pieces by merge rank, SentencePiece and llama.cpp match the
            // longest piece whole), the set records SentencePiece's ids too; we follow SentencePiece,
            // whose behaviour the model was trained on.
            let hfIDs = try #require(vector["ids"] as? [Int])
            let ids = vector["sentencepiece_ids"] as? [Int] ?? hfIDs
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
            #expect(Array(tokenizer.decode(ids).utf8) == Array(text.utf8), "decode of \(text.debugDescription)")
            #expect(Array(tokenizer.decode(hfIDs).utf8) == Array(text.utf8), "decode of HF's ids of \(text.debugDescription)")
        }
    }

    @Test func specialIDsMatchTheReference() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        #expect(tokenizer.bosTokenID == reference["bos_id"] as? Int)
        #expect(tokenizer.eosTokenID == reference["eos_id"] as? Int)
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(tokenizer.addsBOSToken)
        #expect(tokenizer.unknownTokenID == 3)
        #expect(tokenizer.paddingTokenID == 0)
        #expect(tokenizer.preTokenizer == nil)
        #expect(tokenizer.id(forToken: "<end_of_turn>") == 106)
        #expect(tokenizer.endOfTurnTokenID == 106)
        #expect(tokenizer.isEndOfGeneration(1), "<eos>")
        #expect(tokenizer.isEndOfGeneration(106), "<end_of_turn>")
        #expect(!tokenizer.isEndOfGeneration(105), "<start_of_turn>")
        #expect(tokenizer.token(for: 506) == "▁the")
        #expect(tokenizer.token(for: 262_144) == nil)
        #expect(tokenizer.tokenType(for: 2) == .control)
        #expect(tokenizer.tokenType(for: 138) == .userDefined)
        #expect(tokenizer.tokenType(for: 238) == .byte)
        #expect(tokenizer.bytesWithoutToken.isEmpty, "every byte has a <0xXX> token")
    }

    @Test func chatRenderingsMatchTheReferenceTextAndIDs() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        #expect(tokenizer.chatTemplate == .gemma(), "the base model's file has no template: Gemma's format is used")
        let cases = try #require(reference["chat_template"] as? [[String: Any]])
        #expect(cases.count >= 2)
        for testCase in cases {
            let messages = try #require(testCase["messages"] as? [[String: String]])
            let turns = messages.map { ChatTurn(role: $0["role"]!, content: $0["content"]!) }
            let addGenerationPrompt = try #require(testCase["add_generation_prompt"] as? Bool)
            let text = try #require(testCase["text"] as? String)
            let ids = try #require(testCase["ids"] as? [Int])
            let rendered = try tokenizer.render(turns, addGenerationPrompt: addGenerationPrompt)
            #expect(Array(rendered.utf8) == Array(text.utf8))
            #expect(tokenizer.encode(rendered) == ids)
            #expect(try tokenizer.encodeChat(turns, addGenerationPrompt: addGenerationPrompt) == ids)
        }
    }
}
