import Foundation

/// Scaled dot-product attention of one query position over a KV cache, with grouped-query
/// heads (SmolLM2: 9 query heads share 3 key/value heads, 3 per group). Heads are processed one
/// after another, so a group's key and value rows are re-read from cache, not from memory.
public enum Attention {
    /// out[h] = Σ_t softmax_t(q[h]·k[t, g]·scale) · v[t, g], g = h / (heads / kvHeads), over
    /// cache positions t in 0..<length (the caller limits length for causality).
    ///
    /// - Parameters:
    ///   - query: [heads, headDimension].
    ///   - keys, values: position t of kv head g starts at `t * stride + g * headDimension`.
    ///   - out: [heads, headDimension].
    ///   - scale: usually 1/√headDimension.
    ///   - threads: workers, each taking a contiguous range of heads (one fork/join).
    /// headDimension must be a multiple of 16; 64 (SmolLM2) has a register-resident fast path.
    public static func decode(query: UnsafePointer<Float>, heads: Int, kvHeads: Int, headDimension d: Int,
                              keys: UnsafePointer<Float>, values: UnsafePointer<Float>, length: Int, stride: Int,
                              scale: Float, into out: UnsafeMutablePointer<Float>, threads: Int = 1) {
        precondition(d % 16 == 0 && heads % kvHeads == 0, "head dimension a multiple of 16, heads a multiple of kvHeads")
        guard length > 0 else {
            out.update(repeating: 0, count: heads * d)
            return
        }
        let group = heads / kvHeads
        let parts = max(1, min(threads, heads))
        parallelFor(parts) { part in
            let mine = splitRange(heads, parts: parts, align: 1, part: part)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: length) { buf in
                let scores = buf.baseAddress!
                for h in mine {
                    let g = h / group
                    let qh = query + h * d, kg = keys + g * d, vg = values + g * d, oh = out + h * d
                    if d == 64 {
                        head64(qh, keys: kg, values: vg, length: length, stride: stride, scale: scale,
                               scores: scores, into: oh)
                    } else {
                        // scores[t] = q·k[t]·scale; out = Σ_t softmax(scores)[t]·v[t]
                        for t in 0..<length { scores[t] = RowOps.dot(qh, kg + t * stride, count: d) * scale }
                        RowOps.softmax(scores, count: length)
                        oh.update(repeating: 0, count: d)
                        for t in 0..<length { RowOps.addScaled(vg + t * stride, by: scores[t], into: oh, count: d) }
                    }
                }
            }
        }
    }

    // One head of dimension 64 with q and the output accumulator held in registers (the key
    // and value rows of a group stay in L1/L2 for the group's other heads).
    @inline(__always)
    private static func head64(_ q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                               length: Int, stride: Int, scale: Float, scores: UnsafeMutablePointer<Float>,
                               into out: UnsafeMutablePointer<Float>) {
        let vs = SIMD16<Float>(repeating: scale)
        let q0 = RowOps.load(q) * vs, q1 = RowOps.load(q + 16) * vs
        let q2 = RowOps.load(q + 32) * vs, q3 = RowOps.load(q + 48) * vs
        for t in 0..<length {
            let k = keys + t * stride
            var s0 = q0 * RowOps.load(k), s1 = q1 * RowOps.load(k + 16)
            s0.addProduct(q2, RowOps.load(k + 32))
            s1.addProduct(q3, RowOps.load(k + 48))
            scores[t] = RowOps.treeSum(s0 + s1)
        }
        RowOps.softmax(scores, count: length)
        var o0 = SIMD16<Float>(), o1 = SIMD16<Float>(), o2 = SIMD16<Float>(), o3 = SIMD16<Float>()
        for t in 0..<length {
            let v = values + t * stride, p = SIMD16<Float>(repeating: scores[t])
            o0.addProduct(p, RowOps.load(v))
            o1.addProduct(p, RowOps.load(v + 16))
            o2.addProduct(p, RowOps.load(v + 32))
            o3.addProduct(p, RowOps.load(v + 48))
        }
        RowOps.store(o0, out)
        RowOps.store(o1, out + 16)
        RowOps.store(o2, out + 32)
        RowOps.store(o3, out + 48)
    }
}
