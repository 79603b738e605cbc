import Foundation
import ModelFiles
import Transformer

/// Builds the `LanguageModel` a `ModelURI` names.
public enum ModelLoader {
    /// Why a model URI names nothing usable.
    public enum Failure: Error, CustomStringConvertible {
        case unknownEmbeddedModel(String)
        case missingFile(path: String, hint: String)
        /// `S2D_CPU` names no kernel variant this CPU can run.
        case kernelEnvironment(String)

        public var description: String {
            switch self {
            case let .kernelEnvironment(problem): "\(problem) (supported here: \(KernelPath.supported.map(\.rawValue).joined(separator: ", ")); CPU features: \(CPUFeatures.current))"
            case let .unknownEmbeddedModel(name): "unknown embedded model '\(name)' (known: smollm2-135m); use gguf:/path/file.gguf for other files"
            case let .missingFile(path, hint): "model file not found: \(path)\(hint)"
            }
        }
    }

    /// The GGUF file an embedded or gguf: URI names (it must exist; a folder stands for the
    /// `model.gguf` a full fine-tune wrote into it). Checks `S2D_CPU` too:
    /// every use of the embedded engine starts here.
    public static func localPath(of uri: ModelURI) throws -> String {
        _ = try KernelPath.choose(nil)
        switch uri {
        case let .embedded(name):
            guard let url = ModelCache.path(forEmbeddedModel: name) else { throw Failure.unknownEmbeddedModel(name) }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw Failure.missingFile(path: url.path, hint: " (run `make setup` or scripts/setup.sh to fetch it)")
            }
            return url.path
        case let .gguf(path):
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw Failure.missingFile(path: path, hint: "") }
            guard isFolder.boolValue else { return path }
            // The folder `s2d train --tuning full` writes.
            let model = URL(fileURLWithPath: path).appendingPathComponent(FineTuneJob.modelFileName).path
            guard FileManager.default.fileExists(atPath: model) else {
                throw Failure.missingFile(path: model, hint: " (\(path) is a folder; a LoRA adapter folder is applied with --adapter)")
            }
            return model
        case .openAI:
            throw Failure.missingFile(path: uri.description, hint: " (an OpenAI-compatible server has no local file)")
        }
    }

    /// The model `uri` names: the embedded engine for local files, the HTTP client for servers.
    public static func load(_ uri: ModelURI, precision: Precision = .quantized, threads: Int = 2) throws -> any LanguageModel {
        switch uri {
        case .embedded, .gguf:
            return try EmbeddedLanguageModel(path: localPath(of: uri), identifier: uri.description, precision: precision, threads: threads)
        case .openAI:
            guard let configuration = OpenAIClientConfiguration(uri) else { preconditionFailure("an openai: URI has a configuration") }
            return OpenAICompatibleModel(configuration: configuration)
        }
    }
}
