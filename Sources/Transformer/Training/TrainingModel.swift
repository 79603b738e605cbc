import Kernels

/// The training model: a full-sequence float32 forward that keeps its activations, and its
/// backward, over a batch of sequences laid one after another without padding (llm.c style).
///
/// Trainable parameters are either every weight (full fine-tuning) or a LoRA adapter on
/// frozen float32 base weights. Gradients are accumulated into a caller's buffer laid out
/// as `trainableLayout`.
public final class TrainingModel {
    /// What is trained.
    public enum Method: Sendable, Hashable, Codable {
        case full
        case lora(LoRAConfiguration)
    }

    public let configuration: ModelConfiguration
    /// Base weights: trainable under `.full`, frozen under `.lora`.
    public var weights: TrainingWeights
    /// The adapter under `.lora`.
    public var lora: LoRAParameters?
    /// Threads for the kernels (OpenBLAS is made single-threaded; we split the work).
    public var threads: Int
    /// Recompute each layer's activations in the backward instead of keeping them
    /// (activation memory of one layer instead of all; ~1.3× the compute).
    public var recomputeLayers: Bool
    /// The arithmetic of the products with weight matrices (linear layers, output head).
    public var matmulPrecision: GemmArithmetic
    /// A token whose embedding row gets no gradient from the lookup, like PyTorch's
    /// `nn.Embedding(padding_idx:)` (HF Llama passes `pad_token_id`: 2, `<|im_end|>`, for
    /// SmolLM2; the output head's gradient still reaches the row). Nil by default: our pad
    /// positions are masked out exactly, so the pad/end-of-turn token can be learned like any
    /// other. Matters only for full fine-tuning (LoRA freezes the embedding).
    public var embeddingPaddingToken: Int?
    /// Seeds LoRA dropout for the next pass; the trainer sets it per micro-batch.
    public var dropoutSeed: UInt64 = 0

    private var workspace: TrainingWorkspace?

    public init(weights: TrainingWeights, lora: LoRAParameters? = nil, threads: Int = 1, recomputeLayers: Bool = false,
                matmulPrecision: GemmArithmetic = .float32) {
        configuration = weights.configuration
        self.weights = weights
        self.lora = lora
        self.threads = max(1, threads)
        self.recomputeLayers = recomputeLayers
        self.matmulPrecision = matmulPrecision
    }

    public var method: Method { lora.map { .lora($0.configuration) } ?? .full }

    /// Layout of the trainable parameters (and of the gradient buffer).
    public var trainableLayout: TensorLayout { lora?.layout ?? weights.layout }

    /// The trainable parameters' values.
    public var trainableValues: [Float] {
        get { lora?.values ?? weights.values }
        set {
            if lora != nil { lora!.values = newValue } else { weights.values = newValue }
        }
    }

    /// Loss of one batch summed over its target tokens, and how many there are.
    public struct BatchLoss: Sendable {
        public var sum: Double
        public var targets: Int
        /// Real (unpadded) tokens in the batch.
        public var tokens: Int
        public var mean: Double { sum / Double(targets) }
    }

    /// Forward and backward of `sequences` as one batch: adds gradientScale · ∂(Σ losses)/∂θ
    /// into `gradients` (layout `trainableLayout`). Throws when no token is a target.
    public func accumulateGradients(_ sequences: [TrainingSequence], gradientScale: Float, into gradients: inout [Float],
                                    label: String = "") throws(TrainingError) -> BatchLoss {
        precondition(gradients.count == trainableLayout.totalCount, "gradient buffer does not match the trainable layout")
        let batch = try makeBatch(sequences, label: label)
        let losses = gradients.withUnsafeMutableBufferPointer { g in
            pass(batch, gradients: g.baseAddress!, gradientScale: gradientScale)
        }
        return BatchLoss(sum: losses.reduce(0.0) { $0 + Double($1) }, targets: batch.targets.count, tokens: batch.realTokens)
    }

    /// Forward only: the summed loss of `sequences`' target tokens.
    public func loss(_ sequences: [TrainingSequence], label: String = "") throws(TrainingError) -> BatchLoss {
        let batch = try makeBatch(sequences, label: label)
        let losses = pass(batch, gradients: nil, gradientScale: nil)
        return BatchLoss(sum: losses.reduce(0.0) { $0 + Double($1) }, targets: batch.targets.count, tokens: batch.realTokens)
    }

    /// Logits [T, V] of every position of one sequence (for tests and checks).
    public func logits(tokens: [Int]) throws(TrainingError) -> [Float] {
        let sequence = TrainingSequence(tokens: tokens, lossMask: tokens.map { _ in true })
        let batch = try TrainingBatch([sequence], vocabularySize: configuration.vocabularySize,
                                      contextLength: configuration.contextLength, label: "logits")
        let c = configuration.hiddenSize, v = configuration.vocabularySize, t = tokens.count
        _ = pass(batch, gradients: nil, gradientScale: nil)
        let workspace = workspace!
        var logits = [Float](repeating: 0, count: t * v)
        weights.values.withUnsafeBufferPointer { w in
            logits.withUnsafeMutableBufferPointer { out in
                Gemm.multiply(transA: false, transB: true, m: t, n: v, k: c, a: workspace.lnf.pointer, lda: c,
                              b: w.baseAddress! + weights.layout.offset(of: weights.headName), ldb: c,
                              beta: 0, c: out.baseAddress!, ldc: v, threads: threads)
            }
        }
        return logits
    }

    private func makeBatch(_ sequences: [TrainingSequence], label: String) throws(TrainingError) -> TrainingBatch {
        try TrainingBatch(sequences, vocabularySize: configuration.vocabularySize,
                          contextLength: configuration.contextLength, label: label)
    }

    private func prepareWorkspace(_ batch: TrainingBatch, _ shape: TrainingOps.AttentionShape) -> TrainingWorkspace {
        if let workspace, workspace.fits(rows: batch.rowCount, probabilities: shape.probabilityCount, longest: batch.longest,
                                         recompute: recomputeLayers) {
            return workspace
        }
        // Grown to hold the old batches and this one, so that it settles after a few steps.
        let old = workspace.map { $0.recompute == recomputeLayers ? ($0.rows, $0.probabilities, $0.longest) : (0, 0, 0) } ?? (0, 0, 0)
        workspace = nil  // free the old buffers first
        let fresh = TrainingWorkspace(rows: max(old.0, batch.rowCount), probabilities: max(old.1, shape.probabilityCount),
                                      longest: max(old.2, batch.longest), configuration: configuration,
                                      lora: lora?.configuration, recompute: recomputeLayers)
        workspace = fresh
        return fresh
    }

    // MARK: - the pass

    /// Pointers of one pass: base weights W, adapter L, gradients G.
    private struct Pointers {
        var w: UnsafePointer<Float>
        var l: UnsafePointer<Float>?
        var g: UnsafeMutablePointer<Float>?
    }

    private func pass(_ batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, gradientScale: Float?) -> [Float] {
        let shape = attentionShape(batch)
        let workspace = prepareWorkspace(batch, shape)
        return weights.values.withUnsafeBufferPointer { w in
            let adapter = lora?.values ?? []
            return adapter.withUnsafeBufferPointer { l in
                let pointers = Pointers(w: w.baseAddress!, l: lora == nil ? nil : l.baseAddress, g: gradients)
                return run(batch, shape, workspace, pointers, gradientScale: gradients == nil ? nil : gradientScale)
            }
        }
    }

    private func run(_ batch: TrainingBatch, _ shape: TrainingOps.AttentionShape, _ ws: TrainingWorkspace, _ p: Pointers,
                     gradientScale: Float?) -> [Float] {
        let c = configuration, n = batch.rowCount
        let layout = weights.layout
        let full = lora == nil
        let embedding = p.w + layout.offset(of: "token_embd.weight")
        let outputNorm = layout.offset(of: "output_norm.weight")
        let head = layout.offset(of: weights.headName)
        // Gradient pointer of a base weight, when base weights are trained.
        func grad(_ offset: Int) -> UnsafeMutablePointer<Float>? { full ? p.g.map { $0 + offset } : nil }

        return batch.tokens.withUnsafeBufferPointer { tokens in
            // x0 [N, C] = embedding[tokens]
            TrainingOps.embeddingForward(tokens: tokens.baseAddress!, table: embedding, x: ws.inputs[0].pointer,
                                         rows: n, columns: c.hiddenSize)
            if c.embeddingScale != 1 { RowOps.scale(ws.inputs[0].pointer, by: c.embeddingScale, count: n * c.hiddenSize) }
            for layer in 0..<c.layerCount { layerForward(layer, batch, shape, ws, p) }
            let final = ws.inputs[c.layerCount].pointer
            TrainingOps.rmsNormForward(x: final, weight: p.w + outputNorm, y: ws.lnf.pointer, rstd: ws.rstdf.pointer,
                                       rows: n, columns: c.hiddenSize, epsilon: c.rmsNormEpsilon, threads: threads)
            if gradientScale != nil { ws.dln.zero(n * c.hiddenSize) }
            let losses = TrainingOps.crossEntropyHead(
                h: ws.lnf.pointer, rows: batch.rows, targets: batch.targets, weight: p.w + head,
                vocabulary: c.vocabularySize, columns: c.hiddenSize, gradientScale: gradientScale,
                dh: ws.dln.pointer, dweight: grad(head), threads: threads, matmulPrecision: matmulPrecision)
            guard gradientScale != nil else { return losses }

            // Backward: dres [N, C] = ∂L/∂(final hidden state)
            ws.dres.zero(n * c.hiddenSize)
            TrainingOps.rmsNormBackward(dy: ws.dln.pointer, x: final, weight: p.w + outputNorm, rstd: ws.rstdf.pointer,
                                        dx: ws.dres.pointer, dweight: grad(outputNorm), rows: n, columns: c.hiddenSize,
                                        threads: threads)
            for layer in (0..<c.layerCount).reversed() {
                if recomputeLayers { layerForward(layer, batch, shape, ws, p) }
                layerBackward(layer, batch, shape, ws, p)
            }
            if let g = grad(layout.offset(of: "token_embd.weight")) {
                if c.embeddingScale != 1 { RowOps.scale(ws.dres.pointer, by: c.embeddingScale, count: n * c.hiddenSize) }
                TrainingOps.embeddingBackward(tokens: tokens.baseAddress!, dx: ws.dres.pointer, dtable: g,
                                              rows: n, columns: c.hiddenSize, skipped: embeddingPaddingToken.map { Int32($0) })
            }
            return losses
        }
    }

    /// Offsets of one layer's base weights; the optional norms are Gemma 3's.
    private struct LayerOffsets {
        var attentionNorm: Int, ffnNorm: Int
        var queryNorm: Int?, keyNorm: Int?, postAttentionNorm: Int?, postFeedForwardNorm: Int?
        var linear: [LinearTarget: Int]
    }

    private func offsets(_ layer: Int) -> LayerOffsets {
        let layout = weights.layout
        func offset(_ suffix: String) -> Int { layout.offset(of: ModelConfiguration.tensorName(layer: layer, suffix)) }
        func optional(_ suffix: String) -> Int? {
            layout.entry(named: ModelConfiguration.tensorName(layer: layer, suffix))?.offset
        }
        var linear: [LinearTarget: Int] = [:]
        for target in LinearTarget.allCases { linear[target] = offset(target.ggufSuffix) }
        return LayerOffsets(attentionNorm: offset("attn_norm"), ffnNorm: offset("ffn_norm"),
                            queryNorm: optional("attn_q_norm"), keyNorm: optional("attn_k_norm"),
                            postAttentionNorm: optional("post_attention_norm"), postFeedForwardNorm: optional("post_ffw_norm"),
                            linear: linear)
    }

    /// The adapter slot of one linear layer, or nil when it is not adapted.
    private func slot(_ layer: Int, _ target: LinearTarget, _ acts: LayerActivations, _ p: Pointers, backward: Bool) -> LoRASlot? {
        guard let lora, let l = p.l, let xa = acts.loraXA[target] else { return nil }
        let a = lora.layout.offset(of: LoRAParameters.name(layer: layer, target, "a"))
        let b = lora.layout.offset(of: LoRAParameters.name(layer: layer, target, "b"))
        let index = UInt64(layer * LinearTarget.allCases.count + LinearTarget.allCases.firstIndex(of: target)!)
        return LoRASlot(a: l + a, b: l + b, da: backward ? p.g.map { $0 + a } : nil, db: backward ? p.g.map { $0 + b } : nil,
                        xa: xa.pointer, rank: lora.configuration.rank, scale: lora.configuration.scale,
                        dropout: lora.configuration.dropout,
                        dropoutSeed: dropoutSeed &* 0x2545_F491_4F6C_DD1D &+ index &* 0x9E37_79B9_7F4A_7C15)
    }

    private func attentionShape(_ batch: TrainingBatch) -> TrainingOps.AttentionShape {
        TrainingOps.AttentionShape(lengths: batch.lengths, heads: configuration.headCount,
                                   kvHeads: configuration.kvHeadCount, headDimension: configuration.headDimension)
    }

    /// The attention shape of layer `layer` (its window, on Gemma 3's sliding-window layers).
    private func attentionShape(_ shape: TrainingOps.AttentionShape, layer: Int) -> TrainingOps.AttentionShape {
        shape.windowed(configuration.isSlidingWindowLayer(layer) ? configuration.slidingWindow : nil)
    }

    /// inputs[l] [N, C] → inputs[l+1] [N, C], keeping the layer's activations.
    private func layerForward(_ layer: Int, _ batch: TrainingBatch, _ shape: TrainingOps.AttentionShape,
                              _ ws: TrainingWorkspace, _ p: Pointers) {
        let c = configuration, n = batch.rowCount
        let C = c.hiddenSize, Q = c.queryWidth, KV = c.kvSize, F = c.feedForwardSize, hd = c.headDimension
        let o = offsets(layer), a = ws.activations(layer: layer)
        let x = ws.inputs[layer].pointer, out = ws.inputs[layer + 1].pointer
        let scratch = ws.loraScratch.pointer
        let eps = c.rmsNormEpsilon
        func w(_ target: LinearTarget) -> UnsafePointer<Float> { p.w + o.linear[target]! }
        func s(_ target: LinearTarget) -> LoRASlot? { slot(layer, target, a, p, backward: false) }
        func linear(_ target: LinearTarget, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                    inputs: Int, outputs: Int, accumulate: Bool = false) {
            TrainingOps.linearForward(x: input, weight: w(target), y: output, rows: n, inputs: inputs, outputs: outputs,
                                      accumulate: accumulate, lora: s(target), scratch: scratch, threads: threads,
                                      matmulPrecision: matmulPrecision)
        }

        TrainingOps.rmsNormForward(x: x, weight: p.w + o.attentionNorm, y: a.ln1.pointer, rstd: a.rstd1.pointer,
                                   rows: n, columns: C, epsilon: eps, threads: threads)
        if let qNorm = o.queryNorm, let kNorm = o.keyNorm {
            // Gemma 3: q and k heads are RMS-normalized before RoPE; keep them raw for the backward.
            linear(.q, a.ln1.pointer, a.qRaw.pointer, inputs: C, outputs: Q)
            linear(.k, a.ln1.pointer, a.kRaw.pointer, inputs: C, outputs: KV)
            TrainingOps.rmsNormForward(x: a.qRaw.pointer, weight: p.w + qNorm, y: a.q.pointer, rstd: a.rstdQ.pointer,
                                       rows: n * c.headCount, columns: hd, epsilon: eps, threads: threads)
            TrainingOps.rmsNormForward(x: a.kRaw.pointer, weight: p.w + kNorm, y: a.k.pointer, rstd: a.rstdK.pointer,
                                       rows: n * c.kvHeadCount, columns: hd, epsilon: eps, threads: threads)
        } else {
            linear(.q, a.ln1.pointer, a.q.pointer, inputs: C, outputs: Q)
            linear(.k, a.ln1.pointer, a.k.pointer, inputs: C, outputs: KV)
        }
        linear(.v, a.ln1.pointer, a.v.pointer, inputs: C, outputs: KV)
        TrainingOps.rope(a.q.pointer, lengths: batch.lengths, heads: c.headCount, rope: ws.ropes[layer], inverse: false)
        TrainingOps.rope(a.k.pointer, lengths: batch.lengths, heads: c.kvHeadCount, rope: ws.ropes[layer], inverse: false)
        TrainingOps.attentionForward(q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, out: a.ao.pointer, probs: a.probs.pointer,
                                     shape: attentionShape(shape, layer: layer), threads: threads)
        // res2 = x + ao · Woᵀ  (Gemma 3: x + post_attention_norm(ao · Woᵀ))
        a.res2.pointer.update(from: x, count: n * C)
        if let post = o.postAttentionNorm {
            linear(.o, a.ao.pointer, a.attentionOut.pointer, inputs: Q, outputs: C)
            normalizeAndAdd(a.attentionOut.pointer, weight: p.w + post, rstd: a.rstdAttentionOut.pointer, into: a.res2.pointer,
                            scratch: ws.dSublayer.pointer, rows: n)
        } else {
            linear(.o, a.ao.pointer, a.res2.pointer, inputs: Q, outputs: C, accumulate: true)
        }
        TrainingOps.rmsNormForward(x: a.res2.pointer, weight: p.w + o.ffnNorm, y: a.ln2.pointer, rstd: a.rstd2.pointer,
                                   rows: n, columns: C, epsilon: eps, threads: threads)
        linear(.gate, a.ln2.pointer, a.gate.pointer, inputs: C, outputs: F)
        linear(.up, a.ln2.pointer, a.up.pointer, inputs: C, outputs: F)
        TrainingOps.gatedForward(gate: a.gate.pointer, up: a.up.pointer, h: ws.h.pointer, count: n * F,
                                 activation: c.architecture.gateActivation, threads: threads)
        // out = res2 + h · Wdownᵀ  (Gemma 3: res2 + post_ffw_norm(h · Wdownᵀ))
        out.update(from: a.res2.pointer, count: n * C)
        if let post = o.postFeedForwardNorm {
            linear(.down, ws.h.pointer, a.mlpOut.pointer, inputs: F, outputs: C)
            normalizeAndAdd(a.mlpOut.pointer, weight: p.w + post, rstd: a.rstdMLPOut.pointer, into: out,
                            scratch: ws.dSublayer.pointer, rows: n)
        } else {
            linear(.down, ws.h.pointer, out, inputs: F, outputs: C, accumulate: true)
        }
    }

    /// residual [N, C] += rmsnorm(x) ⊙ w, keeping the norm's scales (Gemma 3's output norms).
    private func normalizeAndAdd(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                                 into residual: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, rows n: Int) {
        let C = configuration.hiddenSize
        TrainingOps.rmsNormForward(x: x, weight: weight, y: scratch, rstd: rstd, rows: n, columns: C,
                                   epsilon: configuration.rmsNormEpsilon, threads: threads)
        RowOps.add(residual, scratch, into: residual, count: n * C)
    }

    /// ws.dres = ∂L/∂inputs[l+1] [N, C] → ∂L/∂inputs[l], accumulating weight gradients.
    private func layerBackward(_ layer: Int, _ batch: TrainingBatch, _ shape: TrainingOps.AttentionShape,
                               _ ws: TrainingWorkspace, _ p: Pointers) {
        let c = configuration, n = batch.rowCount
        let C = c.hiddenSize, Q = c.queryWidth, KV = c.kvSize, F = c.feedForwardSize, hd = c.headDimension
        let o = offsets(layer), a = ws.activations(layer: layer)
        let x = ws.inputs[layer].pointer
        let scratch = ws.loraScratch.pointer
        let full = lora == nil
        func w(_ target: LinearTarget) -> UnsafePointer<Float> { p.w + o.linear[target]! }
        func gw(_ target: LinearTarget) -> UnsafeMutablePointer<Float>? { full ? p.g.map { $0 + o.linear[target]! } : nil }
        func gn(_ offset: Int) -> UnsafeMutablePointer<Float>? { full ? p.g.map { $0 + offset } : nil }
        func s(_ target: LinearTarget) -> LoRASlot? { slot(layer, target, a, p, backward: true) }
        func linearBackward(_ target: LinearTarget, dy: UnsafePointer<Float>, x input: UnsafePointer<Float>,
                            dx: UnsafeMutablePointer<Float>?, inputs: Int, outputs: Int, accumulate: Bool = false) {
            TrainingOps.linearBackward(dy: dy, x: input, weight: w(target), dx: dx, dweight: gw(target),
                                       rows: n, inputs: inputs, outputs: outputs, accumulate: accumulate, lora: s(target),
                                       scratch: scratch, threads: threads, matmulPrecision: matmulPrecision)
        }
        /// ∂L/∂(x before an output norm) [N, C] from ∂L/∂(its output) `dy` (Gemma 3), into ws.dSublayer.
        func outputNormBackward(_ dy: UnsafePointer<Float>, x input: UnsafePointer<Float>, weight: Int, rstd: UnsafePointer<Float>)
            -> UnsafePointer<Float> {
            ws.dSublayer.zero(n * C)
            TrainingOps.rmsNormBackward(dy: dy, x: input, weight: p.w + weight, rstd: rstd, dx: ws.dSublayer.pointer,
                                        dweight: gn(weight), rows: n, columns: C, threads: threads)
            return UnsafePointer(ws.dSublayer.pointer)
        }

        // MLP: out = res2 + down(act(gate)⊙up)  (Gemma 3: res2 + post_ffw_norm(down(…)))
        ws.dres2.pointer.update(from: ws.dres.pointer, count: n * C)
        TrainingOps.gatedForward(gate: a.gate.pointer, up: a.up.pointer, h: ws.h.pointer, count: n * F,
                                 activation: c.architecture.gateActivation, threads: threads)
        let dDown = o.postFeedForwardNorm.map { outputNormBackward(ws.dres.pointer, x: a.mlpOut.pointer, weight: $0,
                                                                    rstd: a.rstdMLPOut.pointer) } ?? UnsafePointer(ws.dres.pointer)
        linearBackward(.down, dy: dDown, x: ws.h.pointer, dx: ws.dh.pointer, inputs: F, outputs: C)
        TrainingOps.gatedBackward(dh: ws.dh.pointer, gate: a.gate.pointer, up: a.up.pointer, dgate: ws.dgate.pointer,
                                  dup: ws.dup.pointer, count: n * F, activation: c.architecture.gateActivation, threads: threads)
        linearBackward(.gate, dy: ws.dgate.pointer, x: a.ln2.pointer, dx: ws.dln.pointer, inputs: C, outputs: F)
        linearBackward(.up, dy: ws.dup.pointer, x: a.ln2.pointer, dx: ws.dln.pointer, inputs: C, outputs: F, accumulate: true)
        TrainingOps.rmsNormBackward(dy: ws.dln.pointer, x: a.res2.pointer, weight: p.w + o.ffnNorm, rstd: a.rstd2.pointer,
                                    dx: ws.dres2.pointer, dweight: gn(o.ffnNorm), rows: n, columns: C, threads: threads)
        // attention: res2 = x + o(attention(rope(q), rope(k), v))  (Gemma 3: x + post_attention_norm(o(…)))
        let dO = o.postAttentionNorm.map { outputNormBackward(ws.dres2.pointer, x: a.attentionOut.pointer, weight: $0,
                                                               rstd: a.rstdAttentionOut.pointer) } ?? UnsafePointer(ws.dres2.pointer)
        linearBackward(.o, dy: dO, x: a.ao.pointer, dx: ws.dao.pointer, inputs: Q, outputs: C)
        TrainingOps.attentionBackward(dout: ws.dao.pointer, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, probs: a.probs.pointer,
                                      dq: ws.dq.pointer, dk: ws.dk.pointer, dv: ws.dv.pointer,
                                      shape: attentionShape(shape, layer: layer), threads: threads)
        TrainingOps.rope(ws.dq.pointer, lengths: batch.lengths, heads: c.headCount, rope: ws.ropes[layer], inverse: true)
        TrainingOps.rope(ws.dk.pointer, lengths: batch.lengths, heads: c.kvHeadCount, rope: ws.ropes[layer], inverse: true)
        var dq = UnsafePointer(ws.dq.pointer), dk = UnsafePointer(ws.dk.pointer)
        if let qNorm = o.queryNorm, let kNorm = o.keyNorm {
            ws.dqRaw.zero(n * Q)
            ws.dkRaw.zero(n * KV)
            TrainingOps.rmsNormBackward(dy: dq, x: a.qRaw.pointer, weight: p.w + qNorm, rstd: a.rstdQ.pointer, dx: ws.dqRaw.pointer,
                                        dweight: gn(qNorm), rows: n * c.headCount, columns: hd, threads: threads)
            TrainingOps.rmsNormBackward(dy: dk, x: a.kRaw.pointer, weight: p.w + kNorm, rstd: a.rstdK.pointer, dx: ws.dkRaw.pointer,
                                        dweight: gn(kNorm), rows: n * c.kvHeadCount, columns: hd, threads: threads)
            dq = UnsafePointer(ws.dqRaw.pointer)
            dk = UnsafePointer(ws.dkRaw.pointer)
        }
        // Under LoRA nothing below layer 0 trains: its input gradient is not needed.
        let dln: UnsafeMutablePointer<Float>? = (layer == 0 && !full) ? nil : ws.dln.pointer
        linearBackward(.q, dy: dq, x: a.ln1.pointer, dx: dln, inputs: C, outputs: Q)
        linearBackward(.k, dy: dk, x: a.ln1.pointer, dx: dln, inputs: C, outputs: KV, accumulate: true)
        linearBackward(.v, dy: ws.dv.pointer, x: a.ln1.pointer, dx: dln, inputs: C, outputs: KV, accumulate: true)
        guard dln != nil else { return }
        // dx = dres2 + RMSNorm1ᵀ(dln)
        ws.dres.pointer.update(from: ws.dres2.pointer, count: n * C)
        TrainingOps.rmsNormBackward(dy: ws.dln.pointer, x: x, weight: p.w + o.attentionNorm, rstd: a.rstd1.pointer,
                                    dx: ws.dres.pointer, dweight: gn(o.attentionNorm), rows: n, columns: C, threads: threads)
    }
}
