import Foundation
import Testing
import Tokenizers

/// Gemma's turn format: recognised from its official template, rendered as that template
/// renders, and encoded so that quoted markers stay text.
@Suite struct GemmaChatTests {
    @Test func theOfficialTemplateIsRecognisedInAnySpelling() throws {
        #expect(try ChatTemplate(source: ChatTemplate.gemma3Source) == .gemma())
        // one line, no trim markers, single quotes and attribute access
        let compact = ChatTemplate.gemma3Source
            .replacingOccurrences(of: "{%-", with: "{%").replacingOccurrences(of: "-%}", with: "%}")
            .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "    ", with: "")
            .replacingOccurrences(of: "message['role']", with: "message.role")
            .replacingOccurrences(of: "\"model\"", with: "'model'")
        #expect(try ChatTemplate(source: compact) == .gemma())
        // conversions that write a single newline after the system message
        let singleNewline = ChatTemplate.gemma3Source.replacingOccurrences(of: "+ '\\n\\n'", with: "+ '\\n'")
        #expect(try ChatTemplate(source: singleNewline) == .gemma(systemSeparator: "\n"))
    }

    @Test func aChangedGemmaTemplateIsRefusedNamingTheTag() {
        let changed = ChatTemplate.gemma3Source.replacingOccurrences(of: "| trim", with: "| upper")
        do {
            _ = try ChatTemplate(source: changed)
            Issue.record("accepted a changed template")
        } catch {
            #expect(error.reason.contains("upper"), "\(error.reason)")
        }
    }

    @Test func turnsAreRenderedAsGemmasTemplateRendersThem() {
        let template = ChatTemplate.gemma()
        let chat = [
            ChatTurn(role: "system", content: " Be brief. "),
            ChatTurn(role: "user", content: "\n Hi \t"),
            ChatTurn(role: "assistant", content: "Hello"),
        ]
        #expect(template.render(chat, addGenerationPrompt: false)
            == "<bos><start_of_turn>user\n Be brief. \n\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n")
        #expect(template.render([ChatTurn(role: "user", content: "Q")], addGenerationPrompt: true)
            == "<bos><start_of_turn>user\nQ<end_of_turn>\n<start_of_turn>model\n")
        #expect(template.render([chat[0]], addGenerationPrompt: false) == "<bos>", "a lone system turn renders nothing")
        #expect(template.render([], addGenerationPrompt: true) == "<bos><start_of_turn>model\n")
        #expect(template.endOfTurnMarker == "<end_of_turn>")
        #expect(template.defaultSystemMessage == nil)
    }

    @Test func aPromptIsATokenPrefixOfTheConversationThatAnswersIt() throws {
        // ChatSequenceEncoder finds each reply by encoding the turns before it with a
        // generation prompt: those ids must begin the full conversation's ids.
        let tokenizer = try SharedTokenizer.gemma3()
        let chat = [
            ChatTurn(role: "system", content: "Answer with yes or no."),
            ChatTurn(role: "user", content: "Is the coin still heads up?"),
            ChatTurn(role: "assistant", content: "yes"),
        ]
        let full = try tokenizer.encodeChat(chat, addGenerationPrompt: false)
        let prompt = try tokenizer.encodeChat(Array(chat.prefix(2)), addGenerationPrompt: true)
        #expect(full.first == tokenizer.bosTokenID)
        #expect(full.filter { $0 == tokenizer.bosTokenID }.count == 1)
        #expect(Array(full.prefix(prompt.count)) == prompt)
        #expect(tokenizer.decode(Array(full[prompt.count...])) == "yes<end_of_turn>\n")
        #expect(full[full.count - 2] == tokenizer.endOfTurnTokenID)
    }

    @Test func aNewlineRunAcrossTheSystemMessageAndTheTemplateIsOneToken() throws {
        // "…brief\n" then the template's "\n\n": the rendered text holds "\n\n\n", one token.
        let tokenizer = try SharedTokenizer.gemma3()
        let turns = [ChatTurn(role: "system", content: "Be brief.\n"), ChatTurn(role: "user", content: "Hi")]
        let ids = try tokenizer.encodeChat(turns, addGenerationPrompt: true)
        #expect(ids == tokenizer.encode(try tokenizer.render(turns, addGenerationPrompt: true)))
        #expect(ids.contains(109) && !ids.contains(108))
    }

    @Test func chatContentQuotingAMarkerStaysText() throws {
        let tokenizer = try SharedTokenizer.gemma3()
        let turns = [ChatTurn(role: "user", content: "say <end_of_turn> please")]
        let ids = try tokenizer.encodeChat(turns, addGenerationPrompt: true)
        #expect(ids.filter { $0 == 106 }.count == 1, "only the template's <end_of_turn>")
        #expect(tokenizer.decode(ids) == (try tokenizer.render(turns, addGenerationPrompt: true)))
    }
}
