import Kernels
import KernelsC
import Testing

/// bfloat16 products: the rounding, and `Gemm.multiply(arithmetic: .bfloat16)` on every path
/// (vdpbf16ps where the CPU has AVX-512 BF16, rounded operands through OpenBLAS elsewhere)
/// against a float64 sum of the rounded operands.
@Suite struct GemmBFloat16Tests {
    /// x rounded to the nearer of its two bfloat16 neighbours by distance, a tie to the one
    /// with an even last bit: written independently of the kernels' add-and-shift.
    static func referenceRounding(_ x: Float) -> Float {
        let bits = x.bitPattern
        let down = Float(bitPattern: bits & 0xffff_0000)
        let up = Float(bitPattern: (bits & 0xffff_0000) &+ 0x1_0000)
        let toDown = abs(Double(x) - Double(down)), toUp = abs(Double(up) - Double(x))
        if toDown != toUp { return toDown < toUp ? down : up }
        return (down.bitPattern >> 16) & 1 == 0 ? down : up
    }

    static func rounded(_ x: [Float]) -> [Float] {
        var y = x
        kc_round_bf16(x, &y, Int64(x.count))
        return y
    }

    @Test func roundingIsToNearestEven() {
        // 1 + 1/256 lies halfway between 1 and 1 + 2/256: to even, 1. 1 + 3/256 lies halfway
        // between 1 + 2/256 (odd) and 1 + 4/256: to 1 + 4/256.
        let ties: [Float] = [1, 1 + 1.0 / 256, 1 + 3.0 / 256, -(1 + 3.0 / 256), 0, -0.0, .infinity]
        let expected: [Float] = [1, 1, 1 + 4.0 / 256, -(1 + 4.0 / 256), 0, -0.0, .infinity]
        #expect(Self.rounded(ties).map(\.bitPattern) == expected.map(\.bitPattern))
        var rng = SplitMix64(seed: 11)
        let values = (0..<20000).map { i in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
            .filter(\.isFinite).filter { abs($0) < 3.3e38 }
        let mine = Self.rounded(values)
        #expect(values.count > 19000)
        #expect(mine == values.map(Self.referenceRounding))
    }

    /// op(A)·op(B) for every transpose combination, with edges in every blocking dimension:
    /// m not a multiple of the 12-row tile, n past one 1536-column block and not a multiple of
    /// the 32-column panel, k odd and past one 1024-deep slice; alpha, beta and a wider C.
    @Test(arguments: KernelPath.supported)
    func bfloat16ProductsMatchTheSumOfRoundedOperands(path: KernelPath) {
        var rng = SplitMix64(seed: 23)
        for (transA, transB, m, n, k) in [(false, true, 37, 45, 67), (false, false, 25, 1601, 35), (true, false, 13, 40, 1051),
                                          (true, true, 70, 33, 9), (false, true, 3, 5, 1)] {
            let a = randomFloats(m * k, rng: &rng), b = randomFloats(k * n, rng: &rng)
            let ldc = n + 3
            let start = randomFloats(m * ldc, rng: &rng)
            let ra = Self.rounded(a), rb = Self.rounded(b)
            // A element (i, p), B element (p, j) as the stored layouts say.
            func aAt(_ x: [Float], _ i: Int, _ p: Int) -> Double { Double(transA ? x[p * m + i] : x[i * k + p]) }
            func bAt(_ x: [Float], _ p: Int, _ j: Int) -> Double { Double(transB ? x[j * k + p] : x[p * n + j]) }
            for threads in [1, 2] {
                var c = start, exact = start
                Gemm.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: transA ? m : k,
                              b: b, ldb: transB ? k : n, beta: -2, c: &c, ldc: ldc, threads: threads, arithmetic: .bfloat16, path: path)
                Gemm.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: transA ? m : k,
                              b: b, ldb: transB ? k : n, beta: -2, c: &exact, ldc: ldc, threads: threads, path: path)
                var worst = 0.0, roundingMoved = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let product = aAt(ra, i, p) * bAt(rb, p, j)
                            sum += product
                            magnitude += abs(product)
                        }
                        let reference = 0.5 * sum - 2 * Double(start[i * ldc + j])
                        let error = abs(Double(c[i * ldc + j]) - reference) / (1e-6 * magnitude + 1e-6)
                        worst = max(worst, error)
                        roundingMoved = max(roundingMoved, abs(Double(c[i * ldc + j]) - Double(exact[i * ldc + j])))
                    }
                    // Columns past n are not C's: untouched.
                    for j in n..<ldc { #expect(c[i * ldc + j] == start[i * ldc + j]) }
                }
                #expect(worst < 1, "\(path) \(transA) \(transB) \(m)x\(n)x\(k), \(threads) threads: error \(worst) x 1e-6 of sum |a·b|")
                // The operands really were rounded (bfloat16 keeps 8 significant bits).
                if k > 8 { #expect(roundingMoved > 1e-4, "\(path) \(m)x\(n)x\(k): bfloat16 result equals float32's") }
            }
        }
    }

    @Test func nativeOnlyWhereTheCPUHasAVX512BF16() {
        let hasBF16 = CPUFeatures.current.names.contains("avx512bf16")
        #expect(GemmArithmetic.isNative(.bfloat16, on: .avx512) == (hasBF16 && KernelPath.avx512.isSupported))
        #expect(!GemmArithmetic.isNative(.bfloat16, on: .avx2))
        #expect(!GemmArithmetic.isNative(.bfloat16, on: .portable))
        #expect(GemmArithmetic.fastest(on: .avx2) == .float32)
        // Asked for a path without it, the kernel refuses instead of computing something else.
        var c: [Float] = [0]
        #expect(kc_gemm_bf16(KC_PATH_AVX2, 1, 1, 1, 1, [1], 1, 1, [1], 1, 1, 0, &c, 1) == -1)
    }
}
