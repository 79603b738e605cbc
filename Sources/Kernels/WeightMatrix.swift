import KernelsC

/// A weight matrix W[rows, columns] (= [N outputs, K inputs]) as the engine holds it.
///
/// Quantized matrices (Q8_0, Q4_0, Q4_1, Q5_0, Q4_K, Q6_K) are repacked once, at load, into one
/// form the int8 kernels read fast (groups of 16 rows interleaved so that one register lane holds
/// one row; see kernels_c.h), with value = d·u + m for every format (Q4_0: m = −8d, Q8_0:
/// u = q + 128, m = −128d; K-quants with float32 scales per sub-block; all exact). About the
/// size of the GGML blocks (Q5_0 takes Q8_0's), a copy at memory speed. The source bytes (for
/// example a memory-mapped GGUF tensor) are not referenced afterwards. Float32 matrices are used in place: the pointer must stay valid, which `owner`
/// guarantees by being kept alive.
///
/// Immutable after init, so it may be shared across threads.
public final class WeightMatrix: @unchecked Sendable {
    /// Output features N.
    public let rows: Int
    /// Input features K.
    public let columns: Int
    /// The format the matrix was loaded from.
    public let format: QuantFormat

    /// Float32 storage, row-major [rows, columns] (float formats).
    let floats: UnsafePointer<Float>?
    /// Keeps the float storage alive.
    let owner: AnyObject?
    /// Repacked quantized storage (block formats): value = d·u + m in 16-row interleaved groups.
    let packed: kc_qweights
    /// Memory to free in deinit.
    private let allocation: UnsafeMutableRawPointer?

    /// Wraps float32 weights, row-major [rows, columns], without copying; `owner` (for example
    /// the memory-mapped file or an array box) is retained so the pointer stays valid.
    public init(f32 pointer: UnsafePointer<Float>, rows: Int, columns: Int, owner: AnyObject?) throws {
        guard rows > 0, columns > 0 else { throw KernelsError.badShape(rows: rows, columns: columns) }
        self.rows = rows
        self.columns = columns
        self.format = .f32
        self.floats = pointer
        self.owner = owner
        self.packed = kc_qweights()
        self.allocation = nil
    }

    /// Copies float32 weights, row-major [rows, columns].
    public convenience init(f32 values: [Float], rows: Int, columns: Int) throws {
        guard values.count == rows * columns else {
            throw KernelsError.bufferTooSmall(needed: rows * columns * 4, got: values.count * 4)
        }
        let box = FloatBox(values)
        try self.init(f32: UnsafePointer(box.pointer), rows: rows, columns: columns, owner: box)
    }

    /// Repacks GGML blocks (`rows` rows of `columns / 32` consecutive blocks each) from `raw`,
    /// which needs to hold `byteCount` bytes and stay valid only during this call. Float formats
    /// (f32, f16, bf16) are converted to float32 storage.
    public init(quantized raw: UnsafeRawPointer, byteCount: Int, format: QuantFormat, rows: Int,
                columns: Int) throws {
        guard rows > 0, columns > 0 else { throw KernelsError.badShape(rows: rows, columns: columns) }
        if !format.isBlockQuantized {
            // Float formats: converted to float32 storage.
            let needed = rows * format.bytes(forElements: columns)
            guard byteCount >= needed else { throw KernelsError.bufferTooSmall(needed: needed, got: byteCount) }
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
            format.dequantize(raw, count: rows * columns, into: copy)
            self.rows = rows
            self.columns = columns
            self.format = format
            self.floats = UnsafePointer(copy)
            self.owner = nil
            self.packed = kc_qweights()
            self.allocation = UnsafeMutableRawPointer(copy)
            return
        }
        guard columns % format.blockElements == 0 else { throw KernelsError.columnsNotBlockAligned(columns: columns, format: format) }
        let needed = rows * format.bytes(forElements: columns)
        guard byteCount >= needed else { throw KernelsError.bufferTooSmall(needed: needed, got: byteCount) }
        // Interleaved groups of 16 rows (see kernels_c.h), 64-byte aligned for aligned loads.
        let source = kc_format(rawValue: format.ggmlType)
        let bits = kc_format_bits(source)
        let packedBytes = Int(kc_packed_bytes(Int32(rows), Int32(columns), bits))
        let memory = UnsafeMutableRawPointer.allocate(byteCount: packedBytes, alignment: 64)
        let status = kc_repack(raw, source, Int32(rows), Int32(columns), memory.assumingMemoryBound(to: UInt8.self))
        guard status == 0 else {
            memory.deallocate()
            // -2 (columns not whole blocks) is excluded above, -3 (a format the C side does not
            // read) by QuantFormat's cases.
            throw KernelsError.scaleOutOfRange(format: format)
        }
        self.rows = rows
        self.columns = columns
        self.format = format
        self.floats = nil
        self.owner = nil
        self.allocation = memory
        self.packed = kc_qweights(base: UnsafePointer(memory.assumingMemoryBound(to: UInt8.self)),
                                  n: Int32(rows), k: Int32(columns), bits: bits)
    }

    deinit { allocation?.deallocate() }

    /// The repacked storage as the C kernels read it (nil for float32): for tests and for
    /// callers of `kc_qgemm` directly.
    public var packedWeights: kc_qweights? { isQuantized ? packed : nil }

    /// The float32 storage, row-major [rows, columns] (nil for quantized matrices): for BLAS
    /// calls such as `Gemm.multiply` when training float weights.
    public var floatPointer: UnsafePointer<Float>? { floats }

    /// Whether the int8 kernels apply (any quantized format).
    public var isQuantized: Bool { floats == nil }

    /// Bytes the kernels read per full pass over the matrix.
    public var storageBytes: Int {
        isQuantized ? Int(kc_packed_bytes(packed.n, packed.k, packed.bits)) : rows * columns * 4
    }

    /// Writes row `row` as float32 (`columns` values): the embedding lookup.
    public func dequantizeRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < rows, "row \(row) outside 0..<\(rows)")
        dequantize(rows: row..<(row + 1), columnRange: 0..<columns, into: out, stride: columns)
    }

    /// Writes W[rowRange, columnRange] as float32 into `out` with row stride `stride`;
    /// for quantized matrices the column bounds must be multiples of 32.
    public func dequantize(rows rowRange: Range<Int>, columnRange: Range<Int>,
                           into out: UnsafeMutablePointer<Float>, stride: Int) {
        if let floats {
            for (i, r) in rowRange.enumerated() {
                (out + i * stride).update(from: floats + r * columns + columnRange.lowerBound,
                                          count: columnRange.count)
            }
        } else {
            precondition(columnRange.lowerBound % 32 == 0 && columnRange.upperBound % 32 == 0)
            withUnsafePointer(to: packed) { w in
                kc_dequantize(w, Int32(rowRange.lowerBound), Int32(rowRange.upperBound),
                              Int32(columnRange.lowerBound), Int32(columnRange.upperBound), out, Int64(stride))
            }
        }
    }

    /// The whole matrix as float32, row-major.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buf, count in
            dequantize(rows: 0..<rows, columnRange: 0..<columns, into: buf.baseAddress!, stride: columns)
            count = rows * columns
        }
    }
}

/// Heap storage for float weights copied from an array.
final class FloatBox: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ values: [Float]) {
        pointer = .allocate(capacity: values.count)
        pointer.initialize(from: values, count: values.count)
    }
    deinit { pointer.deallocate() }
}
