import Foundation
import ModelFiles
import Testing
import TestSupport

/// The encoders round like ggml's reference quantizers: blocks that ggml wrote come back
/// byte for byte after dequantization, and float encodings round to nearest even.
@Suite struct QuantizationTests {
    /// Every Q4_1 and Q8_0 tensor of the real SmolLM2 file (written by llama.cpp's quantizer),
    /// dequantized and encoded again, is the file's bytes.
    @Test func theModelFilesQuantizedTensorsEncodeBackToTheirBytes() throws {
        let file = try GGUFFile(path: TestFiles.smolLM2())
        var checked: [GGMLType: Int] = [:]
        for tensor in file.tensors where tensor.type == .q4_1 || tensor.type == .q8_0 {
            let values = try file.floats(of: tensor)
            let encoded = try values.withUnsafeBufferPointer { try Quantization.encode($0, as: tensor.type) }
            let original = UnsafeRawBufferPointer(start: file.data(of: tensor), count: tensor.byteCount)
            #expect(encoded.elementsEqual(original), "\(tensor.name) (\(tensor.type)) does not encode back to its bytes")
            checked[tensor.type, default: 0] += 1
        }
        #expect(checked[.q4_1] == 210 && checked[.q8_0] == 1)
    }

    @Test func quantizedBlocksStayWithinHalfAStepOfTheValues() throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<4096).map { _ in Float.random(in: -0.3...0.5, using: &generator) }
        for type in [GGMLType.q8_0, .q4_0, .q4_1] {
            let encoded = try values.withUnsafeBufferPointer { try Quantization.encode($0, as: type) }
            #expect(encoded.count == type.byteCount(elements: values.count))
            let decoded = try encoded.withUnsafeBytes { try Dequantization.dequantize($0, type: type, count: values.count) }
            for block in stride(from: 0, to: values.count, by: 32) {
                let slice = values[block..<(block + 32)]
                let largest: Float = slice.map { abs($0) }.max()!
                let range: Float = type == .q4_1 ? slice.max()! - slice.min()! : 2 * largest
                let levels: Float = type == .q8_0 ? 254 : 15
                // Half a step, plus the float16 rounding of the scale and minimum.
                let bound: Float = range / levels * 0.5 + 0.01 * range
                var worst: Float = 0
                for (value, got) in zip(slice, decoded[block..<(block + 32)]) { worst = max(worst, abs(value - got)) }
                #expect(worst <= bound, "\(type) block \(block / 32): error \(worst) > \(bound)")
            }
        }
    }

    @Test func floatEncodingsRoundToNearestEven() throws {
        // 1 + 2^-8 lies halfway between two bfloat16 values: it rounds to the even one, 1.0;
        // 1 + 3·2^-8 rounds up to 1 + 2^-6; 1 + 2^-11 is the same tie for float16.
        let values: [Float] = [1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-11, -2.5, .infinity]
        let bf16 = try values.withUnsafeBufferPointer { try Quantization.encode($0, as: .bf16) }
        let bfloats = try bf16.withUnsafeBytes { try Dequantization.dequantize($0, type: .bf16, count: values.count) }
        let bfloatsExpected: [Float] = [1, 1 + 0x1p-6, 1, -2.5, .infinity]
        #expect(bfloats == bfloatsExpected)
        let f16 = try values.withUnsafeBufferPointer { try Quantization.encode($0, as: .f16) }
        let halves = try f16.withUnsafeBytes { try Dequantization.dequantize($0, type: .f16, count: values.count) }
        let halvesExpected: [Float] = [1 + 0x1p-8, 1 + 3 * 0x1p-8, 1, -2.5, .infinity]
        #expect(halves == halvesExpected)
        let nan = try [Float.nan].withUnsafeBufferPointer { try Quantization.encode($0, as: .bf16) }
        #expect(try nan.withUnsafeBytes { try Dequantization.dequantize($0, type: .bf16, count: 1) }[0].isNaN)
    }

    @Test func partialBlocksAndUnencodableTypesAreRefused() {
        let values = [Float](repeating: 1, count: 40)
        #expect(throws: Quantization.Failure.notWholeBlocks(type: .q8_0, elements: 40)) {
            try values.withUnsafeBufferPointer { try Quantization.encode($0, as: .q8_0) }
        }
        #expect(throws: Quantization.Failure.unsupportedType(.q4_K)) {
            try values.withUnsafeBufferPointer { try Quantization.encode($0, as: .q4_K) }
        }
    }
}
