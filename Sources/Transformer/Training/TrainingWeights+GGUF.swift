import Foundation
import ModelFiles

extension TrainingWeights {
    /// A GGUF of these weights (after full fine-tuning or a merge), with the metadata
    /// (architecture, hyperparameters, tokenizer, chat template) of `source` copied over.
    /// Matrices are encoded as `matrixType` (float32, or re-quantized so the engine's int8
    /// kernels run on them); norm vectors stay float32, as ggml writes them.
    public func ggufWriter(metadataFrom source: GGUFFile, matrixType: GGMLType = .f32) throws(Quantization.Failure) -> GGUFWriter {
        var writer = GGUFWriter()
        for key in source.metadataKeys where key != "general.file_type" {
            if let value = source.metadata[key] { writer.set(key, value) }
        }
        writer.set("general.file_type", .uint32(Self.llamaFileType(matrixType)))
        try values.withUnsafeBufferPointer { (buffer) throws(Quantization.Failure) in
            for entry in layout.entries {
                let tensor = UnsafeBufferPointer(rebasing: buffer[entry.offset..<(entry.offset + entry.count)])
                let type = entry.shape.count == 2 ? matrixType : .f32
                try writer.addTensor(entry.name, type: type, dimensions: entry.shape.reversed(),
                                     bytes: Quantization.encode(tensor, as: type))
            }
        }
        return writer
    }

    /// llama.cpp's `general.file_type` for a model whose matrices are `type` ("mostly" that
    /// type: the norms are float32).
    static func llamaFileType(_ type: GGMLType) -> UInt32 {
        switch type {
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .bf16: 32
        default: 0
        }
    }
}
