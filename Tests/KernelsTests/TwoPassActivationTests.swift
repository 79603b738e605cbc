import Kernels
import Testing

/// `MatMul.ActivationQuantization.twoPassInt8`: the residual of the int8 activations quantized
/// again, for the engine's rows with outliers.
@Suite struct TwoPassActivationTests {
    /// Activations like SmolLM2's hidden states: mostly small, with one large outlier per block.
    static func outlierActivations(_ m: Int, _ k: Int, rng: inout SplitMix64) -> [Float] {
        var x = randomFloats(m * k, rng: &rng, scale: 0.5)
        for start in stride(from: 0, to: m * k, by: 32) { x[start + Int(rng.next() % 32)] = 60 }
        return x
    }

    /// A random N×K matrix of `format`, its float values, and M rows of outlier activations.
    static func problem(_ format: QuantFormat, n: Int, k: Int, m: Int, seed: UInt64) throws -> (WeightMatrix, [Float], [Float]) {
        var rng = SplitMix64(seed: seed)
        let (w, values) = try randomMatrix(rows: n, columns: k, format: format, rng: &rng)
        return (w, values, outlierActivations(m, k, rng: &rng))
    }

    static func product(_ w: WeightMatrix, _ x: [Float], m: Int, activations: MatMul.ActivationQuantization, threads: Int = 2,
                        path: KernelPath = .active) -> [Float] {
        var y = [Float](repeating: .nan, count: m * w.rows)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer {
                MatMul(threads: threads, activations: activations, path: path).multiply(w, x: xp.baseAddress!, rows: m, into: $0.baseAddress!)
            }
        }
        return y
    }

    @Test(arguments: [QuantFormat.q4_1, .q8_0])
    func twoPassesCutTheErrorOfOutlierBlocksByOverTwoOrders(_ format: QuantFormat) throws {
        let (n, k, m) = (48, 576, 3)
        let (w, values, x) = try Self.problem(format, n: n, k: k, m: m, seed: 7)
        let ref = referenceProduct(x, values, m: m, n: n, k: k)
        func rmsError(_ y: [Float]) -> Double {
            (zip(y, ref).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) } / Double(y.count)).squareRoot()
        }
        let one = rmsError(Self.product(w, x, m: m, activations: .int8))
        let two = rmsError(Self.product(w, x, m: m, activations: .twoPassInt8))
        #expect(two * 100 < one, "one pass: RMS error \(one), two passes: \(two)")
    }

    /// On every kernel path and block format (the AVX2 path runs 8-bit codes for one row with
    /// another scheme than for several, whose sums must be the same integers).
    @Test(arguments: [QuantFormat.q4_1, .q8_0, .q5_0, .q4_K, .q6_K])
    func eachRowIsBitwiseTheSameAloneInAnyBatchAndOnAnyThreadCount(_ format: QuantFormat) throws {
        let (n, k, m) = (70, format.blockElements == 256 ? 256 : 160, 11)
        let (w, _, x) = try Self.problem(format, n: n, k: k, m: m, seed: 11)
        for path in KernelPath.supported {
            for activations in [MatMul.ActivationQuantization.int8, .twoPassInt8] {
                let batch = Self.product(w, x, m: m, activations: activations, path: path)
                let oneThread = Self.product(w, x, m: m, activations: activations, threads: 1, path: path)
                #expect(batch == oneThread, "\(path) \(activations): threads changed the result")
                for i in 0..<m {
                    let alone = Self.product(w, Array(x[(i * k)..<((i + 1) * k)]), m: 1, activations: activations, path: path)
                    #expect(Array(batch[(i * n)..<((i + 1) * n)]) == alone, "\(path) \(activations) row \(i)")
                }
            }
        }
    }

    @Test func stackedOutputsLieSideBySideWithTheGivenStride() throws {
        var rng = SplitMix64(seed: 3)
        let (k, m, stride) = (96, 5, 40)
        let (a, _) = try randomMatrix(rows: 16, columns: k, format: .q4_1, rng: &rng)
        let (b, _) = try randomMatrix(rows: 9, columns: k, format: .q8_0, rng: &rng)
        let x = randomFloats(m * k, rng: &rng)
        var y = [Float](repeating: -1, count: m * stride)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer {
                MatMul(threads: 2, activations: .twoPassInt8).multiply([a, b], x: xp.baseAddress!, rows: m, into: $0.baseAddress!, stride: stride)
            }
        }
        let ya = Self.product(a, x, m: m, activations: .twoPassInt8), yb = Self.product(b, x, m: m, activations: .twoPassInt8)
        for i in 0..<m {
            #expect(Array(y[(i * stride)..<(i * stride + 16)]) == Array(ya[(i * 16)..<((i + 1) * 16)]))
            #expect(Array(y[(i * stride + 16)..<(i * stride + 25)]) == Array(yb[(i * 9)..<((i + 1) * 9)]))
            #expect(y[(i * stride + 25)..<((i + 1) * stride)].allSatisfy { $0 == -1 }, "row \(i): columns past the outputs untouched")
        }
    }
}
