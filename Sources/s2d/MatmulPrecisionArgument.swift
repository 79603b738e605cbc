import ArgumentParser
import Inference

/// `--matmul-precision` values: the arithmetic of training's products with the model's weights.
enum MatmulPrecisionArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, float32, bfloat16

    static let help: ArgumentHelp = """
        Training's products with the model's weights: bfloat16 (operands rounded to bf16, float32 sums, \
        as PyTorch's bf16 autocast; ~1.7x faster with AVX-512 BF16, emulated elsewhere), float32, or auto \
        (bfloat16 where the kernel path runs it natively, else float32).
        """

    /// The arithmetic on this machine's active kernel path (after `--cpu` / `S2D_CPU`).
    var precision: MatmulPrecision { resolved(stored: nil) }

    /// As `precision`, except that `auto` keeps what a run directory was made with (`stored`),
    /// so that resuming a run on another machine never changes its arithmetic.
    func resolved(stored: MatmulPrecision?) -> MatmulPrecision {
        switch self {
        case .auto: stored ?? .fastest
        case .float32: .float32
        case .bfloat16: .bfloat16
        }
    }
}
