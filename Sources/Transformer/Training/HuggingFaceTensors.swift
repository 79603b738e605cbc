/// A model's weights under Hugging Face names (`LlamaForCausalLM`, `Gemma3ForCausalLM`), in HF's
/// conventions: the tensors of a `model.safetensors` that `transformers` and vLLM load.
/// - Llama: GGUF stores the rows of q and k interleaved for its rotary embedding; HF keeps each
///   head's two halves apart, so those two are un-permuted (`HFRowOrder`), as llama.cpp's
///   converter permuted them.
/// - Gemma 3: GGUF stores every RMSNorm weight as 1 + w (llama.cpp's converter adds the 1 that
///   HF's `Gemma3RMSNorm` adds at run time), so 1 is subtracted; q and k are not permuted.
public enum HuggingFaceTensors {
    /// One tensor: HF name, shape (outermost first), float32 values.
    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
    }

    /// `model.layers.{i}.self_attn.q_proj.weight` and the like.
    public static func linearName(layer: Int, _ target: LinearTarget) -> String {
        "model.layers.\(layer).\(target.hfBlock).\(target.hfModuleName).weight"
    }

    /// The HF name of a GGUF tensor of `TrainingWeights.layout(for:)`.
    public static func name(ofGGUF name: String, architecture: ModelArchitecture) -> String? {
        switch name {
        case "token_embd.weight": return "model.embed_tokens.weight"
        case "output_norm.weight": return "model.norm.weight"
        case "output.weight": return "lm_head.weight"
        default: break
        }
        let parts = name.split(separator: ".")
        guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]), parts[3] == "weight" else { return nil }
        switch parts[2] {
        case "attn_norm": return "model.layers.\(layer).input_layernorm.weight"
        case "ffn_norm" where architecture == .gemma3: return "model.layers.\(layer).pre_feedforward_layernorm.weight"
        case "ffn_norm", "post_attention_norm": return "model.layers.\(layer).post_attention_layernorm.weight"
        case "post_ffw_norm": return "model.layers.\(layer).post_feedforward_layernorm.weight"
        case "attn_q_norm": return "model.layers.\(layer).self_attn.q_norm.weight"
        case "attn_k_norm": return "model.layers.\(layer).self_attn.k_norm.weight"
        default: return LinearTarget.allCases.first { $0.ggufSuffix == parts[2] }.map { linearName(layer: layer, $0) }
        }
    }

    /// Every tensor of `weights` under its HF name, in HF's conventions (above). A tied output
    /// head has no tensor of its own (HF's `tie_word_embeddings`).
    public static func tensors(of weights: TrainingWeights) -> [Tensor] {
        let configuration = weights.configuration
        let architecture = configuration.architecture
        let permuted = architecture.ropeStyle == .adjacentPairs ? Set((0..<configuration.layerCount).flatMap { layer in
            [LinearTarget.q, .k].map { ModelConfiguration.tensorName(layer: layer, $0.ggufSuffix) }
        }) : []
        return weights.layout.entries.map { entry in
            guard let name = name(ofGGUF: entry.name, architecture: architecture) else { preconditionFailure("no Hugging Face name for \(entry.name)") }
            var values = weights.tensor(entry.name)
            if permuted.contains(entry.name) {
                values = HFRowOrder.hfFromGGUF(values, rows: entry.shape[0], columns: entry.shape[1], headDimension: configuration.headDimension)
            }
            if architecture == .gemma3 && entry.name.hasSuffix("norm.weight") { values = values.map { $0 - 1 } }
            return Tensor(name: name, shape: entry.shape, values: values)
        }
    }
}
