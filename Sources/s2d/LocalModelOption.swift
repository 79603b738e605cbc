import ArgumentParser
import Inference

/// `--model` of the commands that read the model file themselves (train, export, serve, bench,
/// fuzz): an embedded model or a GGUF file, never a server.
struct LocalModelOption: ParsableArguments {
    @Option(help: "Model: embedded:smollm2-135m (default), embedded:gemma3-270m, gguf:/path/model.gguf, or the plain path of a .gguf file.")
    var model = ModelURI.defaultText

    /// The model as a URI (a plain path is `gguf:`).
    func uri() throws -> ModelURI { try ModelOptions.uri(of: model) }

    /// The GGUF file; a server URI is refused with an error naming it.
    func localPath() throws -> String { try ModelOptions.localPath(of: model) }
}
