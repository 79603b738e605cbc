import Kernels

/// The model families the engine runs. Gemma 3 adds to the Llama block: RMSNorm of each
/// query and key head before RoPE, RMSNorm of the attention and MLP outputs before they join the
/// residual stream, a GELU (tanh) gate instead of SiLU, embeddings scaled by √hidden, RoPE on
/// the two halves of a head (NEOX style) instead of adjacent pairs, and sliding-window layers.
public enum ModelArchitecture: String, Sendable, Hashable, Codable, CaseIterable {
    case llama
    case gemma3

    /// Whether q and k heads are RMS-normalized before RoPE (`attn_q_norm`, `attn_k_norm`).
    public var normalizesQueriesAndKeys: Bool { self == .gemma3 }
    /// Whether attention and MLP outputs are RMS-normalized before the residual add
    /// (`post_attention_norm`, `post_ffw_norm`).
    public var normalizesSublayerOutputs: Bool { self == .gemma3 }
    /// The MLP's gate activation.
    public var gateActivation: GateActivation { self == .gemma3 ? .geluTanh : .silu }
    /// Which elements of a head RoPE rotates together.
    public var ropeStyle: Rope.Style { self == .gemma3 ? .halves : .adjacentPairs }
}

extension ModelConfiguration {
    /// The RoPE of each layer, cos/sin tabulated for `cachedPositions` positions: one table per
    /// distinct base (Gemma 3: global and sliding-window layers), shared by the layers using it.
    /// Inference tabulates the context, training its longest sequence.
    func layerRopes(cachedPositions: Int) -> [Rope] {
        var tables: [Float: Rope] = [:]
        return (0..<layerCount).map { layer in
            let base = ropeBase(layer: layer)
            if let rope = tables[base] { return rope }
            let rope = Rope(headDimension: headDimension, base: Double(base), cachedPositions: cachedPositions,
                            style: architecture.ropeStyle)
            tables[base] = rope
            return rope
        }
    }
}
