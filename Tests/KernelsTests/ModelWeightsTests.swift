import Foundation
import Kernels
import ModelFiles
import Testing
import TestSupport

/// The kernels on the embedded model's real weights, against Tests/Fixtures/reference/
/// smollm2-135m-instruct/gguf_facts.json (values from the `gguf` Python package).
@Suite struct ModelWeightsTests {
    struct Facts: Decodable {
        struct TensorFacts: Decodable {
            let type: String
            let numpy_shape: [Int]
            let first16: [Double]
            let row1_first8: [Double]?
            let sum: Double
            let abs_sum: Double
        }
        let tensors: [String: TensorFacts]
    }

    static func facts() throws -> Facts {
        let url = TestFiles.reference("smollm2-135m-instruct/gguf_facts.json")
        return try JSONDecoder().decode(Facts.self, from: Data(contentsOf: url))
    }

    static func load(_ name: String, from gguf: GGUFFile) throws -> WeightMatrix {
        let t = try gguf.requireTensor(name)
        let format = try #require(QuantFormat(ggmlType: t.type.rawValue))
        return try WeightMatrix(quantized: gguf.data(of: t), byteCount: t.byteCount, format: format,
                                rows: t.rowCount, columns: t.rowLength)
    }

    @Test func realTensorsDequantizeToTheReferenceValuesAndSums() throws {
        let gguf = try GGUFFile(path: TestFiles.smolLM2())
        for (name, f) in try Self.facts().tensors where ["Q8_0", "Q4_1"].contains(f.type) {
            let w = try Self.load(name, from: gguf)
            #expect([w.rows, w.columns] == f.numpy_shape, "\(name)")
            let values = w.dequantized()
            #expect(values[0..<16].map(Double.init) == f.first16, "\(name)")
            #expect(values[w.columns..<w.columns + 8].map(Double.init) == (f.row1_first8 ?? []), "\(name)")
            let sum = values.reduce(0.0) { $0 + Double($1) }, absSum = values.reduce(0.0) { $0 + Double(abs($1)) }
            #expect(abs(sum - f.sum) <= 1e-6 * f.abs_sum, "\(name)")
            #expect(abs(absSum - f.abs_sum) <= 1e-9 * f.abs_sum, "\(name)")
        }
    }

    /// Gemma 3's file mixes Q5_0, Q4_K, Q6_K and Q8_0: each is repacked exactly (the scalar
    /// dequantizers' values, bit for bit), and its int8 product on every kernel path stays
    /// within the bound of 8-bit activations.
    @Test func gemmaTensorsOfEveryFormatRepackExactlyAndMultiplyOnEveryPath() throws {
        let gguf = try GGUFFile(path: TestFiles.gemma3())
        var formats: Set<QuantFormat> = []
        for name in ["blk.0.attn_q.weight", "blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.1.ffn_down.weight",
                     "blk.0.attn_v.weight", "blk.1.attn_v.weight"] {
            let t = try gguf.requireTensor(name)
            let w = try Self.load(name, from: gguf)
            formats.insert(w.format)
            let values = try gguf.floats(of: t)
            #expect(w.dequantized().map(\.bitPattern) == values.map(\.bitPattern), "\(name) \(w.format)")

            var rng = SplitMix64(seed: 3)
            let m = 3, n = min(w.rows, 64)
            let x = randomFloats(m * w.columns, rng: &rng)
            let reference = referenceProduct(x, Array(values[0..<(n * w.columns)]), m: m, n: n, k: w.columns)
            let bound = int8ErrorBound(x, Array(values[0..<(n * w.columns)]), m: m, n: n, k: w.columns)
            for path in KernelPath.supported {
                var y = [Float](repeating: .nan, count: m * w.rows)
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer {
                        MatMul(threads: 2, activations: .int8, path: path).multiply(w, x: xp.baseAddress!, rows: m, into: $0.baseAddress!)
                    }
                }
                for i in 0..<m {
                    for j in 0..<n {
                        #expect(abs(Double(y[i * w.rows + j]) - reference[i * n + j]) <= bound[i * n + j], "\(name) \(path) [\(i), \(j)]")
                    }
                }
            }
        }
        #expect(formats == [.q5_0, .q4_K, .q6_K, .q8_0])
    }

    @Test func int8ProductOnRealWeightsHasSubPercentError() throws {
        // x like a normalized hidden state; the error comes from int8 activations only.
        let gguf = try GGUFFile(path: TestFiles.smolLM2())
        for name in ["blk.0.attn_q.weight", "blk.0.ffn_down.weight", "token_embd.weight"] {
            let w = try Self.load(name, from: gguf)
            var rng = SplitMix64(seed: 1)
            let m = 4
            let x = randomFloats(m * w.columns, rng: &rng)
            var y = [Float](repeating: 0, count: m * w.rows)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { MatMul(threads: 2).multiply(w, x: xp.baseAddress!, rows: m, into: $0.baseAddress!) }
            }
            // Reference on the first 512 output rows (double precision, float weights).
            let rows = min(512, w.rows), values = w.dequantized()
            var num = 0.0, den = 0.0
            for i in 0..<m {
                for r in 0..<rows {
                    var s = 0.0
                    for c in 0..<w.columns { s += Double(x[i * w.columns + c]) * Double(values[r * w.columns + c]) }
                    num += (Double(y[i * w.rows + r]) - s) * (Double(y[i * w.rows + r]) - s)
                    den += s * s
                }
            }
            #expect((num / den).squareRoot() < 0.01, "\(name): relative RMS error \((num / den).squareRoot())")
        }
    }
}
