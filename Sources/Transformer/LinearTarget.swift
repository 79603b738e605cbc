/// The seven linear layers of a Llama block, by the short names LoRA configurations use.
public enum LinearTarget: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case q, k, v, o, gate, up, down

    /// The GGUF tensor name suffix (`blk.N.<suffix>.weight`).
    public var ggufSuffix: String {
        switch self {
        case .q: "attn_q"
        case .k: "attn_k"
        case .v: "attn_v"
        case .o: "attn_output"
        case .gate: "ffn_gate"
        case .up: "ffn_up"
        case .down: "ffn_down"
        }
    }

    /// The Hugging Face / PEFT module name (`q_proj`, `gate_proj`, …).
    public var hfModuleName: String {
        switch self {
        case .q: "q_proj"
        case .k: "k_proj"
        case .v: "v_proj"
        case .o: "o_proj"
        case .gate: "gate_proj"
        case .up: "up_proj"
        case .down: "down_proj"
        }
    }

    /// The Hugging Face submodule of the block that holds it (`self_attn` or `mlp`).
    public var hfBlock: String {
        switch self {
        case .q, .k, .v, .o: "self_attn"
        case .gate, .up, .down: "mlp"
        }
    }

    /// (outputs, inputs) of this layer's weight in `configuration`.
    public func shape(in configuration: ModelConfiguration) -> (outputs: Int, inputs: Int) {
        let h = configuration.hiddenSize, f = configuration.feedForwardSize, kv = configuration.kvSize
        let q = configuration.queryWidth
        switch self {
        case .q: return (q, h)
        case .o: return (h, q)
        case .k, .v: return (kv, h)
        case .gate, .up: return (f, h)
        case .down: return (h, f)
        }
    }

    public static func < (a: LinearTarget, b: LinearTarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
