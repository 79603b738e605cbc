import Foundation
import Kernels
import ModelFiles
import Testing

/// Random GGML blocks of `format` with sane fp16 scales (offsets negative for Q4_1, like
/// trained weights; Q4_K's dmin positive, as its value is d·sc·q − dmin·m).
func randomBlocks(_ count: Int, format: QuantFormat, rng: inout SplitMix64) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count * format.blockBytes)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next() >> 24) }
    func setHalf(_ value: Float, at offset: Int) {
        let h = floatToHalf(value)
        bytes[offset] = UInt8(h & 0xff)
        bytes[offset + 1] = UInt8(h >> 8)
    }
    for b in 0..<count {
        let o = b * format.blockBytes
        switch format {
        case .q4_K:  // d and dmin per 256, 6-bit sub-block scales
            setHalf(0.0002 + 0.0004 * rng.nextFloat(), at: o)
            setHalf(0.003 * rng.nextFloat(), at: o + 2)
        case .q6_K:  // int8 sub-block scales, d last
            setHalf(0.0001 + 0.0003 * rng.nextFloat(), at: o + 208)
        default:
            setHalf(0.001 + 0.02 * rng.nextFloat(), at: o)
            if format == .q4_1 { setHalf(-0.15 * rng.nextFloat(), at: o + 2) }
        }
    }
    return bytes
}

func randomFloats(_ count: Int, rng: inout SplitMix64, scale: Float = 1) -> [Float] {
    (0..<count).map { _ in (rng.nextFloat() * 2 - 1) * scale }
}

/// A random matrix and its float values decoded by ModelFiles' scalar `Dequantization` from the
/// GGML bytes (independent of the repacked layout the kernels read).
func randomMatrix(rows: Int, columns: Int, format: QuantFormat, rng: inout SplitMix64) throws -> (WeightMatrix, [Float]) {
    if format == .f32 {
        let values = randomFloats(rows * columns, rng: &rng, scale: 0.1)
        return (try WeightMatrix(f32: values, rows: rows, columns: columns), values)
    }
    let bytes = randomBlocks(rows * columns / format.blockElements, format: format, rng: &rng)
    let type = try #require(GGMLType(rawValue: format.ggmlType))
    let values = try bytes.withUnsafeBytes { try Dequantization.dequantize($0, type: type, count: rows * columns) }
    let w = try bytes.withUnsafeBytes {
        try WeightMatrix(quantized: $0.baseAddress!, byteCount: $0.count, format: format, rows: rows, columns: columns)
    }
    return (w, values)
}

/// y[M, N] = x[M, K] · W[N, K]ᵀ in double precision.
func referenceProduct(_ x: [Float], _ w: [Float], m: Int, n: Int, k: Int) -> [Double] {
    var y = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for l in 0..<k { s += Double(x[i * k + l]) * Double(w[j * k + l]) }
            y[i * n + j] = s
        }
    }
    return y
}

/// The error bound of a product with x quantized to int8 per block of 32:
/// |x − dx·qx| ≤ dx/2 = max|x_block| / 254 per element, so |Δy[i, j]| ≤ Σ_blocks
/// (max|x_block| / 254) · Σ_block |w|, plus float32 rounding (a relative 1e-5 of Σ|x·w|).
func int8ErrorBound(_ x: [Float], _ w: [Float], m: Int, n: Int, k: Int) -> [Double] {
    var bound = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var e = 0.0, mag = 0.0
            for b in 0..<(k / 32) {
                var amax = 0.0, wabs = 0.0
                for l in (b * 32)..<(b * 32 + 32) {
                    amax = max(amax, Double(abs(x[i * k + l])))
                    wabs += Double(abs(w[j * k + l]))
                    mag += Double(abs(x[i * k + l] * w[j * k + l]))
                }
                e += amax / 254 * wabs
            }
            bound[i * n + j] = e + 1e-5 * mag + 1e-6
        }
    }
    return bound
}

/// x with each block of 32 replaced by its int8 approximation dx·round(x/dx), dx = max|x|/127
/// (round half to even), computed here independently of the kernels: the product with these
/// activations is what the int8 path computes, up to float32 rounding.
func int8Activations(_ x: [Float], k: Int) -> [Float] {
    var out = x
    for start in stride(from: 0, to: x.count, by: 32) {
        let block = x[start..<start + 32]
        let d = block.map(abs).max()! / 127
        let id: Float = d != 0 ? 1 / d : 0
        for j in start..<start + 32 { out[j] = d * (x[j] * id).rounded(.toNearestOrEven) }
    }
    return out
}
