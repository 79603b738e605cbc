import Foundation
import KernelsC

/// Scaled dot-product attention of one query position over a KV cache, with grouped-query
/// heads (SmolLM2: 9 query heads share 3 key/value heads, 3 per group). In C (`kc_attend_group`,
/// the active kernel path): a group's heads are computed together, reading each key and value
/// row once; Swift SIMD compiled the per-position dot products to 2-lane loads.
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
    ///   - path: the kernel variant.
    /// headDimension must be a multiple of 16.
    public static func decode(query: UnsafePointer<Float>, heads: Int, kvHeads: Int, headDimension d: Int,
                              keys: UnsafePointer<Float>, values: UnsafePointer<Float>, length: Int, stride: Int,
                              scale: Float, into out: UnsafeMutablePointer<Float>, threads: Int = 1,
                              path: KernelPath = .active) {
        precondition(d % 16 == 0 && heads % kvHeads == 0, "head dimension a multiple of 16, heads a multiple of kvHeads")
        guard length > 0 else {
            out.update(repeating: 0, count: heads * d)
            return
        }
        let group = heads / kvHeads, variant = path.raw
        let parts = max(1, min(threads, heads))
        parallelFor(parts) { part in
            let mine = splitRange(heads, parts: parts, align: 1, part: part)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * length) { scores in
                // The part's heads, a run per key/value group (kc_attend_group reads each key
                // and value row once for the run).
                var h = mine.lowerBound
                while h < mine.upperBound {
                    let g = h / group, end = min(mine.upperBound, (g + 1) * group)
                    kc_attend_group(variant, query + h * d, Int64(d), Int32(end - h), keys + g * d, values + g * d, Int64(stride),
                                    Int32(length), Int32(d), scale, scores.baseAddress!, out + h * d, Int64(d))
                    h = end
                }
            }
        }
    }
}
