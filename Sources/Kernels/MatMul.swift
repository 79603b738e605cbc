import CBLAS
import KernelsC

/// Runs y = x·Wᵀ for the engine's weight matrices, choosing the fastest path per regime:
///
/// - quantized W (default, any M): x is quantized to int8 per block of 32 once (as llama.cpp
///   does; relative RMS error of y ~0.4 % on SmolLM2's weights), then int8 kernels (AVX-512
///   VNNI, or AVX2; see `KernelPath`) read each weight block once for up to 8 activation rows at a time. Measured ~3×
///   faster than dequantize + sgemm even at M = 512, and memory-bound at M = 1;
/// - quantized W with M ≥ `sgemmMinRows` (opt-in, e.g. 0 for float32 activations, exact to
///   rounding): W is dequantized in panels of 64 rows and multiplied with sgemm;
/// - float32 W: sgemv (M = 1) or sgemm.
///
/// Work is split over output rows across `threads` workers with one fork/join per call; pass
/// several matrices sharing one input (q/k/v, gate/up) to one call to share the fork/join.
/// A plain value: scratch is allocated per call, so it may be used from any number of threads.
public struct MatMul: Sendable {
    /// Worker threads per call.
    public let threads: Int
    /// Activation rows from which quantized products take the dequantize + sgemm path.
    public let sgemmMinRows: Int

    /// The default `sgemmMinRows`: never (the int8 kernels are faster at every M measured).
    public static let defaultSgemmMinRows = Int.max

    /// How the int8 kernels see the activations.
    public enum ActivationQuantization: Sendable, Hashable {
        /// x ≈ dx·qx per block of 32 (llama.cpp's Q8 activations): error up to max|x_block|/254
        /// per element, which blocks with one outlier make large for their other elements.
        case int8
        /// x ≈ dx·qx + dr·qr: the residual quantized again, as a second activation row through
        /// the same kernels (~15 bits per block; twice the integer work, the same weight reads).
        case twoPassInt8
    }

    /// The activation quantization of the int8 path.
    public let activations: ActivationQuantization
    /// The kernel variant of the int8 products and activation quantization.
    public let path: KernelPath

    /// Rows per dequantized panel in the sgemm path.
    static let panelRows = 64

    /// - Parameters:
    ///   - threads: workers per call (≥ 1).
    ///   - sgemmMinRows: M from which quantized matrices are multiplied by dequantize + sgemm
    ///     in float32 instead of the int8 kernels (0: always float32).
    ///   - activations: one or two int8 passes over the activations.
    ///   - path: the kernel variant (one this CPU supports; the process default otherwise).
    public init(threads: Int = 2, sgemmMinRows: Int = MatMul.defaultSgemmMinRows, activations: ActivationQuantization = .int8,
                path: KernelPath = .active) {
        precondition(threads >= 1, "threads must be at least 1")
        precondition(path.isSupported, "kernel path \(path) is not supported by this CPU")
        self.threads = threads
        self.sgemmMinRows = sgemmMinRows
        self.activations = activations
        self.path = path
        _ = openBLASSingleThreaded
    }

    /// y[M, N] = x[M, K] · W[N, K]ᵀ, with x and y row-major (row strides K and N).
    public func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, rows m: Int, into y: UnsafeMutablePointer<Float>) {
        multiply([w], x: x, rows: m, into: [y])
    }

    /// ys[i][M, N_i] = x[M, K] · W_i[N_i, K]ᵀ for matrices sharing the input x, in one parallel
    /// region (rows of all matrices are split across the workers together).
    public func multiply(_ ws: [WeightMatrix], x: UnsafePointer<Float>, rows m: Int, into ys: [UnsafeMutablePointer<Float>]) {
        precondition(ws.count == ys.count && !ws.isEmpty, "one output per weight matrix")
        multiply(ws, x: x, rows: m, into: ys, strides: ws.map(\.rows))
    }

    /// y[M, stride] ⊇ [x·W_0ᵀ | x·W_1ᵀ | …]: the outputs of matrices sharing the input x side by
    /// side in one row-major buffer (W_0's N_0 columns first, then W_1's, …), in one parallel
    /// region. `stride` (the row stride of y) is at least Σ N_i; by default exactly that.
    /// This is how the engine runs stacked q/k/v and gate/up projections.
    public func multiply(_ ws: [WeightMatrix], x: UnsafePointer<Float>, rows m: Int,
                         into y: UnsafeMutablePointer<Float>, stride: Int? = nil) {
        precondition(!ws.isEmpty, "at least one weight matrix")
        let total = ws.reduce(0) { $0 + $1.rows }
        let stride = stride ?? total
        precondition(stride >= total, "row stride \(stride) below the \(total) stacked outputs")
        var offset = 0
        var ys: [UnsafeMutablePointer<Float>] = []
        for w in ws {
            ys.append(y + offset)
            offset += w.rows
        }
        multiply(ws, x: x, rows: m, into: ys, strides: Array(repeating: stride, count: ws.count))
    }

    // ys[i] has row stride strides[i].
    private func multiply(_ ws: [WeightMatrix], x: UnsafePointer<Float>, rows m: Int,
                          into ys: [UnsafeMutablePointer<Float>], strides: [Int]) {
        let k = ws[0].columns
        precondition(ws.allSatisfy { $0.columns == k }, "fused matrices must share the input width")
        guard m > 0 else { return }
        let anyQuantized = ws.contains { $0.isQuantized }
        if anyQuantized && m < sgemmMinRows {
            let passes = activations == .int8 ? 1 : 2, qm = passes * m, nb = k / 32
            // Q6_K's half-block scales also need each block's two half sums of the codes.
            let halfSums = ws.contains { $0.isQuantized && $0.packed.bits == KC_KIND_6H }
            // Quantize x once: int8 codes [qm, k] | d [qm, k/32] | s [qm, k/32] | h [qm, k/32, 2]
            let codeBytes = (qm * k + 63) & ~63
            withUnsafeTemporaryAllocation(byteCount: codeBytes + (halfSums ? 12 : 8) * qm * nb, alignment: 64) { buf in
                let d = (buf.baseAddress! + codeBytes).assumingMemoryBound(to: Float.self)
                let q = buf.baseAddress!.assumingMemoryBound(to: Int8.self)
                let h = halfSums ? UnsafeMutableRawPointer(d + 2 * qm * nb).assumingMemoryBound(to: Int16.self) : nil
                var a = kc_qactivations(q: q, d: d, s: d + qm * nb, h: h, k: Int32(k))
                kc_quantize_activations(path.raw, x, Int32(m), Int32(k), Int64(k), &a)
                guard passes == 2 else {
                    run(ws, x: x, m: m, qm: m, ys: ys, strides: strides, acts: a, panels: nil)
                    return
                }
                // Rows m..<2m: the residual r = x − dx·qx (|r| ≤ dx/2 per block), quantized again.
                let r = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
                defer { r.deallocate() }
                kc_activation_residual(x, Int32(m), Int32(k), Int64(k), &a, r)
                var residual = kc_qactivations(q: q + m * k, d: d + m * nb, s: a.s + m * nb, h: h.map { $0 + 2 * m * nb }, k: Int32(k))
                kc_quantize_activations(path.raw, r, Int32(m), Int32(k), Int64(k), &residual)
                // Quantized matrices write both passes into t_i [2m, N_i]; then y_i = first + second.
                let quantizedRows = ws.reduce(0) { $0 + ($1.isQuantized ? $1.rows : 0) }
                let t = UnsafeMutablePointer<Float>.allocate(capacity: qm * quantizedRows)
                defer { t.deallocate() }
                var targets = ys, targetStrides = strides, offset = 0
                for (i, w) in ws.enumerated() where w.isQuantized {
                    targets[i] = t + offset
                    targetStrides[i] = w.rows
                    offset += qm * w.rows
                }
                run(ws, x: x, m: m, qm: qm, ys: targets, strides: targetStrides, acts: a, panels: nil)
                for (i, w) in ws.enumerated() where w.isQuantized {
                    let n = w.rows
                    for row in 0..<m {
                        RowOps.add(targets[i] + row * n, targets[i] + (m + row) * n, into: ys[i] + row * strides[i], count: n)
                    }
                }
            }
        } else if anyQuantized {
            let panels = UnsafeMutablePointer<Float>.allocate(capacity: Self.panelRows * k * threads)
            defer { panels.deallocate() }
            run(ws, x: x, m: m, qm: m, ys: ys, strides: strides, acts: kc_qactivations(), panels: panels)
        } else {
            run(ws, x: x, m: m, qm: m, ys: ys, strides: strides, acts: kc_qactivations(), panels: nil)
        }
    }

    // The parallel region: each worker takes a contiguous range of the matrices' rows.
    // m rows of x for float products, qm rows of `acts` for the int8 kernels.
    private func run(_ ws: [WeightMatrix], x: UnsafePointer<Float>, m: Int, qm: Int, ys: [UnsafeMutablePointer<Float>],
                     strides: [Int], acts: kc_qactivations, panels: UnsafeMutablePointer<Float>?) {
        let k = ws[0].columns
        // Rows of all matrices, each padded to a multiple of 16, so that every split point
        // falls on a 16-row group of the interleaved layout.
        let total = ws.reduce(0) { $0 + ($1.rows + 15) / 16 * 16 }
        let parts = min(threads, max(1, total / 16))
        let shared = RegionArguments(x: x, ys: ys, acts: acts, panels: panels)
        let minRows = sgemmMinRows, variant = path.raw
        parallelFor(parts) { t in
            let mine = splitRange(total, parts: parts, align: 16, part: t)
            var base = 0
            for (i, w) in ws.enumerated() {
                let lo = max(mine.lowerBound, base) - base, hi = min(mine.upperBound - base, w.rows)
                base += (w.rows + 15) / 16 * 16
                guard lo < hi else { continue }
                let y = shared.ys[i], ldy = strides[i]
                if !w.isQuantized {
                    Self.floatProduct(w, x: shared.x, m: m, y: y, ldy: ldy, rows: lo..<hi)
                } else if m < minRows {
                    var a = shared.acts
                    withUnsafePointer(to: w.packed) { wp in
                        kc_qgemm(variant, wp, Int32(lo), Int32(hi), &a, Int32(qm), y, Int64(ldy))
                    }
                } else {
                    let scratch = shared.panels! + t * Self.panelRows * k
                    Self.panelProduct(w, x: shared.x, m: m, y: y, ldy: ldy, rows: lo..<hi, scratch: scratch)
                }
            }
        }
    }

    // y[:, rows] = x · W[rows, :]ᵀ for float32 W.
    private static func floatProduct(_ w: WeightMatrix, x: UnsafePointer<Float>, m: Int,
                                     y: UnsafeMutablePointer<Float>, ldy: Int, rows: Range<Int>) {
        let k = w.columns, wr = w.floats! + rows.lowerBound * k
        if m == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows.count), Int32(k), 1, wr, Int32(k),
                        x, 1, 0, y + rows.lowerBound, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(rows.count), Int32(k), 1,
                        x, Int32(k), wr, Int32(k), 0, y + rows.lowerBound, Int32(ldy))
        }
    }

    // y[:, rows] = x · W[rows, :]ᵀ via panels of W dequantized to float32.
    private static func panelProduct(_ w: WeightMatrix, x: UnsafePointer<Float>, m: Int,
                                     y: UnsafeMutablePointer<Float>, ldy: Int, rows: Range<Int>,
                                     scratch: UnsafeMutablePointer<Float>) {
        let k = w.columns
        var n0 = rows.lowerBound
        while n0 < rows.upperBound {
            let n1 = min(rows.upperBound, n0 + panelRows)
            w.dequantize(rows: n0..<n1, columnRange: 0..<k, into: scratch, stride: k)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n1 - n0), Int32(k), 1,
                        x, Int32(k), scratch, Int32(k), 0, y + n0, Int32(ldy))
            n0 = n1
        }
    }
}

/// Pointers the workers of one parallel region share: x and the quantized activations are
/// read-only, and each worker writes disjoint rows of the outputs and its own panel.
private struct RegionArguments: @unchecked Sendable {
    let x: UnsafePointer<Float>
    let ys: [UnsafeMutablePointer<Float>]
    let acts: kc_qactivations
    let panels: UnsafeMutablePointer<Float>?
}
