import KernelsC

/// Element formats of a weight matrix as GGML stores them (little-endian blocks).
///
/// `f16` and `bf16` hold one element per 2 bytes (loaded as float32). Quantized formats hold
/// 32 elements per block:
/// - `q8_0`: fp16 scale d, 32 × int8 q; value = d·q (34 bytes).
/// - `q4_0`: fp16 d, 16 bytes of nibbles; value = d·(q − 8) (18 bytes).
/// - `q4_1`: fp16 d, fp16 m, 16 bytes of nibbles; value = d·q + m (20 bytes).
/// In the 4-bit formats element j (0..<16) is the low nibble of byte j and element j+16 its
/// high nibble.
/// - `q5_0`: fp16 d, 32 high bits, 16 bytes of nibbles; value = d·(q − 16) (22 bytes).
/// K-quants hold 256 elements per super-block (Gemma 3's Q4_K_M file uses both):
/// - `q4_K`: 8 sub-blocks of 32 with 6-bit scales and mins; value = d·sc·q − dmin·m (144 bytes).
/// - `q6_K`: 16 sub-blocks of 16 with int8 scales; value = d·sc·(q − 32), q 6-bit (210 bytes).
/// Every block format is repacked exactly for the int8 kernels (kernels_c.h).
public enum QuantFormat: String, Sendable, CaseIterable {
    case f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q4_K, q6_K

    /// The format of a GGML tensor type id (GGUF tensor info), or nil for types not supported.
    public init?(ggmlType: UInt32) {
        switch ggmlType {
        case 0: self = .f32
        case 1: self = .f16
        case 2: self = .q4_0
        case 3: self = .q4_1
        case 6: self = .q5_0
        case 8: self = .q8_0
        case 12: self = .q4_K
        case 14: self = .q6_K
        case 30: self = .bf16
        default: return nil
        }
    }

    /// Whether blocks are quantized (the int8 kernels apply); else elements are floats.
    public var isBlockQuantized: Bool { blockElements > 1 }

    /// Elements per block (1 for the float formats).
    public var blockElements: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q8_0, .q4_0, .q4_1, .q5_0: 32
        case .q4_K, .q6_K: 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q8_0: 34
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q4_K: 144
        case .q6_K: 210
        }
    }

    /// The GGML type id (the kernels' source format for block formats).
    public var ggmlType: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q5_0: 6
        case .q8_0: 8
        case .q4_K: 12
        case .q6_K: 14
        case .bf16: 30
        }
    }

    /// Bytes taken by `count` elements (`count` a multiple of `blockElements`).
    public func bytes(forElements count: Int) -> Int { count / blockElements * blockBytes }

    /// Decodes `count` elements (a multiple of `blockElements`) from GGML block bytes.
    ///
    /// The arithmetic matches GGML's and the `gguf` Python package's dequantizers exactly:
    /// d·q is exact in float32, so each value is rounded once.
    public func dequantize(_ raw: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        let blocks = count / blockElements
        switch self {
        case .f32:
            for i in 0..<count { out[i] = raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case .f16:
            for i in 0..<count { out[i] = halfToFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bf16:
            for i in 0..<count {
                let bits = UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16
                out[i] = Float(bitPattern: bits)
            }
        case .q8_0:
            for b in 0..<blocks {
                let p = raw + b * 34
                let d = halfToFloat(p.loadUnaligned(as: UInt16.self))
                for j in 0..<32 {
                    out[b * 32 + j] = d * Float(p.load(fromByteOffset: 2 + j, as: Int8.self))
                }
            }
        case .q4_0:
            for b in 0..<blocks {
                let p = raw + b * 18
                let d = halfToFloat(p.loadUnaligned(as: UInt16.self))
                for j in 0..<16 {
                    let byte = p.load(fromByteOffset: 2 + j, as: UInt8.self)
                    out[b * 32 + j] = d * Float(Int(byte & 15) - 8)
                    out[b * 32 + j + 16] = d * Float(Int(byte >> 4) - 8)
                }
            }
        case .q4_1:
            for b in 0..<blocks {
                let p = raw + b * 20
                let d = halfToFloat(p.loadUnaligned(as: UInt16.self))
                let m = halfToFloat(p.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                for j in 0..<16 {
                    let byte = p.load(fromByteOffset: 4 + j, as: UInt8.self)
                    out[b * 32 + j] = d * Float(byte & 15) + m
                    out[b * 32 + j + 16] = d * Float(byte >> 4) + m
                }
            }
        case .q5_0:
            for b in 0..<blocks {
                let p = raw + b * 22
                let d = halfToFloat(p.loadUnaligned(as: UInt16.self))
                let high = p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
                for j in 0..<16 {
                    let byte = p.load(fromByteOffset: 6 + j, as: UInt8.self)
                    let low = Int(byte & 15) | Int((high >> UInt32(j)) & 1) << 4
                    let up = Int(byte >> 4) | Int((high >> UInt32(j + 16)) & 1) << 4
                    out[b * 32 + j] = d * Float(low - 16)
                    out[b * 32 + j + 16] = d * Float(up - 16)
                }
            }
        case .q4_K, .q6_K:
            // The repacked form dequantizes to GGML's values bit for bit (kernels_c.h); with
            // float32 scales it cannot be refused, and `count` is whole super-blocks.
            let matrix = try! WeightMatrix(quantized: raw, byteCount: bytes(forElements: count), format: self, rows: 1, columns: count)
            matrix.dequantize(rows: 0..<1, columnRange: 0..<count, into: out, stride: count)
        }
    }
}

/// IEEE fp16 bits to Float.
@inlinable public func halfToFloat(_ bits: UInt16) -> Float { kc_half_to_float(bits) }

/// Float to IEEE fp16 bits, rounded to nearest even.
@inlinable public func floatToHalf(_ value: Float) -> UInt16 { kc_float_to_half(value) }
