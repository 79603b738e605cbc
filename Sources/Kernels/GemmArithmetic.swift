import KernelsC

/// The arithmetic of a float matrix product (`Gemm.multiply`).
public enum GemmArithmetic: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// float32 operands, float32 sums (OpenBLAS).
    case float32
    /// Operands rounded to bfloat16 (to nearest even), products summed in float32: what
    /// PyTorch's bf16 autocast computes. AVX-512 BF16 (vdpbf16ps) runs it at ~1.7× float32's
    /// speed; elsewhere it is emulated (rounded copies of the operands, then OpenBLAS: slower
    /// than float32, and a copy of each operand per call), so that a run's arithmetic, and its
    /// resume, do not depend on the machine.
    case bfloat16

    /// Whether `path` computes bfloat16 products in hardware.
    public static func isNative(_ arithmetic: GemmArithmetic, on path: KernelPath = .active) -> Bool {
        switch arithmetic {
        case .float32: true
        case .bfloat16: kc_gemm_bf16_native(path.raw) != 0
        }
    }

    /// The faster arithmetic on `path`: bfloat16 where it is native, else float32.
    public static func fastest(on path: KernelPath = .active) -> GemmArithmetic {
        isNative(.bfloat16, on: path) ? .bfloat16 : .float32
    }

    public var description: String { rawValue }
}
