import Foundation
import Kernels

extension TransformerModel {
    /// Runs a batch of tokens of one or many sequences through the model, appending their keys
    /// and values to `cache`, and returns the logits of the rows that want them (in row order).
    ///
    /// Rows may belong to different slots at different positions (decode: one row per active
    /// sequence) or be many consecutive positions of one slot (prompt processing). Each weight
    /// read serves every row. With `mode: .rowIndependent` (the default) each row's result is
    /// bitwise independent of the other rows on the quantized path; `.throughput` computes the
    /// attention of runs of consecutive positions with sgemm (prompt processing).
    public func forward(_ rows: [BatchRow], cache: KVCache, adapters: [String: LoRAWeights] = [:], mode: MatmulMode = .rowIndependent) -> Logits {
        let c = configuration
        precondition(cache.configuration == c, "the cache was made for another model configuration")
        let M = rows.count
        let D = c.hiddenSize, KV = c.kvSize, F = c.feedForwardSize, H = c.headCount, QW = c.queryWidth, hd = c.headDimension
        let QKV = QW + 2 * KV
        let activation = c.architecture.gateActivation
        let eps = c.rmsNormEpsilon
        let context = cache.context
        guard M > 0 else { return Logits(rowCount: 0, vocabularySize: c.vocabularySize, values: []) }

        // Slots, positions and adapters of the rows; reserve cache room before any write.
        let storages = rows.map { cache.storage($0.slot) }
        var newLength: [ObjectIdentifier: Int] = [:], rowCounts: [ObjectIdentifier: Int] = [:]
        for (row, storage) in zip(rows, storages) {
            precondition(row.position >= 0 && row.position < cache.maximumLength, "position \(row.position) is outside the cache (max \(cache.maximumLength))")
            newLength[ObjectIdentifier(storage)] = max(newLength[ObjectIdentifier(storage)] ?? 0, row.position + 1)
            rowCounts[ObjectIdentifier(storage), default: 0] += 1
        }
        for storage in storages {
            let end = newLength[ObjectIdentifier(storage)]!
            // Every position below `end` is cached already or written by this batch.
            precondition(end - rowCounts[ObjectIdentifier(storage)]! <= storage.length, "positions of slot rows leave a gap after the cached \(storage.length)")
            storage.reserve(end, limit: cache.maximumLength)
        }
        let adapterList = Array(adapters.values)
        let adapterIndex = Dictionary(uniqueKeysWithValues: adapterList.enumerated().map { (Array(adapters.keys)[$0.offset], $0.offset) })
        let rowAdapters: [Int?] = rows.map { row in
            row.adapter.map { name in
                guard let index = adapterIndex[name] else { preconditionFailure("adapter '\(name)' was not passed to forward") }
                return index
            }
        }
        let anyAdapter = rowAdapters.contains { $0 != nil }

        // Activations, row-major.
        let x = Scratch(M * D)        // residual stream [M, D]
        let xn = Scratch(M * D)       // normalised input of a sublayer [M, D]
        let qkv = Scratch(M * QKV)    // [M, QW + 2·KV]: q | k | v
        let attention = Scratch(M * QW)  // attention output, heads side by side [M, QW]
        let projected = Scratch(M * D)  // o or down projection [M, D]
        let gateUp = Scratch(M * 2 * F)  // [M, 2F]: gate | up
        let hidden = Scratch(M * F)   // act(gate)·up [M, F] (SiLU, or GELU-tanh for Gemma)
        let loraRank = anyAdapter ? adapterList.map(\.rank).max()! : 1
        let loraScratch = Scratch(M * loraRank)  // one row of A·x per batch row
        defer { [x, xn, qkv, attention, projected, gateUp, hidden, loraScratch].forEach { $0.free() } }

        func lora(_ target: LinearTarget, _ l: Int, input: Scratch, inputs: Int, output: Scratch, stride: Int, offset: Int, outputs: Int) {
            guard anyAdapter else { return }
            addLoRA(target, layer: l, x: input.p, inputs: inputs, y: output.p, yStride: stride, offset: offset, outputs: outputs,
                    rowAdapters: rowAdapters, adapters: adapterList, scratch: loraScratch.p, scratchStride: loraRank, threads: context.threads)
        }

        // x[m] = embedding(token[m])
        for (m, row) in rows.enumerated() { embed(row.token, into: x.p + m * D) }

        context.mode = mode
        for (l, layer) in layers.enumerated() {
            // --- attention: xn = rmsnorm(x); q,k,v = xn·Wqkvᵀ; rope(q, k); cache k, v
            layer.attentionNorm.withUnsafeBufferPointer { w in
                RowOps.rmsNorm(x.p, weight: w.baseAddress!, into: xn.p, rows: M, count: D, eps: eps)
            }
            layer.qkv.apply(xn.p, rowCount: M, into: qkv.p, context: context)
            lora(.q, l, input: xn, inputs: D, output: qkv, stride: QKV, offset: 0, outputs: QW)
            lora(.k, l, input: xn, inputs: D, output: qkv, stride: QKV, offset: QW, outputs: KV)
            lora(.v, l, input: xn, inputs: D, output: qkv, stride: QKV, offset: QW + KV, outputs: KV)
            let rope = ropes[l]
            for (m, row) in rows.enumerated() {
                let q = qkv.p + m * QKV, k = q + QW, v = k + KV
                if let queryNorm = layer.queryNorm, let keyNorm = layer.keyNorm {
                    queryNorm.withUnsafeBufferPointer { RowOps.rmsNorm(q, weight: $0.baseAddress!, into: q, rows: H, count: hd, eps: eps) }
                    keyNorm.withUnsafeBufferPointer { RowOps.rmsNorm(k, weight: $0.baseAddress!, into: k, rows: c.kvHeadCount, count: hd, eps: eps) }
                }
                rope.apply(q, heads: H, position: row.position)
                rope.apply(k, heads: c.kvHeadCount, position: row.position)
                storages[m].keys(layer: l).advanced(by: row.position * KV).update(from: k, count: KV)
                storages[m].values(layer: l).advanced(by: row.position * KV).update(from: v, count: KV)
            }
            attend(rows: rows, storages: storages, layer: l, qkv: qkv.p, into: attention.p, threads: context.threads, mode: mode)

            // x += attention · Woᵀ (Gemma: RMS-normalized first)
            layer.attentionOutput.apply(attention.p, rowCount: M, into: projected.p, context: context)
            lora(.o, l, input: attention, inputs: QW, output: projected, stride: D, offset: 0, outputs: D)
            layer.postAttentionNorm?.withUnsafeBufferPointer { w in
                RowOps.rmsNorm(projected.p, weight: w.baseAddress!, into: projected.p, rows: M, count: D, eps: eps)
            }
            RowOps.add(x.p, projected.p, into: x.p, count: M * D)

            // --- MLP: x += (act(xn·Wgateᵀ) ⊙ xn·Wupᵀ) · Wdownᵀ, xn = rmsnorm(x) (Gemma: the product RMS-normalized first)
            layer.feedForwardNorm.withUnsafeBufferPointer { w in
                RowOps.rmsNorm(x.p, weight: w.baseAddress!, into: xn.p, rows: M, count: D, eps: eps)
            }
            layer.gateUp.apply(xn.p, rowCount: M, into: gateUp.p, context: context)
            lora(.gate, l, input: xn, inputs: D, output: gateUp, stride: 2 * F, offset: 0, outputs: F)
            lora(.up, l, input: xn, inputs: D, output: gateUp, stride: 2 * F, offset: F, outputs: F)
            for m in 0..<M { activation.forward(gate: gateUp.p + m * 2 * F, up: gateUp.p + m * 2 * F + F, into: hidden.p + m * F, count: F) }
            layer.down.apply(hidden.p, rowCount: M, into: projected.p, context: context)
            lora(.down, l, input: hidden, inputs: F, output: projected, stride: D, offset: 0, outputs: D)
            layer.postFeedForwardNorm?.withUnsafeBufferPointer { w in
                RowOps.rmsNorm(projected.p, weight: w.baseAddress!, into: projected.p, rows: M, count: D, eps: eps)
            }
            RowOps.add(x.p, projected.p, into: x.p, count: M * D)
        }
        for storage in storages { storage.length = newLength[ObjectIdentifier(storage)]! }

        // logits[L, V] = rmsnorm(x[selected]) · Woutᵀ
        let selected = rows.indices.filter { rows[$0].wantsLogits }
        let L = selected.count, V = c.vocabularySize
        guard L > 0 else { return Logits(rowCount: 0, vocabularySize: V, values: []) }
        outputNorm.withUnsafeBufferPointer { w in
            for (i, m) in selected.enumerated() { RowOps.rmsNorm(x.p + m * D, weight: w.baseAddress!, into: xn.p + i * D, count: D, eps: eps) }
        }
        let values = [Float](unsafeUninitializedCapacity: L * V) { buffer, count in
            outputHead.apply(xn.p, rowCount: L, into: buffer.baseAddress!, context: context)
            count = L * V
        }
        return Logits(rowCount: L, vocabularySize: V, values: values)
    }

    /// Causal grouped-query attention of every row: in `.throughput` mode, runs of ≥ 16
    /// consecutive positions of one slot (prompt processing) go through sgemm; other rows
    /// are computed one (row, head) at a time.
    func attend(rows: [BatchRow], storages: [KVCache.Storage], layer l: Int, qkv: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, threads: Int, mode: MatmulMode) {
        var single: [Int] = []
        var start = 0
        while start < rows.count {
            var end = start + 1
            while end < rows.count && rows[end].slot == rows[start].slot && rows[end].position == rows[end - 1].position + 1 { end += 1 }
            if mode == .throughput && end - start >= 16 {
                attendRun(rows: start..<end, firstPosition: rows[start].position, storage: storages[start], layer: l, qkv: qkv, into: out, threads: threads)
            } else {
                single.append(contentsOf: start..<end)
            }
            start = end
        }
        if !single.isEmpty { attendRows(single, rows: rows, storages: storages, layer: l, qkv: qkv, into: out, threads: threads) }
    }

    /// Attention of rows `run` (positions p0, p0+1, … of one slot) with sgemm, one head per
    /// job across cores: S[R, T] = Q_h·K_gᵀ·scale, causal mask (row r sees t ≤ p0 + r, and on a
    /// sliding-window layer only the last `slidingWindow` of those), softmax, O_h[R, d] = P·V_g.
    func attendRun(rows run: Range<Int>, firstPosition p0: Int, storage: KVCache.Storage, layer l: Int, qkv: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let c = configuration
        let QW = c.queryWidth, KV = c.kvSize, hd = c.headDimension, QKV = QW + 2 * KV
        let R = run.count, T = p0 + R
        let scale = c.attentionScale
        let window = c.isSlidingWindowLayer(l) ? c.slidingWindow : nil
        let keys = storage.keys(layer: l), values = storage.values(layer: l)
        parallelFor(c.headCount, threads: threads) { h in
            let g = h / c.groupSize
            let q = qkv + run.lowerBound * QKV + h * hd
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: R * T)
            defer { scores.deallocate() }
            // S[R, T] = scale · Q[R, hd] · K[T, hd]ᵀ
            Gemm.multiply(transA: false, transB: true, m: R, n: T, k: hd, alpha: scale, a: q, lda: QKV, b: keys + g * hd, ldb: KV,
                          beta: 0, c: scores, ldc: T, threads: 1)
            for r in 0..<R {
                let row = scores + r * T, visible = p0 + r + 1
                let first = window.map { max(0, visible - $0) } ?? 0
                row.update(repeating: 0, count: first)
                RowOps.softmax(row + first, count: visible - first)
                (row + visible).update(repeating: 0, count: T - visible)
            }
            // O[R, hd] = P[R, T] · V[T, hd], written into the heads-side-by-side output
            Gemm.multiply(transA: false, transB: false, m: R, n: hd, k: T, a: scores, lda: T, b: values + g * hd, ldb: KV,
                          beta: 0, c: out + run.lowerBound * QW + h * hd, ldc: QW, threads: 1)
        }
    }

    /// Causal grouped-query attention of the given rows, each row alone over its slot's cache
    /// (`Attention.decode`): out = softmax(q·Kᵀ·scale over positions 0...p, or the last
    /// `slidingWindow` of them) · V, in float32.
    /// One row uses every core (split by heads); several rows are split across cores. Either
    /// way each (row, head) is computed the same way, so results do not depend on the batch.
    func attendRows(_ indices: [Int], rows: [BatchRow], storages: [KVCache.Storage], layer l: Int, qkv: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let c = configuration
        let QW = c.queryWidth, KV = c.kvSize, hd = c.headDimension, QKV = QW + 2 * KV
        let scale = c.attentionScale
        let window = c.isSlidingWindowLayer(l) ? c.slidingWindow : nil
        func attend(_ m: Int, threads: Int) {
            let end = rows[m].position + 1, first = window.map { max(0, end - $0) } ?? 0
            Attention.decode(query: qkv + m * QKV, heads: c.headCount, kvHeads: c.kvHeadCount, headDimension: hd,
                             keys: storages[m].keys(layer: l) + first * KV, values: storages[m].values(layer: l) + first * KV,
                             length: end - first, stride: KV, scale: scale, into: out + m * QW, threads: threads)
        }
        if indices.count == 1 {
            attend(indices[0], threads: threads)
            return
        }
        parallelFor(splitting: indices.count, parts: threads <= 1 ? 1 : threads * 2) { chunk in
            for i in chunk { attend(indices[i], threads: 1) }
        }
    }
}

/// An uninitialised float buffer freed explicitly (activations of one forward pass).
struct Scratch {
    let p: UnsafeMutablePointer<Float>
    init(_ count: Int) { p = .allocate(capacity: max(1, count)) }
    func free() { p.deallocate() }
}
