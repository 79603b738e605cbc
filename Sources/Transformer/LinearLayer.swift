import Kernels

/// How a batch of rows may be computed.
public enum MatmulMode: Sendable, Hashable {
    /// Each output row is computed exactly as it would be alone (M = 1): on the quantized path
    /// results are bitwise independent of which other rows share the batch. Used for decode
    /// steps, so a sample's tokens do not depend on what else is being decoded.
    case rowIndependent
    /// Fastest for many consecutive positions of one sequence (prompt processing): their
    /// attention runs through sgemm, whose rounding depends on the run length. (The quantized
    /// linear layers are row-independent in both modes.)
    case throughput
}

/// Per-call settings of a forward pass: cores and the batching contract.
///
/// Not thread-safe: one forward pass uses one context.
public final class ComputeContext {
    /// Cores the kernels may use.
    public let threads: Int
    /// The batching contract for this call.
    public var mode: MatmulMode
    /// The matrix products, split over `threads`.
    public let matmul: MatMul

    public init(threads: Int, mode: MatmulMode = .rowIndependent, kernelPath: KernelPath = .active) {
        self.threads = max(1, threads)
        self.mode = mode
        // Two int8 passes: with one, blocks holding an outlier lose their other elements
        // (SmolLM2's logits then miss the reference by up to 1.6 and change argmax; measured on
        // every layer kind, head included); with two they stay within 0.01.
        matmul = MatMul(threads: self.threads, activations: .twoPassInt8, path: kernelPath)
    }
}

/// y = x · Wᵀ for a weight W of `outputCount` rows × `inputCount` columns.
///
/// The seam between the model and its matrix kernels: `StackedLinear` (Kernels' `MatMul`:
/// int8 kernels for quantized weights, BLAS for float32) implements it, and other kernels can
/// replace it without the model changing.
public protocol LinearLayer: Sendable {
    var inputCount: Int { get }
    var outputCount: Int { get }
    /// x: [rowCount, inputCount] row-major → y: [rowCount, outputCount] row-major (overwritten).
    func apply(_ x: UnsafePointer<Float>, rowCount: Int, into y: UnsafeMutablePointer<Float>, context: ComputeContext)
}
