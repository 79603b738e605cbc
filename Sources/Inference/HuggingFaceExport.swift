import Foundation
import ModelFiles
import Tokenizers
import Transformer

/// A fine-tuned model as a Hugging Face folder that `transformers` (`AutoModelForCausalLM`,
/// `AutoTokenizer`) and vLLM load: `config.json` (`LlamaForCausalLM` or `Gemma3ForCausalLM`),
/// `generation_config.json`,
/// `model.safetensors` (HF names and row order, `HuggingFaceTensors`) and the tokenizer files
/// with the chat template (`HuggingFaceTokenizerFiles`).
public enum HuggingFaceExport {
    public static let weightsFileName = "model.safetensors"

    /// Writes the folder `output` from the GGUF at `basePath` and `fineTuned` (an adapter or a
    /// full fine-tune's folder; nil: the base alone), weights stored as `type` (f32, f16 or bf16).
    public static func export(basePath: String, fineTuned: URL?, to output: URL, type: ModelFileType) throws -> ModelExport.Summary {
        guard let dtype = SafetensorsDType(type) else { throw HuggingFaceExportError.unsupportedType(type) }
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

    /// The config.json of `configuration`'s family (`LlamaForCausalLM`, `Gemma3ForCausalLM`).
    static func modelConfiguration(_ c: ModelConfiguration, tokenizer: Tokenizer, dtype: SafetensorsDType) -> [String: Any] {
        var config: [String: Any] = [
            "hidden_size": c.hiddenSize, "intermediate_size": c.feedForwardSize, "num_hidden_layers": c.layerCount,
            "num_attention_heads": c.headCount, "num_key_value_heads": c.kvHeadCount, "head_dim": c.headDimension,
            "max_position_embeddings": c.contextLength, "rms_norm_eps": Double(c.rmsNormEpsilon),
            "tie_word_embeddings": c.tiedEmbeddings, "vocab_size": c.vocabularySize,
            "attention_bias": false, "attention_dropout": 0.0, "initializer_range": 0.02, "use_cache": true,
            "torch_dtype": ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue] ?? "float32",
            "eos_token_id": tokenizer.eosTokenID,
        ]
        switch c.architecture {
        case .llama:
            config.merge(["architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                          "rope_theta": Double(c.ropeBase), "rope_scaling": NSNull(), "mlp_bias": false, "pretraining_tp": 1]) { $1 }
        case .gemma3:
            // Gemma 3's text model: GELU-tanh gate, its attention scale 1/√head_dim written as
            // query_pre_attn_scalar, sliding-window layers with their own RoPE base.
            config.merge(["architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text",
                          "hidden_activation": "gelu_pytorch_tanh", "query_pre_attn_scalar": c.headDimension,
                          "sliding_window": c.slidingWindow.map { $0 as Any } ?? NSNull(),
                          "layer_types": (0..<c.layerCount).map { c.isSlidingWindowLayer($0) ? "sliding_attention" : "full_attention" },
                          "rope_parameters": [
                              "full_attention": ["rope_type": "default", "rope_theta": Double(c.ropeBase)],
                              "sliding_attention": ["rope_type": "default", "rope_theta": Double(c.slidingRopeBase)],
                          ],
                          // The same bases as transformers 4 reads them.
                          "rope_theta": Double(c.ropeBase), "rope_local_base_freq": Double(c.slidingRopeBase),
                          "attn_logit_softcapping": NSNull(), "final_logit_softcapping": NSNull()]) { $1 }
        }
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

    public var description: String {
        switch self {
        case .unsupportedType(let type): "--type \(type.rawValue): a Hugging Face folder stores f32, f16 or bf16 weights"
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
