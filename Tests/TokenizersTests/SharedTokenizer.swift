import ModelFiles
import TestSupport
import Tokenizers

/// The cached models' tokenizers, each read once for all tests.
enum SharedTokenizer {
    private static let loaded: Result<Tokenizer, any Error> = Result {
        try Tokenizer(gguf: GGUFFile(path: TestFiles.smolLM2()))
    }

    private static let loadedGemma3: Result<Tokenizer, any Error> = Result {
        try Tokenizer(gguf: GGUFFile(path: TestFiles.gemma3()))
    }

    static func smolLM2() throws -> Tokenizer {
        try loaded.get()
    }

    static func gemma3() throws -> Tokenizer {
        try loadedGemma3.get()
    }
}
