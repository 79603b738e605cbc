import Foundation
import Inference
import Testing

/// The sampler's truncation, greedy choice, seeding and statistics on fixed logits.
@Suite struct TokenSamplerTests {
    /// log-probabilities of a fixed distribution over 8 tokens (token 6 ties token 0).
    static let probabilities: [Double] = [0.30, 0.05, 0.20, 0.10, 0.02, 0.03, 0.30 - 1e-9, 0.0]
    static let logits: [Float] = probabilities.map { $0 > 0 ? Float(log($0)) + 3 : -1e30 }

    @Test func temperatureZeroPicksTheArgmaxAndTheLowerIdOnTies() {
        var random = RandomSource(seed: 1)
        let sampler = TokenSampler(temperature: 0)
        #expect(sampler.sample([1, 5, 2, 5], random: &random).token == 1)
        #expect(sampler.sample(Self.logits, random: &random).token == 0)
    }

    @Test func topKKeepsExactlyTheKMostLikelyRenormalised() {
        let sampler = TokenSampler(temperature: 1, topK: 3)
        let kept = sampler.distribution(Self.logits)
        #expect(kept.map(\.token) == [0, 6, 2])
        let mass = 0.30 + (0.30 - 1e-9) + 0.20
        for (token, probability) in kept { #expect(abs(probability - Self.probabilities[token] / mass) < 1e-6) }
    }

    @Test func topPKeepsTheSmallestPrefixReachingP() {
        // 0.30 + 0.30 = 0.60 < 0.65 ≤ 0.60 + 0.20: three tokens.
        #expect(TokenSampler(temperature: 1, topP: 0.65).distribution(Self.logits).map(\.token) == [0, 6, 2])
        #expect(TokenSampler(temperature: 1, topP: 0.5).distribution(Self.logits).map(\.token) == [0, 6])
        // top-k first, then top-p of the renormalised top-k distribution: 0.3/0.8 + 0.3/0.8 = 0.75 ≥ 0.7
        #expect(TokenSampler(temperature: 1, topK: 3, topP: 0.7).distribution(Self.logits).map(\.token) == [0, 6])
        let all = TokenSampler(temperature: 1).distribution(Self.logits)
        #expect(all.count == 8 && abs(all.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
    }

    @Test func temperatureSharpensTheDistribution() {
        let sharp = TokenSampler(temperature: 0.5).distribution(Self.logits)
        // p ∝ p₀², renormalised.
        let norm = Self.probabilities.reduce(0) { $0 + $1 * $1 }
        for (token, probability) in sharp { #expect(abs(probability - Self.probabilities[token] * Self.probabilities[token] / norm) < 1e-6) }
    }

    @Test func drawsFollowTheDistributionAndTheSeed() {
        let sampler = TokenSampler(temperature: 1, topK: 4)
        var random = RandomSource(seed: 42)
        var counts = [Int](repeating: 0, count: 8)
        let draws = 40_000
        var first: [Int] = []
        for i in 0..<draws {
            let token = sampler.sample(Self.logits, random: &random).token
            counts[token] += 1
            if i < 50 { first.append(token) }
        }
        let mass = 0.30 + 0.30 + 0.20 + 0.10
        for token in 0..<8 {
            let expected = [0, 2, 3, 6].contains(token) ? Self.probabilities[token] / mass : 0
            let observed = Double(counts[token]) / Double(draws)
            // 5 standard deviations of a binomial proportion.
            #expect(abs(observed - expected) <= 5 * (expected * (1 - expected) / Double(draws)).squareRoot() + 1e-12, "token \(token)")
        }
        var again = RandomSource(seed: 42)
        #expect((0..<50).map { _ in sampler.sample(Self.logits, random: &again).token } == first)
        var other = RandomSource(seed: 43)
        #expect((0..<50).map { _ in sampler.sample(Self.logits, random: &other).token } != first)
    }

    @Test func untruncatedDrawsFollowTheTemperedDistribution() {
        let sampler = TokenSampler(temperature: 0.5)
        var random = RandomSource(seed: 5)
        var counts = [Int](repeating: 0, count: 8)
        let draws = 40_000
        for _ in 0..<draws { counts[sampler.sample(Self.logits, random: &random).token] += 1 }
        let norm = Self.probabilities.reduce(0) { $0 + $1 * $1 }
        for token in 0..<8 {
            let expected = Self.probabilities[token] * Self.probabilities[token] / norm
            let observed = Double(counts[token]) / Double(draws)
            #expect(abs(observed - expected) <= 5 * (expected * (1 - expected) / Double(draws)).squareRoot() + 1e-12, "token \(token)")
        }
        #expect(counts[7] == 0)
    }

    @Test func logprobsAreThoseOfTheModelDistributionWithAlternatives() {
        var random = RandomSource(seed: 7)
        let drawn = TokenSampler(temperature: 0, alternatives: 3).sample(Self.logits, random: &random)
        #expect(drawn.token == 0)
        #expect(abs(drawn.logprob - log(0.30)) < 1e-5)
        #expect(drawn.top.map(\.token) == [0, 6, 2])
        #expect(abs(drawn.top[2].logprob - log(0.20)) < 1e-5)
    }

    /// A broken model's logits (NaN, ±∞) end in a token, never in a sampling loop that cannot
    /// finish: NaN is never drawn, +∞ tokens take all the mass.
    @Test(arguments: [TokenSampler(temperature: 0.8), TokenSampler(temperature: 0.8, topP: 0.9), TokenSampler(temperature: 0.8, topK: 3),
                      TokenSampler(temperature: 0)])
    func nonFiniteLogitsStillGiveAToken(sampler: TokenSampler) {
        var random = RandomSource(seed: 3)
        var logits = [Float](repeating: 0, count: 1000)
        logits[5] = .nan
        logits[7] = .infinity
        logits[9] = -.infinity
        for _ in 0..<20 { #expect(sampler.sample(logits, random: &random).token == 7) }
        let allNaN = [Float](repeating: .nan, count: 50)
        #expect((0..<50).contains(sampler.sample(allNaN, random: &random).token))
        if sampler.temperature > 0 {
            let probabilities = sampler.distribution([1, .nan, 2, -.infinity]).map(\.probability)
            #expect(probabilities.allSatisfy(\.isFinite) && abs(probabilities.reduce(0, +) - 1) < 1e-9)
        }
    }

    /// Large k (a client may send top_k up to the vocabulary) takes the sorting path; it keeps
    /// the same order as the insertion path: larger first, lower index first on ties.
    @Test func largeTopKSelectsLikeSmallTopK() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<5000).map { _ in Float(Int.random(in: 0..<300, using: &generator)) / 7 }  // many ties
        let reference = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        #expect(TokenSampler.topIndices(values, count: 64) == Array(reference.prefix(64)))
        #expect(TokenSampler.topIndices(values, count: 65) == Array(reference.prefix(65)))
        #expect(TokenSampler.topIndices(values, count: 4999) == Array(reference.prefix(4999)))
    }
}
