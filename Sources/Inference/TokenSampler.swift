import Foundation
import Kernels

/// A token and its log-probability under the model's distribution.
public struct TokenProbability: Sendable, Hashable, Codable {
    public var token: Int
    public var logprob: Double
    public init(token: Int, logprob: Double) {
        self.token = token
        self.logprob = logprob
    }
}

/// What the sampler drew: the token, its log-probability and, when asked, the most likely
/// alternatives. Log-probabilities are those of the model's own distribution (softmax of the
/// raw logits, before temperature and truncation), as OpenAI-compatible servers report them.
public struct SampledToken: Sendable, Hashable, Codable {
    public var token: Int
    public var logprob: Double
    /// The `alternatives` most likely tokens, most likely first (empty unless asked).
    public var top: [TokenProbability]
    public init(token: Int, logprob: Double, top: [TokenProbability] = []) {
        self.token = token
        self.logprob = logprob
        self.top = top
    }
}

/// Draws tokens from logits: greedy at temperature 0, otherwise temperature, then top-k,
/// then top-p (nucleus) truncation, then a draw from the renormalised distribution.
///
/// Ties are broken towards the lower token id everywhere, so the result depends only on the
/// logits and the random stream.
public struct TokenSampler: Sendable, Hashable {
    public var temperature: Double
    /// Keep the k most likely tokens; nil or 0 keeps all.
    public var topK: Int?
    /// Keep the smallest most-likely set whose probability reaches topP; 1 keeps all.
    public var topP: Double
    /// How many most-likely alternatives to report with each token.
    public var alternatives: Int
    /// Whether to compute `SampledToken.logprob` (a pass over the vocabulary); NaN when not.
    public var computesLogprobs: Bool

    public init(temperature: Double, topK: Int? = nil, topP: Double = 1, alternatives: Int = 0, computesLogprobs: Bool = true) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.alternatives = alternatives
        self.computesLogprobs = computesLogprobs || alternatives > 0
    }

    /// The sampler a request asks for; log-probabilities only when it wants them.
    public init(_ parameters: SamplingParameters) {
        let wanted = parameters.logprobs || parameters.topLogprobs > 0
        self.init(temperature: parameters.temperature, topK: parameters.topK, topP: parameters.topP,
                  alternatives: wanted ? parameters.topLogprobs : 0, computesLogprobs: wanted)
    }

    /// True when neither top-k nor top-p removes any token.
    var keepsAll: Bool { (topK ?? 0) <= 0 && topP >= 1 }

    /// Samples one token from `logits` (one value per vocabulary entry).
    public func sample<C: RandomAccessCollection>(_ logits: C, random: inout RandomSource) -> SampledToken where C.Element == Float, C.Index == Int {
        let values = Self.finite(Array(logits))
        let token: Int
        if temperature <= 0 {
            token = Self.topIndices(values, count: 1)[0]
        } else if keepsAll {
            // One pass: w_i = e^((l_i − max)/T), then the first token whose cumulative weight exceeds u·Σw.
            let maximum = Self.maximum(values)
            var weights = [Float](repeating: 0, count: values.count)
            let total = weights.withUnsafeMutableBufferPointer { w in
                Self.exponentials(values, shift: maximum, scale: Float(1 / temperature), into: w.baseAddress)
            }
            var remaining = random.nextUnit() * total
            var chosen = values.count - 1
            for i in values.indices {
                remaining -= Double(weights[i])
                if remaining < 0 {
                    chosen = i
                    break
                }
            }
            // Never land on a token of zero weight (rounding at the very end of the scan).
            while weights[chosen] == 0 && chosen > 0 { chosen -= 1 }
            token = chosen
        } else {
            let candidates = distribution(values)
            var u = random.nextUnit()
            var chosen = candidates.last!.token
            for candidate in candidates {
                u -= candidate.probability
                if u < 0 {
                    chosen = candidate.token
                    break
                }
            }
            token = chosen
        }
        guard computesLogprobs else { return SampledToken(token: token, logprob: .nan) }
        let logNormaliser = Self.logSumExp(values)
        let top = alternatives > 0
            ? Self.topIndices(values, count: alternatives).map { TokenProbability(token: $0, logprob: Double(values[$0]) - logNormaliser) }
            : []
        return SampledToken(token: token, logprob: Double(values[token]) - logNormaliser, top: top)
    }

    /// Logits with NaN as −∞ (never drawn) and ±∞ at the float range's ends, so a broken model
    /// (an adapter with a huge alpha, non-finite weights) yields some token instead of NaN
    /// weights that no sampling loop could ever exhaust. All-NaN rows become all zeros.
    static func finite(_ logits: [Float]) -> [Float] {
        guard logits.contains(where: { !$0.isFinite }) else { return logits }
        let cleaned = logits.map { $0.isNaN ? -Float.greatestFiniteMagnitude : max(-Float.greatestFiniteMagnitude, min(Float.greatestFiniteMagnitude, $0)) }
        return logits.allSatisfy(\.isNaN) ? [Float](repeating: 0, count: logits.count) : cleaned
    }

    /// The distribution sampling draws from (temperature > 0): kept tokens with probabilities
    /// summing to 1, most likely first for truncated distributions, in token order otherwise.
    public func distribution(_ rawLogits: [Float]) -> [(token: Int, probability: Double)] {
        let logits = Self.finite(rawLogits)
        let maximum = Double(Self.maximum(logits))
        let t = max(temperature, 1e-6)
        func weight(_ i: Int) -> Double { exp((Double(logits[i]) - maximum) / t) }

        var kept: [Int]
        if let k = topK, k > 0, k < logits.count {
            kept = Self.topIndices(logits, count: k)
        } else if topP < 1 {
            // The nucleus is a prefix of the tokens by probability, so only tokens above a
            // threshold need sorting: lower the threshold until they hold mass ≥ topP.
            let weights = logits.indices.map(weight)
            let total = weights.reduce(0, +)
            var threshold = 1e-3 * total
            while true {
                let above = logits.indices.filter { weights[$0] >= threshold }
                let mass = above.reduce(0.0) { $0 + weights[$1] } / total
                if mass >= topP || threshold < 1e-12 * total {
                    kept = above.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
                    break
                }
                threshold /= 16
            }
        } else {
            kept = Array(logits.indices)
        }
        var weights = kept.map(weight)
        if topP < 1 {
            // kept is sorted most likely first here (top-k and nucleus both sort).
            let total = weights.reduce(0, +)
            var cumulative = 0.0, end = 0
            while end < weights.count {
                cumulative += weights[end] / total
                end += 1
                if cumulative >= topP { break }
            }
            kept = Array(kept[..<end])
            weights = Array(weights[..<end])
        }
        let total = weights.reduce(0, +)
        return zip(kept, weights).map { ($0, $1 / total) }
    }

    /// Indices of the `count` largest values, largest first (lower index first on ties).
    public static func topIndices(_ values: [Float], count: Int) -> [Int] {
        let k = min(count, values.count)
        guard k > 0 else { return [] }
        if k > 64 {
            // Insertion costs O(k) per kept value: past a few dozen, one sort is cheaper (a
            // client's top_k of 49151 took seconds per token by insertion).
            let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            return Array(order.prefix(k))
        }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for i in values.indices {
            let v = values[i]
            if best.count == k, v <= values[best[k - 1]] { continue }
            // Insert after every element ≥ v: equal values keep index order.
            var lo = 0, hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if values[best[mid]] >= v { lo = mid + 1 } else { hi = mid }
            }
            best.insert(i, at: lo)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// log Σ exp(values): exponentials in float32, their sum in double.
    public static func logSumExp(_ values: [Float]) -> Double {
        let maximum = Self.maximum(values)
        return Double(maximum) + log(exponentials(values, shift: maximum, scale: 1, into: nil))
    }

    /// The largest of finite `values` (0 when there are none), with the vector max of the active
    /// kernel path: `Sequence.max` checks every element for NaN, one at a time.
    static func maximum(_ values: [Float]) -> Float {
        values.isEmpty ? 0 : values.withUnsafeBufferPointer { RowOps.maximum($0.baseAddress!, count: $0.count) }
    }

    /// w_i = e^((v_i − shift)·scale), written to `weights` when given; returns Σ w_i
    /// (vectorized exp, each vector's sum added in double). A pass over the 49152 logits of
    /// SmolLM2 with libm's scalar expf cost more than sampling should.
    static func exponentials(_ values: [Float], shift: Float, scale: Float, into weights: UnsafeMutablePointer<Float>?) -> Double {
        values.withUnsafeBufferPointer { buffer in
            RowOps.exponentialSum(buffer.baseAddress!, subtracting: shift, scale: scale, into: weights, count: buffer.count)
        }
    }
}
