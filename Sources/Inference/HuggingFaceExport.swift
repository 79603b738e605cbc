import Foundation
import ModelFiles
import Tokenizers
import Transformer

/// A fine-tuned model as a Hugging Face folder that `transformers` (`AutoModelForCausalLM`,
/// `AutoTokenizer`) and vLLM load: `config.json` (`LlamaForCausalLM`), `generation_config.json`,
/// `model.safetensors` (HF names and row order, `HuggingFaceTensors`) and the tokenizer files
/// with the chat template (`HuggingFaceTokenizerFiles`).
public enum HuggingFaceExport {
    public static let weightsFileName = "model.safetensors"

    /// Writes the folder `output` from the GGUF at `basePath` and `fineTuned` (an adapter or a
    /// full fine-tune's folder; nil: the base alone), weights stored as `type` (f32, f16 or bf16).
    public static func export(basePath: String, fineTuned: URL?, to output: URL, type: ModelFileType) throws -> ModelExport.Summary {
        guard let dtype = SafetensorsDType(type) else { throw HuggingFaceExportError.unsupportedType(type) }
        // The folder is LlamaForCausalLM's (config, tensor names, q/k row order, byte-level BPE
        // tokenizer files); another family is refused before its weights are read.
        let architecture = try ModelConfiguration(gguf: GGUFFile(path: basePath)).architecture
        guard architecture == .llama else { throw HuggingFaceExportError.unsupportedArchitecture(architecture.rawValue) }
        let (weights, source) = try ModelExport.fineTunedWeights(basePath: basePath, fineTuned: fineTuned)
        var files = try HuggingFaceTokenizerFiles.files(from: source)
        let tokenizer = try Tokenizer(gguf: source)
        files["config.json"] = try json(modelConfiguration(weights.configuration, tokenizer: tokenizer, dtype: dtype))
        var generation: [String: Any] = ["eos_token_id": tokenizer.eosTokenID, "_from_model_config": true]
        if let bos = tokenizer.bosTokenID { generation["bos_token_id"] = bos }
        files["generation_config.json"] = try json(generation)

        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var writer = SafetensorsWriter()
        writer.metadata = ["format": "pt"]
        let tensors = HuggingFaceTensors.tensors(of: weights)
        for tensor in tensors { writer.add(tensor.name, shape: tensor.shape, values: tensor.values, dtype: dtype) }
        try writer.write(to: output.appendingPathComponent(weightsFileName))
        for (name, data) in files { try AtomicFile.write(data, to: output.appendingPathComponent(name)) }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(weightsFileName).path)[.size] as? Int) ?? 0
        return ModelExport.Summary(output: output.path, type: type, tensors: tensors.count, bytes: bytes)
    }

    /// `LlamaForCausalLM`'s config.json for `configuration`.
    static func modelConfiguration(_ c: ModelConfiguration, tokenizer: Tokenizer, dtype: SafetensorsDType) -> [String: Any] {
        var config: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "hidden_size": c.hiddenSize, "intermediate_size": c.feedForwardSize, "num_hidden_layers": c.layerCount,
            "num_attention_heads": c.headCount, "num_key_value_heads": c.kvHeadCount, "head_dim": c.headDimension,
            "hidden_act": "silu", "max_position_embeddings": c.contextLength, "rms_norm_eps": Double(c.rmsNormEpsilon),
            "rope_theta": Double(c.ropeBase), "rope_scaling": NSNull(), "tie_word_embeddings": c.tiedEmbeddings,
            "vocab_size": c.vocabularySize, "attention_bias": false, "attention_dropout": 0.0, "mlp_bias": false,
            "initializer_range": 0.02, "pretraining_tp": 1, "use_cache": true,
            "torch_dtype": ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue] ?? "float32",
            "eos_token_id": tokenizer.eosTokenID,
        ]
        if let bos = tokenizer.bosTokenID { config["bos_token_id"] = bos }
        if let pad = tokenizer.paddingTokenID { config["pad_token_id"] = pad }
        return config
    }

    static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}

/// Why a Hugging Face export was refused.
public enum HuggingFaceExportError: Error, CustomStringConvertible {
    case unsupportedType(ModelFileType)
    case unsupportedArchitecture(String)

    public var description: String {
        switch self {
        case .unsupportedType(let type): "--type \(type.rawValue): a Hugging Face folder stores f32, f16 or bf16 weights"
        case .unsupportedArchitecture(let name):
            "a Hugging Face folder is written for llama models only, not \(name); use --format gguf (llama.cpp, Ollama and s2d load it)"
        }
    }
}

extension SafetensorsDType {
    /// The safetensors type of a float export type (nil for the quantized ones).
    init?(_ type: ModelFileType) {
        switch type {
        case .f32: self = .f32
        case .f16: self = .f16
        case .bf16: self = .bf16
        case .q8_0, .q4_1: return nil
        }
    }
}
