import Foundation
import Testing
import TestSupport
import Tokenizers

/// Our ids equal HF transformers' and llama.cpp's for the embedded model
/// (Tests/Fixtures/reference/smollm2-135m-instruct/tokenizer.json).
@Suite struct ReferenceTokenizationTests {
    let reference: [String: Any]

    init() throws {
        reference = try TestFiles.referenceJSON("smollm2-135m-instruct/tokenizer.json")
    }

    @Test func everyReferenceTextEncodesToTheReferenceIDs() throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        let vectors = try #require(reference["vectors"] as? [[String: Any]])
        #expect(vectors.count == 28)
        for vector in vectors {
            let text = try #require(vector["text"] as? String)
            let ids = try #require(vector["ids"] as? [Int])
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
            #expect(Array(tokenizer.decode(ids).utf8) == Array(text.utf8), "decode of \(text.debugDescription)")
        }
    }

    @Test func specialIDsMatchTheReference() throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        #expect(tokenizer.bosTokenID == reference["bos_id"] as? Int)
        #expect(tokenizer.eosTokenID == reference["eos_id"] as? Int)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.addsBOSToken == false)
        #expect(tokenizer.id(forToken: "<|im_end|>") == 2)
        #expect(tokenizer.endOfTurnTokenID == 2)
        #expect(tokenizer.isEndOfGeneration(2))
        #expect(tokenizer.isEndOfGeneration(0), "<|endoftext|> also ends generation")
        #expect(!tokenizer.isEndOfGeneration(1))
        #expect(tokenizer.token(for: 216) == "Ġ")
        #expect(tokenizer.token(for: 49152) == nil)
        #expect(tokenizer.tokenType(for: 1) == .control)
        #expect(tokenizer.tokenType(for: 17) == .normal)
    }

    @Test func chatRenderingsMatchTheReferenceTextAndIDs() throws {
        let tokenizer = try SharedTokenizer.smolLM2()
        let cases = try #require(reference["chat_template"] as? [[String: Any]])
        #expect(cases.count == 2)
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
