import ModelFiles
import Tokenizers
import Transformer

/// What the engine reads from a GGUF file before it generates: the model's configuration and
/// its tokenizer (an encode and a chat render), and on request the model itself, built and run
/// for one token. `s2d fuzz gguf` reads every mutated file through it, so the checks a loaded
/// model depends on are the ones exercised, without the modules above Inference reaching into
/// the engine.
public struct ModelFileProbe {
    public let file: GGUFFile
    public let configuration: ModelConfiguration

    /// Reads the configuration and the tokenizer, and tokenizes a text and renders a chat.
    public init(file: GGUFFile) throws {
        self.file = file
        configuration = try ModelConfiguration(gguf: file)
        let tokenizer = try Tokenizer(gguf: file)
        _ = tokenizer.encode("A coin is heads up. <|im_start|>")
        _ = try tokenizer.render([ChatTurn(role: "user", content: "Hi")], addGenerationPrompt: true)
    }

    /// Builds the quantized model and runs one token through it.
    public func runOneToken() throws {
        let model = try TransformerModel(file: file, precision: .quantized)
        let cache = KVCache(configuration: model.configuration, maximumLength: 4)
        let slot = cache.allocateSlot()
        _ = model.forward([BatchRow(slot: slot, token: min(1, model.configuration.vocabularySize - 1), position: 0)], cache: cache)
    }
}
