import Foundation
import Kernels
import KernelsC
import Testing

@Suite struct RowOpsTests {
    static let sizes = [1, 15, 16, 37, 576]

    @Test(arguments: sizes)
    func dotAndAxpyMatchScalarLoops(_ n: Int) {
        var rng = SplitMix64(seed: UInt64(n))
        let a = randomFloats(n, rng: &rng), b = randomFloats(n, rng: &rng)
        let ref = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(Double(RowOps.dot(a, b, count: n)) - ref) < 1e-5 * Double(n))
        var y = b
        RowOps.addScaled(a, by: 0.5, into: &y, count: n)
        for i in 0..<n { #expect(abs(y[i] - (b[i] + 0.5 * a[i])) < 1e-6) }
    }

    @Test(arguments: sizes)
    func rmsNormMatchesFormula(_ n: Int) {
        var rng = SplitMix64(seed: 10 + UInt64(n))
        let x = randomFloats(2 * n, rng: &rng, scale: 3), w = randomFloats(n, rng: &rng)
        var out = [Float](repeating: 0, count: 2 * n)
        RowOps.rmsNorm(x, weight: w, into: &out, rows: 2, count: n)
        for r in 0..<2 {
            let ms = (0..<n).reduce(0.0) { $0 + Double(x[r * n + $1] * x[r * n + $1]) } / Double(n)
            for i in 0..<n {
                let ref = Double(x[r * n + i]) / (ms + 1e-5).squareRoot() * Double(w[i])
                #expect(abs(Double(out[r * n + i]) - ref) < 1e-5 * max(1, abs(ref)))
            }
        }
    }

    @Test func softmaxIsStableForLargeLogitsAndSumsToOne() {
        // 21 values: one SIMD16 pass plus a scalar tail.
        let logits: [Float] = [1000, 999, 998, -1000, 1000] + (0..<16).map { Float($0) * 7 - 60 + 1000 }
        var x = logits
        RowOps.softmax(&x, count: x.count)
        let e = logits.map { Foundation.exp(Double($0) - 1045) }, z = e.reduce(0, +)
        for i in x.indices { #expect(abs(Double(x[i]) - e[i] / z) < 1e-6) }
        #expect(abs(x.reduce(0, +) - 1) < 1e-5)
    }

    @Test(arguments: sizes)
    func siluSwigluAddScaleMatchScalarFormulas(_ n: Int) {
        var rng = SplitMix64(seed: 20 + UInt64(n))
        let g = randomFloats(n, rng: &rng, scale: 8), u = randomFloats(n, rng: &rng)
        var s = g
        RowOps.silu(&s, count: n)
        var sw = [Float](repeating: 0, count: n)
        RowOps.swiglu(gate: g, up: u, into: &sw, count: n)
        var sum = [Float](repeating: 0, count: n)
        RowOps.add(g, u, into: &sum, count: n)
        var scaled = u
        RowOps.scale(&scaled, by: -3, count: n)
        for i in 0..<n {
            let silu = Double(g[i]) / (1 + exp(-Double(g[i])))
            #expect(abs(Double(s[i]) - silu) < 1e-5 * max(1, abs(silu)))
            #expect(abs(Double(sw[i]) - silu * Double(u[i])) < 1e-5 * max(1, abs(silu)))
            #expect(sum[i] == g[i] + u[i])
            #expect(scaled[i] == u[i] * -3)
        }
    }

    /// The e^x row ops of every kernel path this CPU runs: within 1e-6 of Foundation's exp across
    /// the range (vector lanes and scalar tails), finite at the clamps, and bitwise equal to the
    /// portable path's values, since every path runs the same steps per element.
    @Test func exponentialRowOpsAgreeOnEveryPathAndMatchFoundation() {
        // 16 · 476 + 5 values from −87 to 87.5: every path's vectors and a tail; then the clamps.
        let x: [Float] = (0..<(16 * 476 + 5)).map { -87 + Float($0) * 0.0229 } + [-1000, 1000]
        let n = x.count
        var reference: (exp: [Float], silu: [Float], swiglu: [Float], dg: [Float], du: [Float])?
        for path in KernelPath.supported {
            var e = [Float](repeating: 0, count: n)
            _ = kc_exp_sum(path.raw, x, 0, 1, &e, Int64(n))
            var worst: Float = 0
            for i in 0..<(n - 2) { worst = max(worst, abs(e[i] - Foundation.exp(x[i])) / Foundation.exp(x[i])) }
            #expect(worst < 1e-6, "\(path): relative error \(worst)")
            #expect(e[n - 2] >= 0 && e[n - 1].isFinite, "\(path)")
            // The sum, as softmax and logsumexp use it (shifted by the maximum), with no terms kept.
            let total = kc_exp_sum(path.raw, x, 87.5, 0.5, nil, Int64(n - 2))
            let exact = x.prefix(n - 2).reduce(0.0) { $0 + Foundation.exp((Double($1) - 87.5) * 0.5) }
            #expect(abs(total - exact) <= 1e-6 * exact, "\(path): sum \(total) vs \(exact)")
            // SiLU, SwiGLU and its backward on values in the range a gate sees.
            let g = x.map { $0 / 8 }, u = x.map { Foundation.sin($0) }, d = x.map { Foundation.cos($0) }
            var silu = g
            kc_silu(path.raw, &silu, Int64(n))
            var swiglu = [Float](repeating: 0, count: n), dg = swiglu, du = swiglu
            kc_swiglu(path.raw, g, u, &swiglu, Int64(n))
            kc_swiglu_backward(path.raw, g, u, d, &dg, &du, Int64(n))
            for i in 0..<n {
                let s = 1 / (1 + Foundation.exp(-Double(g[i])))
                #expect(abs(Double(silu[i]) - Double(g[i]) * s) <= 1e-5 * max(1, abs(Double(g[i]) * s)), "\(path) \(i)")
                #expect(abs(Double(du[i]) - Double(d[i]) * Double(g[i]) * s) <= 1e-5 * max(1, abs(Double(g[i]))), "\(path) \(i)")
            }
            if let reference {
                #expect(e == reference.exp && silu == reference.silu && swiglu == reference.swiglu, "\(path) differs from \(KernelPath.supported[0])")
                #expect(dg == reference.dg && du == reference.du, "\(path) differs from \(KernelPath.supported[0])")
            } else {
                reference = (e, silu, swiglu, dg, du)
            }
        }
    }

    @Test func argmaxFindsFirstLargest() {
        let x: [Float] = [0, 3, -1, 7, 7, 2]
        #expect(RowOps.argmax(x, count: 6) == 3)
        #expect(RowOps.argmax(x, count: 3) == 1)
        #expect(RowOps.argmax(x, count: 0) == -1)
    }
}

@Suite struct RopeTests {
    @Test func rotatesAdjacentPairsByPositionTimesInverseFrequency() {
        // GGML normal mode: pair (2i, 2i+1) of each head turns by pos · base^(−2i/d).
        let d = 64, heads = 3, base = 100000.0
        var rng = SplitMix64(seed: 8)
        let x = randomFloats(heads * d, rng: &rng)
        let rope = Rope(headDimension: d, base: base, cachedPositions: 100)
        for pos in [0, 1, 17, 99, 100, 4095] {
            var y = x
            rope.apply(&y, heads: heads, position: pos)
            for h in 0..<heads {
                for i in 0..<(d / 2) {
                    let theta = Double(pos) * pow(base, -2 * Double(i) / Double(d))
                    let a = Double(x[h * d + 2 * i]), b = Double(x[h * d + 2 * i + 1])
                    #expect(abs(Double(y[h * d + 2 * i]) - (a * cos(theta) - b * sin(theta))) < 1e-5)
                    #expect(abs(Double(y[h * d + 2 * i + 1]) - (a * sin(theta) + b * cos(theta))) < 1e-5)
                }
            }
        }
    }

    /// Inside and past the cached positions.
    @Test(arguments: [300, 5000])
    func inverseUndoesTheRotation(_ position: Int) {
        var rng = SplitMix64(seed: 9)
        let x = randomFloats(128, rng: &rng)
        var y = x
        let rope = Rope(headDimension: 64, base: 100000, cachedPositions: 1000)
        rope.apply(&y, heads: 2, position: position)
        #expect(y != x)
        rope.apply(&y, heads: 2, position: position, inverse: true)
        for (a, b) in zip(x, y) { #expect(abs(a - b) < 1e-5) }
    }
}

/// Backward row ops against central finite differences of the forward ops (in Double through
/// the float forward: step 1e-2 on O(1) inputs keeps float rounding below the tolerance).
@Suite struct RowOpsBackwardTests {
    /// Σ c ⊙ f(x), the scalar whose gradient the backward ops compute for output gradient c.
    static func numericGradient(_ x: [Float], _ c: [Float], _ f: ([Float]) -> [Float]) -> [Double] {
        let h: Float = 1e-2
        return x.indices.map { i in
            var a = x, b = x
            a[i] += h
            b[i] -= h
            let fa = zip(f(a), c).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let fb = zip(f(b), c).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            return (fa - fb) / Double(2 * h)
        }
    }

    @Test func rmsNormBackwardMatchesFiniteDifferences() {
        let n = 37
        var rng = SplitMix64(seed: 31)
        let x = randomFloats(n, rng: &rng), w = randomFloats(n, rng: &rng), c = randomFloats(n, rng: &rng)
        func forward(_ x: [Float], _ w: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n)
            RowOps.rmsNorm(x, weight: w, into: &y, count: n)
            return y
        }
        var y = [Float](repeating: 0, count: n)
        let scale = RowOps.rmsNorm(x, weight: w, into: &y, count: n)
        // Both gradients accumulate: start from 1.
        var dx = [Float](repeating: 1, count: n), dw = [Float](repeating: 1, count: n)
        RowOps.rmsNormBackward(x, weight: w, scale: scale, outputGradient: c, accumulateInputGradient: &dx, count: n)
        RowOps.rmsNormWeightGradient(x, scale: scale, outputGradient: c, accumulateInto: &dw, count: n)
        let ndx = Self.numericGradient(x, c) { forward($0, w) }
        let ndw = Self.numericGradient(w, c) { forward(x, $0) }
        for i in 0..<n {
            #expect(abs(Double(dx[i]) - 1 - ndx[i]) < 2e-3, "dx[\(i)]")
            #expect(abs(Double(dw[i]) - 1 - ndw[i]) < 2e-3, "dw[\(i)]")
        }
    }

    @Test func swigluBackwardMatchesFiniteDifferences() {
        let n = 21
        var rng = SplitMix64(seed: 32)
        let g = randomFloats(n, rng: &rng, scale: 4), u = randomFloats(n, rng: &rng), c = randomFloats(n, rng: &rng)
        func forward(_ g: [Float], _ u: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n)
            RowOps.swiglu(gate: g, up: u, into: &y, count: n)
            return y
        }
        var dg = [Float](repeating: 0, count: n), du = [Float](repeating: 0, count: n)
        RowOps.swigluBackward(gate: g, up: u, outputGradient: c, gateGradient: &dg, upGradient: &du, count: n)
        let ndg = Self.numericGradient(g, c) { forward($0, u) }
        let ndu = Self.numericGradient(u, c) { forward(g, $0) }
        for i in 0..<n {
            #expect(abs(Double(dg[i]) - ndg[i]) < 2e-3, "dg[\(i)]")
            #expect(abs(Double(du[i]) - ndu[i]) < 2e-3, "du[\(i)]")
        }
    }

    @Test func softmaxBackwardMatchesFiniteDifferences() {
        let n = 19
        var rng = SplitMix64(seed: 33)
        let x = randomFloats(n, rng: &rng, scale: 3), c = randomFloats(n, rng: &rng)
        func forward(_ x: [Float]) -> [Float] {
            var p = x
            RowOps.softmax(&p, count: n)
            return p
        }
        let p = forward(x)
        var dx = [Float](repeating: 0, count: n)
        RowOps.softmaxBackward(probabilities: p, outputGradient: c, inputGradient: &dx, count: n)
        let ndx = Self.numericGradient(x, c, forward)
        for i in 0..<n { #expect(abs(Double(dx[i]) - ndx[i]) < 1e-3, "dx[\(i)]") }
    }
}

/// Decode attention on every kernel path this CPU runs against a Double reference: SmolLM2's
/// shape (9 heads, 3 per key/value group, d 64) over 1, 7 and 40 positions on 1–3 threads,
/// groups of 5 heads (past the kernel's 4 per pass) with d 48, and Gemma 3's d 256 (4 heads,
/// one group).
@Suite struct AttentionTests {
    @Test(arguments: [(9, 3, 64, 1, 1), (9, 3, 64, 7, 2), (9, 3, 64, 40, 3), (10, 2, 48, 9, 1), (10, 2, 48, 33, 2), (4, 1, 256, 20, 2)])
    func groupedQueryAttentionMatchesScalarReference(_ heads: Int, _ kvHeads: Int, _ d: Int, _ length: Int, _ threads: Int) {
        let stride = kvHeads * d + 16  // padded cache rows
        var rng = SplitMix64(seed: UInt64(length * d))
        let q = randomFloats(heads * d, rng: &rng)
        let keys = randomFloats(length * stride, rng: &rng), values = randomFloats(length * stride, rng: &rng)
        let scale = 1 / Float(d).squareRoot()
        for path in KernelPath.supported {
            var out = [Float](repeating: .nan, count: heads * d)
            Attention.decode(query: q, heads: heads, kvHeads: kvHeads, headDimension: d, keys: keys, values: values,
                             length: length, stride: stride, scale: scale, into: &out, threads: threads, path: path)
            for h in 0..<heads {
                let g = h / (heads / kvHeads)
                let s = (0..<length).map { t in
                    (0..<d).reduce(0.0) { $0 + Double(q[h * d + $1]) * Double(keys[t * stride + g * d + $1]) } * Double(scale)
                }
                let mx = s.max()!, e = s.map { Foundation.exp($0 - mx) }, z = e.reduce(0, +)
                for i in 0..<d {
                    let ref = (0..<length).reduce(0.0) { $0 + e[$1] / z * Double(values[$1 * stride + g * d + i]) }
                    #expect(abs(Double(out[h * d + i]) - ref) < 1e-5, "\(path): head \(h) dim \(i)")
                }
            }
        }
    }
}
