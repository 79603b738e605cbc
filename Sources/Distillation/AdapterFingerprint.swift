import Foundation
import Inference

/// The identity of a LoRA adapter folder (or of a fully fine-tuned model's folder) by content,
/// not by path: the name under which the adapter is loaded into a model and sent with requests,
/// so it is part of every cache key.
/// Two different adapters never share cached answers, and the same adapter copied elsewhere
/// (or re-run from another directory) keeps them.
public enum AdapterFingerprint {
    /// The files of a PEFT adapter folder that decide its outputs, in hashing order (the
    /// trainer's `checkpoint` and anything else in the folder are ignored).
    public static let files = ["adapter_config.json", "adapter_model.safetensors"]

    /// SHA-256 over each file's name, byte count and bytes, in `files` order (or of the
    /// `model.gguf` of a fully fine-tuned model's folder).
    public static func hash(ofFolder path: String) throws -> ContentHash {
        var hasher = SHA256()
        let folder = URL(fileURLWithPath: path)
        let model = folder.appendingPathComponent(FineTuneJob.modelFileName)
        let names = FileManager.default.fileExists(atPath: model.path) ? [FineTuneJob.modelFileName] : files
        for name in names {
            let file = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw PipelineError.invalidOption(name: "--adapter", reason: "\(path): no readable \(name) (not a PEFT adapter folder, and no \(FineTuneJob.modelFileName))")
            }
            hasher.update(Array("\(name)\n\(data.count)\n".utf8))
            hasher.update(data)
        }
        return ContentHash(digest: hasher.finalize())
    }

    /// The adapter name requests use for a folder whose content hash is `hex`.
    public static func requestName(hash hex: String) -> String { "sha256:" + hex }

    /// The adapter name requests use for the folder at `path`.
    public static func requestName(forFolder path: String) throws -> String {
        requestName(hash: try hash(ofFolder: path).hex)
    }
}
