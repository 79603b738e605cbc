import Foundation

/// Rotary position embedding: within each head of dimension d, pairs of elements are rotated
/// by θᵢ = pos · base^(−2i/d). Which elements pair up is the `Style`: adjacent ones in GGML's
/// "normal" mode, which llama.cpp uses for Llama (its GGUF converter permuted the q/k weight
/// rows so that this matches HF's rotate-half on the original weights), or the two halves of
/// the head ("NEOX" mode, HF's rotate-half itself), which Gemma uses on unpermuted weights.
///
/// cos θ and sin θ are computed in double precision; for positions below `cachedPositions`
/// they come from a table built at init (the engine calls this 60 times per token).
public struct Rope: Sendable {
    /// Which elements of a head are rotated together.
    public enum Style: String, Sendable, Hashable, Codable {
        /// (x[2i], x[2i+1]): GGML's normal mode.
        case adjacentPairs
        /// (x[i], x[i + d/2]): GGML's NEOX mode, HF's rotate_half.
        case halves
    }

    /// Head dimension d (even).
    public let headDimension: Int
    /// rope.freq_base from the GGUF (100000 for SmolLM2).
    public let base: Double
    /// base^(−2i/d) for i in 0..<d/2.
    public let inverseFrequencies: [Double]
    /// Positions with precomputed cos/sin.
    public let cachedPositions: Int
    public let style: Style
    // [position][cos θ_0.., sin θ_0..], d floats per position
    private let table: [Float]

    public init(headDimension: Int, base: Double, cachedPositions: Int = 0, style: Style = .adjacentPairs) {
        precondition(headDimension % 2 == 0, "head dimension must be even")
        self.headDimension = headDimension
        self.style = style
        self.base = base
        self.cachedPositions = cachedPositions
        let freqs = (0..<headDimension / 2).map { Foundation.pow(base, -2 * Double($0) / Double(headDimension)) }
        inverseFrequencies = freqs
        // Written through a buffer pointer: an inout ArraySlice per position copied the whole
        // table each time (quadratic: seconds at 8192 positions).
        table = [Float](unsafeUninitializedCapacity: cachedPositions * headDimension) { buffer, count in
            for p in 0..<cachedPositions {
                Self.angles(position: p, freqs: freqs, into: buffer.baseAddress! + p * headDimension)
            }
            count = cachedPositions * headDimension
        }
    }

    // out[0..<d/2] = cos θ_i, out[d/2..<d] = sin θ_i for θ_i = position · freqs[i].
    private static func angles(position: Int, freqs: [Double], into out: UnsafeMutablePointer<Float>) {
        let half = freqs.count
        for i in 0..<half {
            let theta = Double(position) * freqs[i]
            out[i] = Float(Foundation.cos(theta))
            out[half + i] = Float(Foundation.sin(theta))
        }
    }

    /// Rotates `heads` consecutive heads of `x` (each `headDimension` floats) for `position`
    /// (≥ 0). `inverse` rotates by −θ instead: the transpose, which is the backward pass.
    public func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int, inverse: Bool = false) {
        precondition(position >= 0, "negative position \(position)")
        let d = headDimension, sign: Float = inverse ? -1 : 1
        if position < cachedPositions {
            table.withUnsafeBufferPointer { rotate(x, heads: heads, cs: $0.baseAddress! + position * d, sinSign: sign) }
        } else {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { cs in
                Self.angles(position: position, freqs: inverseFrequencies, into: cs.baseAddress!)
                rotate(x, heads: heads, cs: UnsafePointer(cs.baseAddress!), sinSign: sign)
            }
        }
    }

    // (x[a], x[b]) ← (x[a]·cos − x[b]·sin, x[a]·sin + x[b]·cos) in every head, (a, b) = (2i, 2i+1)
    // or (i, i + d/2), with sin negated for the inverse (cos is even, sin odd).
    private func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, cs: UnsafePointer<Float>, sinSign: Float) {
        let half = headDimension / 2
        if style == .halves {
            for h in 0..<heads {
                let p = x + h * headDimension
                for i in 0..<half {
                    let c = cs[i], s = sinSign * cs[half + i]
                    let a = p[i], b = p[half + i]
                    p[i] = a * c - b * s
                    p[half + i] = a * s + b * c
                }
            }
            return
        }
        for h in 0..<heads {
            let p = x + h * headDimension
            for i in 0..<half {
                let c = cs[i], s = sinSign * cs[half + i]
                let a = p[2 * i], b = p[2 * i + 1]
                p[2 * i] = a * c - b * s
                p[2 * i + 1] = a * s + b * c
            }
        }
    }
}
