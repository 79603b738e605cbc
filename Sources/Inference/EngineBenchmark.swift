import Foundation
import Transformer

/// Throughput figures of the embedded engine, for `s2d bench engine`.
public enum EngineBenchmark {
    /// One measurement.
    public struct Row: Sendable, Hashable, Codable, CustomStringConvertible {
        /// What was measured, e.g. "prompt 512".
        public var name: String
        /// Tokens processed or generated (all sequences together).
        public var tokens: Int
        /// Wall-clock seconds.
        public var seconds: Double
        /// CPU seconds of this process over the same span (all threads): on a shared machine,
        /// `tokens / cpuSeconds` shows the engine's cost independently of other load.
        public var cpuSeconds: Double
        public var tokensPerSecond: Double { Double(tokens) / seconds }
        public var tokensPerCPUSecond: Double { Double(tokens) / cpuSeconds }

        public var description: String {
            "\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%7.1f tok/s  (%d tokens in %.3f s; %.1f tok per CPU-second)", tokensPerSecond, tokens, seconds, tokensPerCPUSecond))"
        }
    }

    /// Measures, on `threads` cores: prompt processing of 512 tokens; single-stream decode of
    /// 128 tokens; batched decode of 8 and 32 sequences sharing a 64-token prompt (64 steps,
    /// temperature 0.8 sampling included). Prompts are fixed pseudo-random token ids.
    public static func run(modelPath: String, threads: Int = 2, precision: Precision = .quantized) throws -> [Row] {
        let model = try TransformerModel(path: modelPath, precision: precision)
        let vocabulary = model.configuration.vocabularySize
        var random = RandomSource(seed: 2024)
        func tokens(_ count: Int) -> [Int] { (0..<count).map { _ in 100 + Int(random.next() % UInt64(vocabulary - 200)) } }
        func prompt(_ ids: [Int], slot: Int, cache: KVCache) -> Logits {
            var logits: Logits?
            var begin = 0
            while begin < ids.count {
                let end = min(begin + 512, ids.count)
                logits = model.forward((begin..<end).map { BatchRow(slot: slot, token: ids[$0], position: $0, wantsLogits: $0 == ids.count - 1) },
                                       cache: cache, mode: .throughput)
                begin = end
            }
            return logits!
        }
        var rows: [Row] = []

        // Warm-up: pages the weights in and sizes the scratch buffers.
        do {
            let cache = KVCache(configuration: model.configuration, threads: threads)
            _ = prompt(tokens(64), slot: cache.allocateSlot(), cache: cache)
        }

        // Prompt processing: 512 tokens in one call.
        do {
            let cache = KVCache(configuration: model.configuration, threads: threads)
            let ids = tokens(512)
            let start = Date(), cpuStart = processCPUSeconds()
            _ = prompt(ids, slot: cache.allocateSlot(), cache: cache)
            rows.append(Row(name: "prompt \(ids.count)", tokens: ids.count, seconds: Date().timeIntervalSince(start), cpuSeconds: processCPUSeconds() - cpuStart))
        }

        // Single-stream greedy decode of 128 tokens after a 16-token prompt.
        do {
            let cache = KVCache(configuration: model.configuration, threads: threads)
            let slot = cache.allocateSlot()
            let ids = tokens(16)
            var logits = prompt(ids, slot: slot, cache: cache)
            let greedy = TokenSampler(temperature: 0)
            var rng = RandomSource(seed: 0)
            let start = Date(), cpuStart = processCPUSeconds()
            for step in 0..<128 {
                let token = greedy.sample(logits.row(0), random: &rng).token
                logits = model.forward([BatchRow(slot: slot, token: token, position: ids.count + step)], cache: cache)
            }
            rows.append(Row(name: "decode 1 × 128", tokens: 128, seconds: Date().timeIntervalSince(start), cpuSeconds: processCPUSeconds() - cpuStart))
        }

        // Batched decode: n sequences forked from one 64-token prompt, 64 steps each.
        for n in [8, 32] {
            let cache = KVCache(configuration: model.configuration, threads: threads)
            let first = cache.allocateSlot()
            let ids = tokens(64)
            let logits = prompt(ids, slot: first, cache: cache)
            let sampler = TokenSampler(temperature: 0.8)
            var randoms = (0..<n).map { RandomSource(seed: UInt64($0)) }
            var slots = [first]
            for _ in 1..<n { slots.append(cache.fork(first)) }
            var next = (0..<n).map { sampler.sample(logits.row(0), random: &randoms[$0]).token }
            let steps = 64
            let start = Date(), cpuStart = processCPUSeconds()
            for step in 0..<steps {
                let out = model.forward((0..<n).map { BatchRow(slot: slots[$0], token: next[$0], position: ids.count + step) }, cache: cache)
                next = (0..<n).map { sampler.sample(out.row($0), random: &randoms[$0]).token }
            }
            rows.append(Row(name: "decode \(n) × \(steps) (batched)", tokens: n * steps, seconds: Date().timeIntervalSince(start), cpuSeconds: processCPUSeconds() - cpuStart))
        }
        return rows
    }

    /// CPU time of this process, all threads.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
