import Foundation
import Kernels
import Testing
import TestSupport

/// Tests/Fixtures/reference/dequantization.json, written by the `gguf` Python package.
struct DequantizationReference: Decodable {
    struct Case: Decodable {
        let type: String
        let block_elements: Int
        let block_bytes: Int
        let blocks: Int
        let bytes_b64: String
        let values: [Float]
    }
    let cases: [Case]

    static func load() throws -> DequantizationReference {
        let url = TestFiles.reference("dequantization.json")
        return try JSONDecoder().decode(DequantizationReference.self, from: Data(contentsOf: url))
    }
}

@Suite struct DequantizationTests {
    static let formats: [(String, QuantFormat)] = [("Q8_0", .q8_0), ("Q4_0", .q4_0), ("Q4_1", .q4_1), ("Q5_0", .q5_0),
                                                   ("Q4_K", .q4_K), ("Q6_K", .q6_K), ("F16", .f16), ("BF16", .bf16)]

    @Test(arguments: formats.map(\.0))
    func blockDecodingMatchesGGUFPythonPackageExactly(_ type: String) throws {
        let format = Self.formats.first { $0.0 == type }!.1
        let ref = try #require(try DequantizationReference.load().cases.first { $0.type == type })
        let bytes = try #require(Data(base64Encoded: ref.bytes_b64))
        #expect(ref.block_bytes == format.blockBytes)
        #expect(bytes.count == ref.blocks * format.blockBytes)
        var out = [Float](repeating: .nan, count: ref.values.count)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { format.dequantize(raw.baseAddress!, count: ref.values.count, into: $0.baseAddress!) }
        }
        #expect(out == ref.values)
    }

    @Test func ggmlTypeIdsMapToFormats() {
        #expect(QuantFormat(ggmlType: 3) == .q4_1)
        #expect(QuantFormat(ggmlType: 8) == .q8_0)
        #expect(QuantFormat(ggmlType: 30) == .bf16)
        #expect(QuantFormat(ggmlType: 12) == .q4_K && QuantFormat(ggmlType: 14) == .q6_K && QuantFormat(ggmlType: 6) == .q5_0)
        #expect(QuantFormat(ggmlType: 7) == nil)  // Q5_1: re-encoded as Q8_0 at load
    }

    @Test(arguments: formats.map(\.0))
    func repackedMatrixRowsDecodeToTheReferenceValues(_ type: String) throws {
        let format = Self.formats.first { $0.0 == type }!.1
        let ref = try #require(try DequantizationReference.load().cases.first { $0.type == type })
        let bytes = try #require(Data(base64Encoded: ref.bytes_b64))
        // As one row of all blocks, and as one row per block.
        let n = ref.values.count
        for (rows, columns) in [(1, n), (ref.blocks, n / ref.blocks)] {
            let w = try bytes.withUnsafeBytes {
                try WeightMatrix(quantized: $0.baseAddress!, byteCount: $0.count, format: format, rows: rows, columns: columns)
            }
            #expect(w.dequantized() == ref.values)
            var row = [Float](repeating: .nan, count: columns)
            row.withUnsafeMutableBufferPointer { w.dequantizeRow(rows - 1, into: $0.baseAddress!) }
            #expect(row == Array(ref.values[(rows - 1) * columns..<rows * columns]))
        }
    }

    @Test func halfConversionRoundTripsAndRoundsToNearestEven() {
        for bits in stride(from: 0, through: 0x7bff, by: 7).map(UInt16.init) {
            #expect(floatToHalf(halfToFloat(bits)) == bits)
            #expect(floatToHalf(-halfToFloat(bits)) == bits | 0x8000)
        }
        #expect(halfToFloat(0x3c00) == 1)
        #expect(halfToFloat(0x0001) == 5.9604645e-8)
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
        #expect(floatToHalf(1 + 0x1p-11) == 0x3c00)
        #expect(floatToHalf(1 + 3 * 0x1p-11) == 0x3c02)
        #expect(floatToHalf(1e6) == 0x7c00)
    }

    @Test func quantizedMatrixWithUnalignedColumnsIsRefused() {
        let bytes = [UInt8](repeating: 0, count: 64)
        #expect(throws: KernelsError.columnsNotBlockAligned(columns: 40, format: .q4_1)) {
            try bytes.withUnsafeBytes {
                try WeightMatrix(quantized: $0.baseAddress!, byteCount: 64, format: .q4_1, rows: 1, columns: 40)
            }
        }
        #expect(throws: KernelsError.bufferTooSmall(needed: 40, got: 20)) {
            try bytes.withUnsafeBytes {
                try WeightMatrix(quantized: $0.baseAddress!, byteCount: 20, format: .q4_1, rows: 2, columns: 32)
            }
        }
    }
}
