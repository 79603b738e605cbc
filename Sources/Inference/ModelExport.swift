import Foundation
import ModelFiles
import Transformer

/// A fine-tuned model as one GGUF file that any GGUF engine loads (llama.cpp, Ollama, this
/// one): base weights with a LoRA adapter merged in (W + (α/r)·B·A), or a fully fine-tuned
/// model re-encoded; the base's metadata (architecture, tokenizer, chat template) carried over.
public enum ModelExport {
    /// What the export wrote.
    public struct Summary: Sendable, Codable {
        public var output: String
        public var type: ModelFileType
        public var tensors: Int
        public var bytes: Int
    }

    /// Writes `output` from the GGUF at `basePath` and `fineTuned` (a PEFT adapter folder, or a
    /// folder with the `model.gguf` of a full fine-tune; nil: the base model alone), with its
    /// matrices encoded as `type`.
    public static func export(basePath: String, fineTuned: URL?, to output: URL, type: ModelFileType) throws -> Summary {
        let base = try GGUFFile(path: basePath)
        var source = base
        if let fineTuned {
            let model = fineTuned.appendingPathComponent(FineTuneJob.modelFileName)
            if FileManager.default.fileExists(atPath: model.path) { source = try GGUFFile(path: model.path) }
        }
        var weights = try LlamaTrainingWeights(gguf: source)
        if let fineTuned, source.path == base.path {
            weights.merge(try PEFTAdapter.load(from: fineTuned, model: weights.configuration))
        }
        let writer = try weights.ggufWriter(metadataFrom: source, matrixType: type.ggmlType)
        try writer.write(to: output)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        return Summary(output: output.path, type: type, tensors: weights.layout.entries.count, bytes: bytes)
    }
}
