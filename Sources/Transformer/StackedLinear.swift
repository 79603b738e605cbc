import Kernels
import ModelFiles

/// One weight matrix, or several sharing one input (q/k/v, gate/up) whose outputs lie side by
/// side, multiplied by `Kernels.MatMul` in one parallel region (one fork/join per call).
///
/// Quantized GGUF tensors (Q8_0, Q4_0, Q4_1, Q5_0, Q4_K, Q6_K) are repacked once at load for
/// the int8 kernels, exactly; other block types are re-encoded as Q8_0 first; float types are
/// converted to float32 and go through BLAS. Every row of an int8 product is computed the same
/// way whatever the batch (activations are quantized per row, each output lane accumulates its
/// blocks in a fixed order), so on the quantized path a row's result does not depend on the
/// other rows: the generator's determinism guarantee rests on this.
public struct StackedLinear: LinearLayer {
    /// The stacked matrices, outputs of `parts[0]` first.
    public let parts: [WeightMatrix]
    public let inputCount: Int
    public let outputCount: Int

    /// Stacks matrices with the same input width.
    public init(_ parts: [WeightMatrix]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.columns == parts[0].columns }, "stacked matrices share the input width")
        self.parts = parts
        inputCount = parts[0].columns
        outputCount = parts.reduce(0) { $0 + $1.rows }
    }

    public func apply(_ x: UnsafePointer<Float>, rowCount: Int, into y: UnsafeMutablePointer<Float>, context: ComputeContext) {
        // y[M, Σ N_i] = [x·W_0ᵀ | x·W_1ᵀ | …]
        context.matmul.multiply(parts, x: x, rows: rowCount, into: y, stride: outputCount)
    }
}

extension WeightMatrix {
    /// `tensor` of `file` for the kernels: repacked when quantized in a format the int8 kernels
    /// read (`precision == .quantized`), else float32 (`values` when given, for weight overrides).
    static func load(_ tensor: GGUFTensor, of file: GGUFFile, precision: Precision, values: [Float]? = nil) throws(ModelFileError) -> WeightMatrix {
        let rows = tensor.rowCount, columns = tensor.rowLength
        do {
            if precision == .quantized, values == nil, let format = QuantFormat(ggmlType: tensor.type.rawValue),
               format.isBlockQuantized {
                return try WeightMatrix(quantized: file.data(of: tensor), byteCount: tensor.byteCount, format: format,
                                        rows: rows, columns: columns)
            }
            if precision == .quantized, values == nil, tensor.type.blockElements > 1, columns % 32 == 0 {
                // Block types without int8 kernels of their own (Q5_1, Q2_K, Q3_K, Q5_K) are
                // re-encoded as Q8_0, which keeps them on the int8 path; Q8_0 of the decoded
                // values is within 1/254 of each block's largest value.
                let floats = try file.floats(of: tensor)
                let bytes = try floats.withUnsafeBufferPointer { try Quantization.encode($0, as: .q8_0) }
                return try bytes.withUnsafeBytes { raw in
                    try WeightMatrix(quantized: raw.baseAddress!, byteCount: raw.count, format: .q8_0, rows: rows, columns: columns)
                }
            }
            return try WeightMatrix(f32: try values ?? file.floats(of: tensor), rows: rows, columns: columns)
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw .badTensorShape(path: file.path, tensor: tensor.name, reason: "\(error)")
        }
    }
}
