import Kernels
import KernelsC
import Testing

@Suite struct MatMulTests {
    /// (N, K, M): odd block counts, tails of the 4-row tiles, M = 1, 3, 8, 64 (sgemm path), 65.
    static let shapes: [(Int, Int, Int)] = [(5, 32, 1), (7, 96, 3), (33, 160, 8), (64, 576, 1), (70, 576, 64), (130, 64, 65), (9, 1536, 5)]
    /// The same cases for K-quants, whose rows are whole 256-element super-blocks.
    static let superBlockShapes: [(Int, Int, Int)] = [(5, 256, 1), (7, 512, 3), (33, 256, 8), (64, 768, 1), (70, 512, 64), (130, 256, 65), (9, 1536, 5)]

    static func shapes(_ format: QuantFormat) -> [(Int, Int, Int)] { format.blockElements == 256 ? superBlockShapes : shapes }

    /// Every block format the int8 kernels read.
    static let blockFormats: [QuantFormat] = [.q4_1, .q8_0, .q4_0, .q5_0, .q4_K, .q6_K]

    static func check(_ format: QuantFormat, n: Int, k: Int, m: Int, threads: Int, sgemmMinRows: Int, seed: UInt64,
                      path: KernelPath = .active) throws {
        var rng = SplitMix64(seed: seed)
        let (w, values) = try randomMatrix(rows: n, columns: k, format: format, rng: &rng)
        let x = randomFloats(m * k, rng: &rng)
        var y = [Float](repeating: .nan, count: m * n)
        let mm = MatMul(threads: threads, sgemmMinRows: sgemmMinRows, path: path)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { mm.multiply(w, x: xp.baseAddress!, rows: m, into: $0.baseAddress!) }
        }
        let ref = referenceProduct(x, values, m: m, n: n, k: k)
        // int8 activations apply to quantized matrices below sgemmMinRows; otherwise only
        // float32 rounding.
        let int8 = format != .f32 && m < mm.sgemmMinRows
        let bound = int8 ? int8ErrorBound(x, values, m: m, n: n, k: k)
            : int8ErrorBound(x, values, m: m, n: n, k: k).indices.map { _ in 0.0 }
        var worst = 0.0
        for i in 0..<(m * n) {
            let mag = (0..<k).reduce(0.0) { $0 + Double(abs(x[i / n * k + $1] * values[i % n * k + $1])) }
            let tol = int8 ? bound[i] : 1e-5 * mag + 1e-6
            worst = max(worst, abs(Double(y[i]) - ref[i]) / tol)
        }
        #expect(worst <= 1, "\(format) N=\(n) K=\(k) M=\(m) T=\(threads) sgemm from \(sgemmMinRows) \(path): error/tolerance = \(worst)")
    }

    @Test(arguments: blockFormats + [.f32])
    func productMatchesDoublePrecisionReferenceWithinQuantizationBound(_ format: QuantFormat) throws {
        for path in KernelPath.supported {
            for (i, (n, k, m)) in Self.shapes(format).enumerated() {
                try Self.check(format, n: n, k: k, m: m, threads: 2, sgemmMinRows: MatMul.defaultSgemmMinRows, seed: UInt64(i + 1), path: path)
            }
        }
    }

    @Test(arguments: blockFormats)
    func float32PanelPathMatchesReferenceToRounding(_ format: QuantFormat) throws {
        // sgemmMinRows 0: quantized weights dequantized in 64-row panels, float32 activations.
        for path in KernelPath.supported {
            for (i, (n, k, m)) in Self.shapes(format).enumerated() {
                try Self.check(format, n: n, k: k, m: m, threads: 2, sgemmMinRows: 0, seed: UInt64(i + 20), path: path)
            }
        }
    }

    @Test(arguments: blockFormats)
    func int8PathEqualsProductWithInt8ActivationsToRounding(_ format: QuantFormat) throws {
        // Pins the kernel arithmetic tightly (the bound above is a worst case), on every path.
        for path in KernelPath.supported {
            for (i, (n, k, m)) in Self.shapes(format).enumerated() {
                var rng = SplitMix64(seed: UInt64(40 + i))
                let (w, values) = try randomMatrix(rows: n, columns: k, format: format, rng: &rng)
                let x = randomFloats(m * k, rng: &rng)
                var y = [Float](repeating: .nan, count: m * n)
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { MatMul(threads: 2, path: path).multiply(w, x: xp.baseAddress!, rows: m, into: $0.baseAddress!) }
                }
                let xq = int8Activations(x, k: k)
                let ref = referenceProduct(xq, values, m: m, n: n, k: k)
                for idx in 0..<(m * n) {
                    let mag = (0..<k).reduce(0.0) { $0 + Double(abs(xq[idx / n * k + $1] * values[idx % n * k + $1])) }
                    #expect(abs(Double(y[idx]) - ref[idx]) <= 2e-6 * mag + 1e-6, "\(format) \(path) N=\(n) K=\(k) M=\(m) at \(idx)")
                }
            }
        }
    }

    @Test func int8ErrorStaysWellInsideTheBoundOnSmolLMShapes() throws {
        // Relative error of the int8 path on a 576-input layer, as a number to compare with
        // llama.cpp's ~0.6 %: the worst output is within the bound and the typical one far below.
        var rng = SplitMix64(seed: 99)
        let (w, values) = try randomMatrix(rows: 64, columns: 576, format: .q4_1, rng: &rng)
        let x = randomFloats(576, rng: &rng)
        var y = [Float](repeating: 0, count: 64)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { MatMul(threads: 1).multiply(w, x: xp.baseAddress!, rows: 1, into: $0.baseAddress!) }
        }
        let ref = referenceProduct(x, values, m: 1, n: 64, k: 576)
        let num = zip(y, ref).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) }
        let den = ref.reduce(0.0) { $0 + $1 * $1 }
        #expect((num / den).squareRoot() < 0.01)
    }

    @Test(arguments: [(1, Int.max), (3, Int.max), (8, Int.max), (64, Int.max), (3, 0), (64, 0)])
    func multiThreadedResultEqualsSingleThreaded(_ m: Int, _ sgemmMinRows: Int) throws {
        for path in KernelPath.supported { try multiThreadedResultEqualsSingleThreaded(m, sgemmMinRows, path: path) }
    }

    func multiThreadedResultEqualsSingleThreaded(_ m: Int, _ sgemmMinRows: Int, path: KernelPath) throws {
        var rng = SplitMix64(seed: 7)
        let (a, _) = try randomMatrix(rows: 100, columns: 192, format: .q4_1, rng: &rng)
        let (b, _) = try randomMatrix(rows: 37, columns: 192, format: .q8_0, rng: &rng)
        let x = randomFloats(m * 192, rng: &rng)
        func run(_ threads: Int) -> [[Float]] {
            var ya = [Float](repeating: 0, count: m * 100), yb = [Float](repeating: 0, count: m * 37)
            x.withUnsafeBufferPointer { xp in
                ya.withUnsafeMutableBufferPointer { pa in
                    yb.withUnsafeMutableBufferPointer { pb in
                        MatMul(threads: threads, sgemmMinRows: sgemmMinRows, path: path).multiply([a, b], x: xp.baseAddress!, rows: m,
                                                          into: [pa.baseAddress!, pb.baseAddress!])
                    }
                }
            }
            return [ya, yb]
        }
        // The int8 path computes every output with the same instruction sequence whatever the
        // split: bitwise equal. The sgemm path goes through OpenBLAS edge kernels that depend on
        // the panel boundaries: equal to float32 rounding.
        let one = run(1)
        for threads in [2, 3] {
            let other = run(threads)
            if m < sgemmMinRows {
                #expect(other == one)
            } else {
                for (a, b) in zip(one.joined(), other.joined()) { #expect(abs(a - b) <= 1e-6 * max(1, abs(a))) }
            }
        }
    }

    @Test func fusedMatricesGiveTheSameOutputsAsSeparateCalls() throws {
        var rng = SplitMix64(seed: 11)
        let ws = try [(96, .q4_1), (32, .q4_1), (32, .f32)].map { (n: Int, f: QuantFormat) in
            try randomMatrix(rows: n, columns: 128, format: f, rng: &rng).0
        }
        let m = 3
        let x = randomFloats(m * 128, rng: &rng)
        let mm = MatMul(threads: 2)
        let fused = ws.map { UnsafeMutablePointer<Float>.allocate(capacity: m * $0.rows) }
        let single = ws.map { UnsafeMutablePointer<Float>.allocate(capacity: m * $0.rows) }
        defer { (fused + single).forEach { $0.deallocate() } }
        x.withUnsafeBufferPointer { xp in
            mm.multiply(ws, x: xp.baseAddress!, rows: m, into: fused)
            for (w, y) in zip(ws, single) { mm.multiply(w, x: xp.baseAddress!, rows: m, into: y) }
        }
        for (w, (f, s)) in zip(ws, zip(fused, single)) {
            #expect(Array(UnsafeBufferPointer(start: f, count: m * w.rows)) == Array(UnsafeBufferPointer(start: s, count: m * w.rows)))
        }
    }

    @Test(arguments: blockFormats)
    func everyKernelPathAgreesWithThePortableOne(_ format: QuantFormat) throws {
        var rng = SplitMix64(seed: 5)
        let k = format.blockElements == 256 ? 512 : 224, nb = k / 32, m = 6
        let (w, _) = try randomMatrix(rows: 23, columns: k, format: format, rng: &rng)
        let packed = try #require(w.packedWeights)
        // An outlier per block, as real activations have, so that every scale differs.
        var x = randomFloats(m * k, rng: &rng)
        for i in Swift.stride(from: 5, to: x.count, by: 32) { x[i] *= 9 }
        func run(_ path: KernelPath) -> (codes: [Int8], scales: [Float], sums: [Float], halves: [Int16], y: [Float]) {
            var q = [Int8](repeating: 0, count: m * k), d = [Float](repeating: 0, count: m * nb)
            var s = [Float](repeating: 0, count: m * nb), h = [Int16](repeating: 0, count: 2 * m * nb)
            var y = [Float](repeating: .nan, count: m * 23)
            q.withUnsafeMutableBufferPointer { qp in
                d.withUnsafeMutableBufferPointer { dp in
                    s.withUnsafeMutableBufferPointer { sp in
                        h.withUnsafeMutableBufferPointer { hp in
                            var a = kc_qactivations(q: qp.baseAddress!, d: dp.baseAddress!, s: sp.baseAddress!, h: hp.baseAddress!, k: Int32(k))
                            kc_quantize_activations(path.raw, x, Int32(m), Int32(k), Int64(k), &a)
                            var wp = packed
                            kc_qgemm(path.raw, &wp, 0, 23, &a, Int32(m), &y, 23)
                        }
                    }
                }
            }
            return (q, d, s, h, y)
        }
        let portable = run(.portable)
        // The half sums are the codes' (Q6_K's half-block scales need them).
        for block in 0..<(m * nb) {
            let codes = portable.codes[(32 * block)..<(32 * block + 32)].map(Int.init)
            #expect(Int(portable.halves[2 * block]) == codes.prefix(16).reduce(0, +))
            #expect(Int(portable.halves[2 * block + 1]) == codes.suffix(16).reduce(0, +))
        }
        for path in KernelPath.supported where path != .portable {
            let other = run(path)
            // Activation quantization is exact arithmetic: the same codes and scales.
            #expect(other.codes == portable.codes, "\(path) codes")
            #expect(other.scales == portable.scales, "\(path) scales")
            #expect(other.sums == portable.sums, "\(path) sums")
            #expect(other.halves == portable.halves, "\(path) half sums")
            // Integer block sums are exact; only the float accumulation order differs.
            for (f, p) in zip(other.y, portable.y) { #expect(abs(f - p) <= 1e-5 * max(1, abs(p)), "\(path) \(format)") }
        }
    }

    @Test func everyKernelPathFindsTheMaximum() {
        var rng = SplitMix64(seed: 6)
        for n in [0, 1, 7, 8, 15, 16, 17, 100, 1000] {
            let x = randomFloats(n, rng: &rng)
            for path in KernelPath.supported {
                #expect(x.withUnsafeBufferPointer { kc_max(path.raw, $0.baseAddress, Int64(n)) } == (x.max() ?? -.infinity), "\(path) n=\(n)")
            }
        }
    }

    @Test func kernelPathsFollowTheCPUFeatures() throws {
        let features = CPUFeatures.current.names
        #expect(KernelPath.supported.contains(.portable))
        #expect(KernelPath.best.isSupported && KernelPath.active.isSupported)
        #expect(KernelPath.avx2.isSupported == ["avx2", "fma", "f16c"].allSatisfy(features.contains))
        #expect(KernelPath.avx512.isSupported == ["avx2", "avx512f", "avx512bw", "avx512vl", "avx512vnni"].allSatisfy(features.contains))
        #expect(KernelPath.best == KernelPath.supported.last)
        for path in KernelPath.allCases where !path.isSupported {
            #expect(throws: KernelsError.self) { try KernelPath.activate(path) }
        }
    }

    /// The three products of a linear layer (forward, input gradient, weight gradient) through
    /// `Gemm`, each with one dimension large enough to be split over two threads.
    @Test(arguments: [1, 2])
    func gemmMatchesReferenceProducts(threads: Int) {
        var rng = SplitMix64(seed: 4)
        let (m, n, k) = (7, 145, 133)
        let x = randomFloats(m * k, rng: &rng), w = randomFloats(n * k, rng: &rng), dy = randomFloats(m * n, rng: &rng)
        var y = [Float](repeating: 0, count: m * n), dx = [Float](repeating: 1, count: m * k)
        var dw = [Float](repeating: 0.5, count: n * k)
        // y = x·Wᵀ;  dx = 2·dy·W − dx (alpha, beta);  dW += dyᵀ·x
        Gemm.multiply(transA: false, transB: true, m: m, n: n, k: k, a: x, lda: k, b: w, ldb: k, beta: 0, c: &y, ldc: n, threads: threads)
        Gemm.multiply(transA: false, transB: false, m: m, n: k, k: n, alpha: 2, a: dy, lda: n, b: w, ldb: k, beta: -1, c: &dx,
                      ldc: k, threads: threads)
        Gemm.multiply(transA: true, transB: false, m: n, n: k, k: m, a: dy, lda: n, b: x, ldb: k, beta: 1, c: &dw, ldc: k,
                      threads: threads)
        for i in 0..<m {
            for j in 0..<n {
                let ref = (0..<k).reduce(0.0) { $0 + Double(x[i * k + $1]) * Double(w[j * k + $1]) }
                #expect(abs(Double(y[i * n + j]) - ref) < 1e-4)
            }
            for j in 0..<k {
                let ref = 2 * (0..<n).reduce(0.0) { $0 + Double(dy[i * n + $1]) * Double(w[$1 * k + j]) } - 1
                #expect(abs(Double(dx[i * k + j]) - ref) < 1e-4)
            }
        }
        for j in 0..<n {
            for l in 0..<k {
                let ref = 0.5 + (0..<m).reduce(0.0) { $0 + Double(dy[$1 * n + j]) * Double(x[$1 * k + l]) }
                #expect(abs(Double(dw[j * k + l]) - ref) < 1e-4)
            }
        }
    }
}
