import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenizers

/// Tokenizers built from small hand-made GGUF files: merges apply by rank, and files this
/// module cannot serve are refused with an error naming the file and the field.
@Suite struct TokenizerFileErrorTests {
    /// All 256 byte characters (token id = byte value), then "Ġt", "he", "Ġthe", "<|im_end|>".
    static let byteTokens: [String] = (0..<256).map { byte in
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        if printable { return String(Unicode.Scalar(UInt8(byte))) }
        let shifted = (0..<byte).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
        return String(Unicode.Scalar(UInt32(256 + shifted))!)
    }

    func makeFile(model: String = "gpt2", pre: String? = "smollm", merges: [String] = ["h e", "Ġ t", "Ġt he"],
                  eos: Int = 259, template: String? = nil) throws -> GGUFFile {
        let tokens = Self.byteTokens + ["Ġt", "he", "Ġthe", "<|im_end|>"]
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string(model))
        if let pre { writer.set("tokenizer.ggml.pre", .string(pre)) }
        writer.set("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.set("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 == 259 ? 3 : 1) }))
        writer.set("tokenizer.ggml.merges", .array(merges.map { .string($0) }))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(eos)))
        if let template { writer.set("tokenizer.chat_template", .string(template)) }
        let url = try TestFiles.temporaryDirectory().appendingPathComponent("toy.gguf")
        try Data(writer.encoded()).write(to: url)
        return try GGUFFile(path: url.path)
    }

    func expectError(_ build: () throws -> Tokenizer, _ matches: (TokenizerError) -> Bool,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try build()
            Issue.record("the file was accepted", sourceLocation: sourceLocation)
        } catch let error as TokenizerError {
            #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("toy.gguf"), "the error names the file", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func mergesApplyInRankOrder() throws {
        let tokenizer = try Tokenizer(gguf: makeFile())
        #expect(tokenizer.encode(" the") == [258])          // Ġ t -> Ġt, h e -> he, Ġt he -> Ġthe
        #expect(tokenizer.encode(" th") == [256, Int(UInt8(ascii: "h"))])
        #expect(tokenizer.encode("the<|im_end|>") == [Int(UInt8(ascii: "t")), 257, 259])
        #expect(tokenizer.decode([258, 259]) == " the<|im_end|>")
        // without "Ġ t" the pair never forms, so "Ġt he" cannot apply either
        let partial = try Tokenizer(gguf: makeFile(merges: ["h e", "Ġt he"]))
        #expect(partial.encode(" the") == [Int(UInt8(ascii: " ")), Int(UInt8(ascii: "t")), 257])
    }

    @Test func anotherTokenizerFamilyIsRefused() throws {
        let file = try makeFile(model: "bert")
        expectError({ try Tokenizer(gguf: file) }) { if case .unsupportedModel(_, "bert") = $0 { true } else { false } }
    }

    @Test func anUnknownPreTokenizerIsRefused() throws {
        let file = try makeFile(pre: "llama-bpe")
        expectError({ try Tokenizer(gguf: file) }) { if case .unsupportedPreTokenizer(_, "llama-bpe") = $0 { true } else { false } }
    }

    @Test func aMergeOfUnknownTokensIsRefused() throws {
        let file = try makeFile(merges: ["h e", "x yz"])
        expectError({ try Tokenizer(gguf: file) }) { if case .malformedMerge(_, 1, "x yz", _) = $0 { true } else { false } }
    }

    @Test func anEOSOutsideTheVocabularyIsRefused() throws {
        let file = try makeFile(eos: 999)
        expectError({ try Tokenizer(gguf: file) }) { if case .tokenIDOutOfRange(_, "tokenizer.ggml.eos_token_id", 999, 260) = $0 { true } else { false } }
    }

    @Test func anUnknownChatTemplateIsRefusedUnlessOneIsGiven() throws {
        let file = try makeFile(template: "{{ bos_token }}{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}")
        expectError({ try Tokenizer(gguf: file) }) { if case .unsupportedChatTemplate = $0 { true } else { false } }
        let overridden = try Tokenizer(gguf: file, chatTemplate: .chatML())
        #expect(try overridden.render([ChatTurn(role: "user", content: "hi")], addGenerationPrompt: false) == "<|im_start|>user\nhi<|im_end|>\n")
    }

    @Test func aFileWithoutAChatTemplateCannotRenderChats() throws {
        let tokenizer = try Tokenizer(gguf: makeFile())
        #expect(tokenizer.chatTemplate == nil)
        #expect(throws: TokenizerError.self) { try tokenizer.render([ChatTurn(role: "user", content: "hi")], addGenerationPrompt: true) }
        #expect(throws: TokenizerError.self) { try tokenizer.encodeChat([], addGenerationPrompt: true) }
    }
}
