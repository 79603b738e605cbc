/// Scalar encoders from float32 to the GGML types a fine-tuned model is written in, rounding as
/// ggml's reference quantizers do (so a tensor dequantized from a ggml-written file and encoded
/// again gives the file's bytes back): the inverse of `Dequantization` for these types.
public enum Quantization {
    /// The types `encode` writes.
    public static let encodableTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]

    /// Why values cannot be encoded as asked.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unsupportedType(GGMLType)
        case notWholeBlocks(type: GGMLType, elements: Int)

        public var description: String {
            switch self {
            case let .unsupportedType(type):
                "encoding as \(type) is not supported (supported: \(Quantization.encodableTypes.map(\.description).joined(separator: ", ")))"
            case let .notWholeBlocks(type, elements): "\(elements) values are not a whole number of \(type) blocks of \(type.blockElements)"
            }
        }
    }

    /// `values` encoded as `type`, block after block.
    public static func encode(_ values: UnsafeBufferPointer<Float>, as type: GGMLType) throws(Failure) -> [UInt8] {
        guard encodableTypes.contains(type) else { throw .unsupportedType(type) }
        guard let byteCount = type.byteCount(elements: values.count) else {
            throw .notWholeBlocks(type: type, elements: values.count)
        }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeMutableBytes { out in
            let y = out.baseAddress!
            for block in 0..<(values.count / type.blockElements) {
                let x = values.baseAddress! + block * type.blockElements
                let target = y + block * type.blockBytes
                switch type {
                case .f32: target.storeBytes(of: x[0].bitPattern.littleEndian, as: UInt32.self)
                case .f16: target.storeBytes(of: Float16(x[0]).bitPattern.littleEndian, as: UInt16.self)
                case .bf16: target.storeBytes(of: bfloat16Bits(x[0]).littleEndian, as: UInt16.self)
                case .q8_0: q8_0(x, target)
                case .q4_0: q4_0(x, target)
                case .q4_1: q4_1(x, target)
                default: preconditionFailure("checked above")
                }
            }
        }
        return bytes
    }

    /// Round to nearest even on the upper 16 bits; NaN stays a (quiet) NaN.
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 64) }
        return UInt16(truncatingIfNeeded: (bits &+ (0x7FFF &+ ((bits >> 16) & 1))) >> 16)
    }

    @inline(__always)
    private static func storeHalf(_ value: Float, _ y: UnsafeMutableRawPointer, _ offset: Int) {
        y.storeBytes(of: Float16(value).bitPattern.littleEndian, toByteOffset: offset, as: UInt16.self)
    }

    // Q8_0: d = max|x| / 127, q = round(x / d).
    private static func q8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        storeHalf(d, y, 0)
        for j in 0..<32 {
            let q = (x[j] * inverse).rounded()
            y.storeBytes(of: q.isNaN ? 0 : Int8(max(-128, min(127, q))), toByteOffset: 2 + j, as: Int8.self)
        }
    }

    // Q4_0: d = (the signed value of largest magnitude) / −8, q = x / d + 8 in 0...15.
    private static func q4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var amax: Float = 0, extreme: Float = 0
        for j in 0..<32 where abs(x[j]) > amax {
            amax = abs(x[j])
            extreme = x[j]
        }
        let d = extreme / -8
        let inverse: Float = d != 0 ? 1 / d : 0
        storeHalf(d, y, 0)
        for j in 0..<16 {
            let nibbles = nibble(x[j] * inverse + 8.5) | (nibble(x[j + 16] * inverse + 8.5) << 4)
            y.storeBytes(of: nibbles, toByteOffset: 2 + j, as: UInt8.self)
        }
    }

    // Q4_1: m = min x, d = (max − min) / 15, q = (x − m) / d in 0...15.
    private static func q4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var low = Float.greatestFiniteMagnitude, high = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            low = min(low, x[j])
            high = max(high, x[j])
        }
        let d = (high - low) / 15
        let inverse: Float = d != 0 ? 1 / d : 0
        storeHalf(d, y, 0)
        storeHalf(low, y, 2)
        for j in 0..<16 {
            let nibbles = nibble((x[j] - low) * inverse + 0.5) | (nibble((x[j + 16] - low) * inverse + 0.5) << 4)
            y.storeBytes(of: nibbles, toByteOffset: 4 + j, as: UInt8.self)
        }
    }

    /// A 4-bit code: truncated toward zero and capped at 15, as ggml's `MIN(15, (int8_t)v)` for
    /// the values a finite block gives (0 for NaN instead of undefined behaviour).
    @inline(__always)
    private static func nibble(_ value: Float) -> UInt8 {
        value.isNaN ? 0 : UInt8(max(0, min(15, value)))
    }
}
