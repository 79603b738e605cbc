/// What can be wrong with arguments handed to the kernels.
public enum KernelsError: Error, CustomStringConvertible, Equatable {
    /// A quantized matrix's row length is not a multiple of its format's block (32, or 256 for
    /// K-quants).
    case columnsNotBlockAligned(columns: Int, format: QuantFormat)
    /// A shape is empty or negative.
    case badShape(rows: Int, columns: Int)
    /// A buffer holds fewer bytes than the shape and format need.
    case bufferTooSmall(needed: Int, got: Int)
    /// A block scale too large for the repacked form (|d| > 511 in Q8_0, Q5_0 or Q4_0).
    case scaleOutOfRange(format: QuantFormat)
    /// A kernel variant this CPU cannot run was asked for (`--cpu`, `S2D_CPU`).
    case unsupportedKernelPath(String, cpu: String)

    public var description: String {
        switch self {
        case let .columnsNotBlockAligned(columns, format):
            "weight matrix: \(columns) columns is not a multiple of \(format.blockElements), as \(format.rawValue) blocks need"
        case let .badShape(rows, columns):
            "weight matrix: shape [\(rows), \(columns)] must have positive rows and columns"
        case let .bufferTooSmall(needed, got):
            "weight matrix: buffer holds \(got) bytes, the shape needs \(needed)"
        case let .scaleOutOfRange(format):
            "weight matrix: a \(format.rawValue) block scale exceeds 511, which the int8 kernels cannot represent"
        case let .unsupportedKernelPath(path, cpu):
            "kernel path \(path): this CPU cannot run it (features: \(cpu)); choose one of \(KernelPath.supported.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
