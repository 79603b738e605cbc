import Kernels

/// A float buffer owned by the training workspace (raw allocation: kernels take pointers,
/// and Swift arrays would need a closure per access).
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
    /// Zeroes the first `count` floats (default: all).
    func zero(_ count: Int? = nil) { pointer.update(repeating: 0, count: min(count ?? self.count, self.count)) }
}

/// What one layer's forward keeps for its backward, for up to N rows.
final class LayerActivations {
    let ln1: FloatBuffer      // [N, C]  attention RMSNorm output
    let rstd1: FloatBuffer    // [N]
    let q: FloatBuffer        // [N, Q]  after RoPE (Q = heads · head dimension)
    let k: FloatBuffer        // [N, KV] after RoPE
    let v: FloatBuffer        // [N, KV]
    let probs: FloatBuffer    // per sequence [H, T, T]
    let ao: FloatBuffer       // [N, Q]  attention output, input of o
    let res2: FloatBuffer     // [N, C]  residual after attention
    let ln2: FloatBuffer      // [N, C]
    let rstd2: FloatBuffer    // [N]
    let gate: FloatBuffer     // [N, F]
    let up: FloatBuffer       // [N, F]
    let loraXA: [LinearTarget: FloatBuffer]  // [N, rank] per adapted layer
    // Gemma 3 only (empty otherwise): q and k before their per-head RMSNorm, and the attention
    // and MLP outputs before their output RMSNorm, with the norms' scales.
    let qRaw: FloatBuffer     // [N, Q]
    let kRaw: FloatBuffer     // [N, KV]
    let rstdQ: FloatBuffer    // [N · H]
    let rstdK: FloatBuffer    // [N · KVH]
    let attentionOut: FloatBuffer  // [N, C]  o projection, before post_attention_norm
    let rstdAttentionOut: FloatBuffer  // [N]
    let mlpOut: FloatBuffer   // [N, C]  down projection, before post_ffw_norm
    let rstdMLPOut: FloatBuffer  // [N]

    init(rows n: Int, probabilities: Int, configuration c: ModelConfiguration, lora: LoRAConfiguration?) {
        ln1 = FloatBuffer(n * c.hiddenSize)
        rstd1 = FloatBuffer(n)
        q = FloatBuffer(n * c.queryWidth)
        k = FloatBuffer(n * c.kvSize)
        v = FloatBuffer(n * c.kvSize)
        probs = FloatBuffer(probabilities)
        ao = FloatBuffer(n * c.queryWidth)
        res2 = FloatBuffer(n * c.hiddenSize)
        let qk = c.architecture.normalizesQueriesAndKeys ? n : 0, post = c.architecture.normalizesSublayerOutputs ? n : 0
        qRaw = FloatBuffer(qk * c.queryWidth)
        kRaw = FloatBuffer(qk * c.kvSize)
        rstdQ = FloatBuffer(qk * c.headCount)
        rstdK = FloatBuffer(qk * c.kvHeadCount)
        attentionOut = FloatBuffer(post * c.hiddenSize)
        rstdAttentionOut = FloatBuffer(post)
        mlpOut = FloatBuffer(post * c.hiddenSize)
        rstdMLPOut = FloatBuffer(post)
        ln2 = FloatBuffer(n * c.hiddenSize)
        rstd2 = FloatBuffer(n)
        gate = FloatBuffer(n * c.feedForwardSize)
        up = FloatBuffer(n * c.feedForwardSize)
        var xa: [LinearTarget: FloatBuffer] = [:]
        if let lora { for target in lora.targets { xa[target] = FloatBuffer(n * lora.rank) } }
        loraXA = xa
    }
}

/// Every buffer of a training pass over up to `rows` rows (attention probabilities up to
/// `probabilities` floats, positions up to `longest`): activations of each layer (or of one,
/// shared, when layers are recomputed), the residual stream at each layer boundary, and the
/// scratch of the backward. A batch uses the first rows of each buffer; the model keeps one
/// workspace and grows it when a batch needs more, so batches of varying length do not
/// allocate (and fault in) fresh memory every step.
final class TrainingWorkspace {
    let rows: Int, probabilities: Int, longest: Int, recompute: Bool
    let inputs: [FloatBuffer]        // L+1 × [N, C]: input of each layer, then the final hidden state
    let layers: [LayerActivations]   // L, or 1 shared when recomputing
    let lnf: FloatBuffer, rstdf: FloatBuffer
    let h: FloatBuffer, dh: FloatBuffer, dgate: FloatBuffer, dup: FloatBuffer   // [N, F]
    let dln: FloatBuffer, dres2: FloatBuffer, dres: FloatBuffer  // [N, C]
    let dq: FloatBuffer, dao: FloatBuffer  // [N, Q]
    let dk: FloatBuffer, dv: FloatBuffer  // [N, KV]
    let dqRaw: FloatBuffer, dkRaw: FloatBuffer, dSublayer: FloatBuffer  // Gemma 3: [N, Q], [N, KV], [N, C]
    let loraScratch: FloatBuffer          // [N, max(F, C, Q) + rank]
    let ropes: [Rope]                     // per layer: cos/sin of positions 0..<longest

    init(rows n: Int, probabilities: Int, longest: Int, configuration c: ModelConfiguration, lora: LoRAConfiguration?, recompute: Bool) {
        rows = n
        self.probabilities = probabilities
        self.longest = longest
        self.recompute = recompute
        inputs = (0...c.layerCount).map { _ in FloatBuffer(n * c.hiddenSize) }
        layers = (0..<(recompute ? 1 : c.layerCount)).map { _ in
            LayerActivations(rows: n, probabilities: probabilities, configuration: c, lora: lora)
        }
        lnf = FloatBuffer(n * c.hiddenSize)
        rstdf = FloatBuffer(n)
        h = FloatBuffer(n * c.feedForwardSize)
        dh = FloatBuffer(n * c.feedForwardSize)
        dgate = FloatBuffer(n * c.feedForwardSize)
        dup = FloatBuffer(n * c.feedForwardSize)
        dln = FloatBuffer(n * c.hiddenSize)
        dq = FloatBuffer(n * c.queryWidth)
        dao = FloatBuffer(n * c.queryWidth)
        dres2 = FloatBuffer(n * c.hiddenSize)
        dres = FloatBuffer(n * c.hiddenSize)
        dk = FloatBuffer(n * c.kvSize)
        dv = FloatBuffer(n * c.kvSize)
        let qk = c.architecture.normalizesQueriesAndKeys ? n : 0, post = c.architecture.normalizesSublayerOutputs ? n : 0
        dqRaw = FloatBuffer(qk * c.queryWidth)
        dkRaw = FloatBuffer(qk * c.kvSize)
        dSublayer = FloatBuffer(post * c.hiddenSize)
        loraScratch = FloatBuffer(lora == nil ? 0 : n * (max(c.feedForwardSize, c.hiddenSize, c.queryWidth) + lora!.rank))
        ropes = c.layerRopes(cachedPositions: longest)
    }

    /// Whether a batch of `rows` rows, `probabilities` attention floats and sequences up to
    /// `longest` fits.
    func fits(rows: Int, probabilities: Int, longest: Int, recompute: Bool) -> Bool {
        rows <= self.rows && probabilities <= self.probabilities && longest <= self.longest && recompute == self.recompute
    }

    func activations(layer: Int) -> LayerActivations { recompute ? layers[0] : layers[layer] }
}
