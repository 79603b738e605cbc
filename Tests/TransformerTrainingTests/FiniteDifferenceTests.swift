import Kernels
import Foundation
import Testing
import Transformer

/// Every op's backward agrees with central finite differences of its forward, on random
/// inputs in float32: for a random direction d and random output weights r,
/// ⟨∂(r·out)/∂x, d⟩ ≈ (f(x + εd) − f(x − εd)) / 2ε, sums in Double.
@Suite struct FiniteDifferenceTests {
    /// Relative agreement of an analytic and a numeric directional derivative.
    static func agree(_ analytic: Double, _ numeric: Double, tolerance: Double = 2e-3) -> Bool {
        abs(analytic - numeric) <= tolerance * max(abs(analytic), abs(numeric), 1e-3)
    }

    static func random(_ count: Int, _ generator: inout SplitMix64, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in generator.uniform(scale) }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    static func shifted(_ x: [Float], _ d: [Float], _ epsilon: Float) -> [Float] {
        zip(x, d).map { $0 + epsilon * $1 }
    }

    /// Checks the directional derivative of `loss` at `x` along a random direction.
    static func check(_ name: String, x: [Float], gradient: [Float], epsilon: Float = 1e-2, seed: UInt64,
                      tolerance: Double = 2e-3, loss: ([Float]) -> Double) {
        var generator = SplitMix64(seed: seed)
        let d = random(x.count, &generator)
        // Richardson extrapolation of two central differences cancels the ε² error term.
        func central(_ e: Float) -> Double { (loss(shifted(x, d, e)) - loss(shifted(x, d, -e))) / Double(2 * e) }
        let numeric = (4 * central(epsilon / 2) - central(epsilon)) / 3
        let analytic = dot(gradient, d)
        #expect(agree(analytic, numeric, tolerance: tolerance), "\(name): analytic \(analytic) vs numeric \(numeric)")
    }

    @Test func rmsNormBackwardMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 1)
        let rows = 5, columns = 24
        let x = Self.random(rows * columns, &g), w = Self.random(columns, &g), r = Self.random(rows * columns, &g)
        func f(_ x: [Float], _ w: [Float]) -> Double {
            var y = [Float](repeating: 0, count: rows * columns), rstd = [Float](repeating: 0, count: rows)
            TrainingOps.rmsNormForward(x: x, weight: w, y: &y, rstd: &rstd, rows: rows, columns: columns, epsilon: 1e-5)
            return Self.dot(y, r)
        }
        var y = [Float](repeating: 0, count: rows * columns), rstd = [Float](repeating: 0, count: rows)
        TrainingOps.rmsNormForward(x: x, weight: w, y: &y, rstd: &rstd, rows: rows, columns: columns, epsilon: 1e-5)
        var dx = [Float](repeating: 0, count: rows * columns), dw = [Float](repeating: 0, count: columns)
        TrainingOps.rmsNormBackward(dy: r, x: x, weight: w, rstd: rstd, dx: &dx, dweight: &dw, rows: rows, columns: columns)
        Self.check("rmsnorm dx", x: x, gradient: dx, seed: 2) { f($0, w) }
        Self.check("rmsnorm dw", x: w, gradient: dw, seed: 3) { f(x, $0) }
    }

    @Test(arguments: [Rope.Style.adjacentPairs, .halves])
    func ropeBackwardIsTheTransposeOfTheForward(style: Rope.Style) {
        var g = SplitMix64(seed: 4)
        let T = 6, heads = 2, hd = 8, rows = 2 * T
        let rope = Rope(headDimension: hd, base: 10000, cachedPositions: T, style: style)
        let x = Self.random(rows * heads * hd, &g), r = Self.random(rows * heads * hd, &g)
        func f(_ x: [Float]) -> Double {
            var y = x
            TrainingOps.rope(&y, lengths: [T, T], heads: heads, rope: rope, inverse: false)
            return Self.dot(y, r)
        }
        var dx = r
        TrainingOps.rope(&dx, lengths: [T, T], heads: heads, rope: rope, inverse: true)
        Self.check("rope", x: x, gradient: dx, seed: 5, loss: f)
        // Position 0 is the identity; position 1 rotates pair 0 — elements (0, 1), or (0, hd/2)
        // for halves — by exactly 1 radian.
        var probe = [Float](repeating: 0, count: rows * heads * hd)
        probe[heads * hd] = 1  // row 1 (t = 1), head 0, element 0
        TrainingOps.rope(&probe, lengths: [T, T], heads: heads, rope: rope, inverse: false)
        let partner = heads * hd + (style == .halves ? hd / 2 : 1)
        #expect(abs(probe[heads * hd] - Foundation.cos(1)) < 1e-6 && abs(probe[partner] - Foundation.sin(1)) < 1e-6)
    }

    /// SwiGLU (Llama) and GeGLU with GELU-tanh (Gemma 3).
    @Test(arguments: [GateActivation.silu, .geluTanh])
    func gatedActivationBackwardMatchesFiniteDifferences(activation: GateActivation) {
        var g = SplitMix64(seed: 6)
        let n = 70  // not a multiple of 16: the scalar tail runs too
        let gate = Self.random(n, &g, scale: 3), up = Self.random(n, &g), r = Self.random(n, &g)
        func f(_ gate: [Float], _ up: [Float]) -> Double {
            var h = [Float](repeating: 0, count: n)
            TrainingOps.gatedForward(gate: gate, up: up, h: &h, count: n, activation: activation)
            return Self.dot(h, r)
        }
        var dgate = [Float](repeating: 0, count: n), dup = dgate
        TrainingOps.gatedBackward(dh: r, gate: gate, up: up, dgate: &dgate, dup: &dup, count: n, activation: activation)
        Self.check("\(activation) dgate", x: gate, gradient: dgate, epsilon: 1e-2, seed: 7) { f($0, up) }
        Self.check("\(activation) dup", x: up, gradient: dup, seed: 8) { f(gate, $0) }
        if activation == .geluTanh {
            // PyTorch's gelu(approximate="tanh") at 1.0 and −2.0.
            var h = [Float](repeating: 0, count: 2)
            TrainingOps.gatedForward(gate: [1, -2], up: [1, 1], h: &h, count: 2, activation: activation)
            #expect(abs(h[0] - 0.841_192) < 1e-5 && abs(h[1] - -0.045_402_3) < 1e-5, "\(h)")
        }
    }

    /// Global, and with a 2-position sliding window (Gemma 3's local layers).
    @Test(arguments: [nil, 2] as [Int?])
    func attentionBackwardMatchesFiniteDifferences(window: Int?) {
        var g = SplitMix64(seed: 9)
        // Two sequences of different lengths, rows one after the other.
        let shape = TrainingOps.AttentionShape(lengths: [5, 3], heads: 4, kvHeads: 2, headDimension: 8, window: window)
        let n = 5 + 3
        #expect(shape.probabilityCount == 4 * (25 + 9))
        let q = Self.random(n * 32, &g), k = Self.random(n * 16, &g), v = Self.random(n * 16, &g), r = Self.random(n * 32, &g)
        func f(_ q: [Float], _ k: [Float], _ v: [Float]) -> Double {
            var out = [Float](repeating: 0, count: n * 32), probs = [Float](repeating: 0, count: shape.probabilityCount)
            TrainingOps.attentionForward(q: q, k: k, v: v, out: &out, probs: &probs, shape: shape, threads: 1)
            return Self.dot(out, r)
        }
        var out = [Float](repeating: 0, count: n * 32), probs = [Float](repeating: 0, count: shape.probabilityCount)
        TrainingOps.attentionForward(q: q, k: k, v: v, out: &out, probs: &probs, shape: shape, threads: 2)
        var dq = [Float](repeating: 0, count: n * 32), dk = [Float](repeating: 0, count: n * 16), dv = dk
        TrainingOps.attentionBackward(dout: r, q: q, k: k, v: v, probs: probs, dq: &dq, dk: &dk, dv: &dv, shape: shape, threads: 2)
        Self.check("attention dq", x: q, gradient: dq, seed: 10) { f($0, k, v) }
        Self.check("attention dk", x: k, gradient: dk, seed: 11) { f(q, $0, v) }
        Self.check("attention dv", x: v, gradient: dv, seed: 12) { f(q, k, $0) }
        // Causal: the first position of each sequence attends only to itself.
        #expect(probs[0] == 1 && probs[1] == 0)
        #expect(probs[4 * 25] == 1 && probs[4 * 25 + 1] == 0)
        // With the window, row 4 of head 0 sees positions 3 and 4 only.
        let row4 = Array(probs[(4 * 5)..<(5 * 5)])
        if window != nil {
            #expect(row4[0...2] == [0, 0, 0] && row4[3] > 0 && abs(row4[3] + row4[4] - 1) < 1e-6, "\(row4)")
        } else {
            #expect(row4.allSatisfy { $0 > 0 })
        }
        // The second sequence attends only within itself: the same rows alone give the same output.
        let second = TrainingOps.AttentionShape(lengths: [3], heads: 4, kvHeads: 2, headDimension: 8, window: window)
        var alone = [Float](repeating: 0, count: 3 * 32), aloneProbs = [Float](repeating: 0, count: second.probabilityCount)
        TrainingOps.attentionForward(q: Array(q[(5 * 32)...]), k: Array(k[(5 * 16)...]), v: Array(v[(5 * 16)...]), out: &alone,
                                     probs: &aloneProbs, shape: second, threads: 1)
        #expect(alone == Array(out[(5 * 32)...]))
    }

    @Test func loraLinearBackwardMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 13)
        let rows = 6, inputs = 12, outputs = 10, rank = 3
        let x = Self.random(rows * inputs, &g), w = Self.random(outputs * inputs, &g)
        let a = Self.random(rank * inputs, &g), b = Self.random(outputs * rank, &g), r = Self.random(rows * outputs, &g)
        for dropout: Float in [0, 0.3] {
            func f(_ x: [Float], _ w: [Float], _ a: [Float], _ b: [Float]) -> Double {
                var y = [Float](repeating: 0, count: rows * outputs), xa = [Float](repeating: 0, count: rows * rank)
                var scratch = [Float](repeating: 0, count: rows * (inputs + rank))
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        xa.withUnsafeMutableBufferPointer { xa in
                            let slot = LoRASlot(a: a.baseAddress!, b: b.baseAddress!, da: nil, db: nil, xa: xa.baseAddress!,
                                                rank: rank, scale: 2, dropout: dropout, dropoutSeed: 99)
                            TrainingOps.linearForward(x: x, weight: w, y: &y, rows: rows, inputs: inputs, outputs: outputs,
                                                      lora: slot, scratch: &scratch, threads: 1)
                        }
                    }
                }
                return Self.dot(y, r)
            }
            var y = [Float](repeating: 0, count: rows * outputs), xa = [Float](repeating: 0, count: rows * rank)
            var scratch = [Float](repeating: 0, count: rows * (inputs + rank))
            var dx = [Float](repeating: 0, count: rows * inputs), dw = [Float](repeating: 0, count: outputs * inputs)
            var da = [Float](repeating: 0, count: rank * inputs), db = [Float](repeating: 0, count: outputs * rank)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    xa.withUnsafeMutableBufferPointer { xap in
                        da.withUnsafeMutableBufferPointer { dap in
                            db.withUnsafeMutableBufferPointer { dbp in
                                let slot = LoRASlot(a: ap.baseAddress!, b: bp.baseAddress!, da: dap.baseAddress!, db: dbp.baseAddress!,
                                                    xa: xap.baseAddress!, rank: rank, scale: 2, dropout: dropout, dropoutSeed: 99)
                                TrainingOps.linearForward(x: x, weight: w, y: &y, rows: rows, inputs: inputs, outputs: outputs,
                                                          lora: slot, scratch: &scratch, threads: 1)
                                TrainingOps.linearBackward(dy: r, x: x, weight: w, dx: &dx, dweight: &dw, rows: rows, inputs: inputs,
                                                           outputs: outputs, lora: slot, scratch: &scratch, threads: 2)
                            }
                        }
                    }
                }
            }
            Self.check("linear dx (dropout \(dropout))", x: x, gradient: dx, seed: 14) { f($0, w, a, b) }
            Self.check("linear dW (dropout \(dropout))", x: w, gradient: dw, seed: 15) { f(x, $0, a, b) }
            Self.check("LoRA dA (dropout \(dropout))", x: a, gradient: da, seed: 16) { f(x, w, $0, b) }
            Self.check("LoRA dB (dropout \(dropout))", x: b, gradient: db, seed: 17) { f(x, w, a, $0) }
        }
    }

    @Test func crossEntropyHeadBackwardMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 18)
        let rows = 7, columns = 16, vocabulary = 40
        let h = Self.random(rows * columns, &g), w = Self.random(vocabulary * columns, &g)
        let selected = [0, 2, 3, 6], targets: [Int32] = [5, 39, 0, 17]
        func f(_ h: [Float], _ w: [Float]) -> Double {
            TrainingOps.crossEntropyHead(h: h, rows: selected, targets: targets, weight: w, vocabulary: vocabulary, columns: columns,
                                         gradientScale: nil, dh: nil, dweight: nil, threads: 1).reduce(0.0) { $0 + Double($1) }
        }
        var dh = [Float](repeating: 0, count: rows * columns), dw = [Float](repeating: 0, count: vocabulary * columns)
        let losses = TrainingOps.crossEntropyHead(h: h, rows: selected, targets: targets, weight: w, vocabulary: vocabulary,
                                                  columns: columns, gradientScale: 1, dh: &dh, dweight: &dw, chunk: 3, threads: 2)
        #expect(abs(losses.reduce(0.0) { $0 + Double($1) } - f(h, w)) < 1e-5)
        Self.check("head dh", x: h, gradient: dh, seed: 19) { f($0, w) }
        Self.check("head dW", x: w, gradient: dw, seed: 20) { f(h, $0) }
        // Rows that predict nothing get no gradient.
        #expect(dh[(1 * columns)..<(2 * columns)].allSatisfy { $0 == 0 })
    }

    @Test func embeddingBackwardAddsEachOccurrence() {
        let tokens: [Int32] = [3, 1, 3]
        let dx: [Float] = [1, 2, 10, 20, 100, 200]
        var table = [Float](repeating: 0, count: 8)
        TrainingOps.embeddingBackward(tokens: tokens, dx: dx, dtable: &table, rows: 3, columns: 2)
        #expect(table == [0, 0, 10, 20, 0, 0, 101, 202])
    }

    /// The whole model (every op wired together, sequences of different lengths, both methods)
    /// against finite differences of its loss along a random direction of all trainable parameters.
    @Test(arguments: [false, true])
    func wholeModelGradientsMatchFiniteDifferences(lora: Bool) throws {
        let weights = TinyModel.weights()
        let adapter = lora ? TinyModel.randomAdapter(LoRAConfiguration(rank: 4, alpha: 8), seed: 3) : nil
        let model = TrainingModel(weights: weights, lora: adapter, threads: 2)
        // Different lengths: each sequence must attend only within itself.
        var sequences = TinyModel.sequences(3, length: 9, seed: 5)
        sequences[1] = TrainingSequence(tokens: Array(sequences[1].tokens.prefix(6)), lossMask: [false, false, true, true, false, true])
        var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)
        _ = try model.accumulateGradients(sequences, gradientScale: 1, into: &gradients)
        let theta = model.trainableValues
        Self.check(lora ? "model LoRA" : "model full", x: theta, gradient: gradients, epsilon: 1e-3, seed: 21, tolerance: 5e-3) { values in
            model.trainableValues = values
            return (try? model.loss(sequences).sum) ?? .nan
        }
        model.trainableValues = theta
        // Batching changes nothing: the short sequence alone has the same loss as inside the batch.
        let alone = try model.loss([sequences[1]]).sum
        let together = try model.loss(sequences).sum - model.loss([sequences[0]]).sum - model.loss([sequences[2]]).sum
        #expect(abs(alone - together) < 1e-4 * max(1, abs(alone)))
    }

    /// The model keeps one workspace and grows it: a batch after a larger one (stale rows and
    /// probabilities beyond its own) gives bitwise what a fresh model gives.
    @Test func aReusedWorkspaceGivesWhatAFreshOneGives() throws {
        let long = TinyModel.sequences(4, length: 12, seed: 30), short = TinyModel.sequences(3, length: 7, seed: 31)
        func gradients(_ model: TrainingModel, _ sequences: [TrainingSequence]) throws -> ([Float], Double) {
            var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)
            let loss = try model.accumulateGradients(sequences, gradientScale: 1, into: &gradients)
            return (gradients, loss.sum)
        }
        let adapter = TinyModel.randomAdapter(LoRAConfiguration(rank: 4, alpha: 8), seed: 2)
        let reused = TrainingModel(weights: TinyModel.weights(), lora: adapter, threads: 2)
        _ = try gradients(reused, long)
        let afterLong = try gradients(reused, short)
        let fresh = try gradients(TrainingModel(weights: TinyModel.weights(), lora: adapter, threads: 2), short)
        #expect(afterLong.0 == fresh.0 && afterLong.1 == fresh.1)
        // And growing again after the short batch.
        let longAgain = try gradients(reused, long)
        #expect(longAgain.0 == (try gradients(TrainingModel(weights: TinyModel.weights(), lora: adapter, threads: 2), long)).0)
    }

    /// Recomputing layers in the backward gives the same gradients as keeping activations.
    @Test func recomputedLayersGiveTheSameGradients() throws {
        let sequences = TinyModel.sequences(2, length: 8, seed: 8)
        var results: [[Float]] = []
        for recompute in [false, true] {
            let model = TrainingModel(weights: TinyModel.weights(), threads: 1, recomputeLayers: recompute)
            var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)
            _ = try model.accumulateGradients(sequences, gradientScale: 1, into: &gradients)
            results.append(gradients)
        }
        #expect(results[0] == results[1])
    }
}

/// How the work is split over threads does not change a single bit of the gradients.
@Suite struct DeterminismTests {
    @Test func gradientsAreBitwiseEqualForOneAndTwoThreads() throws {
        let sequences = TinyModel.sequences(8, length: 24, seed: 21)  // 192 rows: the matrix products split
        var results: [[Float]] = []
        for threads in [1, 2] {
            let model = TrainingModel(weights: TinyModel.weights(), lora: TinyModel.randomAdapter(LoRAConfiguration(rank: 4, alpha: 8), seed: 1),
                                      threads: threads)
            var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)
            _ = try model.accumulateGradients(sequences, gradientScale: 1, into: &gradients)
            results.append(gradients)
        }
        #expect(results[0] == results[1])
    }
}
