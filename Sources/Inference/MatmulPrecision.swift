import Kernels

/// The arithmetic of training's products with the model's weights, as the layers above
/// Inference name it (`--matmul-precision`); the engine's own type is `Kernels.GemmArithmetic`.
public enum MatmulPrecision: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// float32 operands and sums.
    case float32
    /// Operands rounded to bfloat16, float32 sums (PyTorch's bf16 autocast): ~1.7× faster
    /// products where the CPU has AVX-512 BF16; elsewhere emulated (the same rounding, sums in
    /// another order, slower than float32).
    case bfloat16

    /// The engine's name for it (`Gemm.multiply`, `TrainingConfiguration`).
    public var arithmetic: GemmArithmetic { self == .float32 ? .float32 : .bfloat16 }

    /// Whether the active kernel path computes it in hardware.
    public var isNative: Bool { GemmArithmetic.isNative(arithmetic) }

    /// bfloat16 where the active kernel path computes it natively, else float32.
    public static var fastest: MatmulPrecision { GemmArithmetic.fastest() == .bfloat16 ? .bfloat16 : .float32 }

    public var description: String { rawValue }
}
