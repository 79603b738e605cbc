import Foundation

/// The activation of a gated MLP: out = act(gate) ⊙ up. Llama uses SiLU (SwiGLU); Gemma uses
/// GELU with the tanh approximation (GeGLU, PyTorch's `gelu(approximate="tanh")`).
public enum GateActivation: String, Sendable, Hashable, Codable {
    case silu
    case geluTanh

    /// out = act(gate) ⊙ up over n values (out may alias gate or up).
    @inlinable
    public func forward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int) {
        switch self {
        case .silu: RowOps.swiglu(gate: gate, up: up, into: out, count: n)
        case .geluTanh:
            for i in 0..<n { out[i] = Self.gelu(gate[i]).value * up[i] }
        }
    }

    /// dgate = dout ⊙ up ⊙ act'(gate), dup = dout ⊙ act(gate) (both overwritten; they may alias
    /// gate and up).
    @inlinable
    public func backward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, outputGradient dout: UnsafePointer<Float>,
                         gateGradient dg: UnsafeMutablePointer<Float>, upGradient du: UnsafeMutablePointer<Float>, count n: Int) {
        switch self {
        case .silu:
            RowOps.swigluBackward(gate: gate, up: up, outputGradient: dout, gateGradient: dg, upGradient: du, count: n)
        case .geluTanh:
            for i in 0..<n {
                let (value, derivative) = Self.gelu(gate[i])
                let g = dout[i], u = up[i]
                dg[i] = g * u * derivative
                du[i] = g * value
            }
        }
    }

    /// gelu(x) = x/2 · (1 + tanh(√(2/π)·(x + 0.044715x³))) and its derivative.
    @inlinable @inline(__always)
    static func gelu(_ x: Float) -> (value: Float, derivative: Float) {
        let c: Float = 0.797_884_560_802_865_4  // √(2/π)
        let x2 = x * x
        let t = Foundation.tanh(c * (x + 0.044715 * x2 * x))
        let value = 0.5 * x * (1 + t)
        let derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x2)
        return (value, derivative)
    }
}
