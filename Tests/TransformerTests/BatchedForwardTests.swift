import Kernels
import Testing
import TestSupport
import Transformer

/// Decoding many sequences in one forward call gives what decoding each alone gives.
@Suite struct BatchedForwardTests {
    static let prompts: [[Int]] = [
        [504, 2365, 6354, 16438, 27003, 690, 260, 23790, 2767, 30],
        [6403, 1980, 253, 655],
        [28, 216, 33, 28, 216, 34, 28, 216, 35, 28, 216],
        [1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2, 198],
    ]

    /// Prefills each prompt into its own slot; returns the cache, the slots and each prompt's next token.
    static func prefilled(_ model: TransformerModel, kernelPath: KernelPath = .active) -> (KVCache, [Int], [Int]) {
        let cache = KVCache(configuration: model.configuration, kernelPath: kernelPath)
        var slots: [Int] = [], next: [Int] = []
        for prompt in prompts {
            let slot = cache.allocateSlot()
            let rows = prompt.enumerated().map { BatchRow(slot: slot, token: $1, position: $0, wantsLogits: $0 == prompt.count - 1) }
            next.append(argmax(model.forward(rows, cache: cache).row(0)))
            slots.append(slot)
        }
        return (cache, slots, next)
    }

    @Test(arguments: [Precision.float32, .quantized])
    func aBatchOfSequencesAtDifferentPositionsEqualsEachAlone(precision: Precision) throws {
        // The bitwise contract holds on every kernel variant the CPU can run.
        for path in precision == .quantized ? KernelPath.supported : [.active] {
            try batchEqualsEachAlone(precision: precision, path: path)
        }
    }

    func batchEqualsEachAlone(precision: Precision, path: KernelPath) throws {
        let model = try SharedModels.model(precision)
        let (cache, slots, next) = Self.prefilled(model, kernelPath: path)
        // Forks hold identical caches for the one-at-a-time runs.
        let copies = slots.map { cache.fork($0) }
        let batch = model.forward(slots.indices.map { BatchRow(slot: slots[$0], token: next[$0], position: Self.prompts[$0].count) }, cache: cache)
        for i in slots.indices {
            let alone = model.forward([BatchRow(slot: copies[i], token: next[i], position: Self.prompts[i].count)], cache: cache)
            let together = batch.row(i), single = alone.row(0)
            #expect(argmax(together) == argmax(single), "sequence \(i)")
            let worst = zip(together, single).map { abs($0 - $1) }.max()!
            if precision == .quantized {
                #expect(worst == 0, "sequence \(i), \(path): the quantized path must be bitwise independent of the batch, Δ \(worst)")
            } else {
                #expect(worst <= 1e-3, "sequence \(i): Δ \(worst)")
            }
        }
        #expect(cache.length(of: slots[1]) == Self.prompts[1].count + 1)
    }

    @Test func promptProcessingInOneCallEqualsTokenByToken() throws {
        let model = try SharedModels.model(.quantized)
        // 37 tokens: above the sgemm threshold, so `.throughput` takes the sgemm paths.
        let prompt = Self.prompts.flatMap { $0 }
        let all = prefill(model, prompt, mode: .rowIndependent)
        let throughput = prefill(model, prompt, mode: .throughput)
        let cache = KVCache(configuration: model.configuration)
        let slot = cache.allocateSlot()
        for (position, token) in prompt.enumerated() {
            let step = model.forward([BatchRow(slot: slot, token: token, position: position)], cache: cache)
            #expect(Array(step.row(0)) == Array(all.row(position)), "position \(position): rows must not depend on the batch")
            let worst = zip(step.row(0), throughput.row(position)).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-2, "position \(position): sgemm prompt processing differs by \(worst)")
        }
    }

    @Test func freedSlotsAreReusedAndForksAreIndependent() throws {
        let model = try SharedModels.model(.quantized)
        let cache = KVCache(configuration: model.configuration)
        let a = cache.allocateSlot()
        _ = model.forward([BatchRow(slot: a, token: 6403, position: 0), BatchRow(slot: a, token: 1980, position: 1)], cache: cache)
        let b = cache.fork(a)
        #expect(cache.length(of: b) == 2)
        _ = model.forward([BatchRow(slot: b, token: 253, position: 2)], cache: cache)
        #expect(cache.length(of: a) == 2 && cache.length(of: b) == 3)
        cache.freeSlot(a)
        #expect(cache.allocatedSlotCount == 1)
        let c = cache.allocateSlot()
        #expect(c == a && cache.length(of: c) == 0)
    }
}
