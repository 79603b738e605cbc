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
