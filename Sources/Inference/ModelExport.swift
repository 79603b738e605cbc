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

    /// The weights of the GGUF at `basePath` with `fineTuned` applied (a PEFT adapter folder
    /// merged in, or the `model.gguf` a full fine-tune wrote into that folder; nil: the base
    /// alone), and the file whose metadata describes them.
    static func fineTunedWeights(basePath: String, fineTuned: URL?) throws -> (weights: TrainingWeights, source: GGUFFile) {
        let base = try GGUFFile(path: basePath)
        var source = base
        if let fineTuned {
            let model = fineTuned.appendingPathComponent(FineTuneJob.modelFileName)
            if FileManager.default.fileExists(atPath: model.path) { source = try GGUFFile(path: model.path) }
        }
        var weights = try TrainingWeights(gguf: source)
        if let fineTuned, source.path == base.path {
            weights.merge(try PEFTAdapter.load(from: fineTuned, model: weights.configuration))
        }
        return (weights, source)
    }

    /// Writes `output` from the GGUF at `basePath` and `fineTuned` (see `fineTunedWeights`),
    /// with its matrices encoded as `type`.
    public static func export(basePath: String, fineTuned: URL?, to output: URL, type: ModelFileType) throws -> Summary {
        let (weights, source) = try fineTunedWeights(basePath: basePath, fineTuned: fineTuned)
        let writer = try weights.ggufWriter(metadataFrom: source, matrixType: type.ggmlType)
        try writer.write(to: output)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        return Summary(output: output.path, type: type, tensors: weights.layout.entries.count, bytes: bytes)
    }
}
