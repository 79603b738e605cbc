import Foundation
import Kernels
import Transformer

/// Continuous-batching token generation on the embedded engine.
///
/// Any number of tasks may call `generate` concurrently. One decode loop, on its own thread
/// (so the heavy compute never blocks Swift's cooperative pool), admits requests between
/// steps: each request's prompt is processed once, its KV cache slot is forked into its `n`
/// samples, and every active sample of every request is decoded as one batch per step.
/// Samples leave the batch as they finish and waiting requests join.
///
/// Determinism: on the quantized path every row of a decode step is computed bitwise as it
/// would be alone (`MatmulMode.rowIndependent`), and a prompt is always processed the same
/// way (fixed chunks, alone), so a request's tokens depend only on the request and its seed,
/// never on what else shares the batch. Sample i of an n-sample request equals the single
/// sample of the same request with seed + i. On the float32 path decode steps use sgemm
/// whose rounding depends on the batch size (~1e-6 relative): ties closer than that could
/// break differently.
public final class TokenGenerator: Sendable {
    public let model: TransformerModel
    private let core: SchedulerCore

    /// - Parameters:
    ///   - threads: cores the kernels use.
    ///   - maximumBatch: most samples decoded in one step (more wait their turn).
    ///   - maximumLength: positions per sequence (default: the model's context length).
    ///   - prefillChunk: prompt tokens per forward call while processing a prompt.
    public init(model: TransformerModel, threads: Int = 2, maximumBatch: Int = 32, maximumLength: Int? = nil, prefillChunk: Int = 512) {
        self.model = model
        core = SchedulerCore(
            model: model, threads: threads, maximumBatch: max(1, maximumBatch),
            maximumLength: min(maximumLength ?? model.configuration.contextLength, model.configuration.contextLength),
            prefillChunk: max(1, prefillChunk))
    }

    deinit { core.shutdown() }

    /// Makes `adapter` available to requests under `name` (replacing one of the same name).
    public func register(adapter: LoRAWeights, name: String) throws(GenerationError) {
        if let reason = adapter.mismatch(with: model.configuration) { throw .adapterMismatch(name: name, reason: reason) }
        core.register(adapter, name: name)
    }

    /// Positions per sequence (prompt + generated): a prompt must be shorter than this.
    public var maximumLength: Int { core.maximumLength }

    /// Most samples decoded together in one step.
    public var maximumBatch: Int { core.maximumBatch }

    /// Names of the registered adapters.
    public var adapterNames: [String] { core.adapterNames }

    /// Generates `request.n` samples; returns when all have finished.
    public func generate(_ request: TokenRequest) async throws -> [TokenSequence] {
        let c = model.configuration
        guard request.n >= 1 else { throw GenerationError.invalidSampleCount(request.n) }
        guard !request.prompt.isEmpty else { throw GenerationError.emptyPrompt }
        guard request.prompt.count < core.maximumLength else {
            throw GenerationError.promptTooLong(tokens: request.prompt.count, limit: core.maximumLength)
        }
        if let bad = request.prompt.first(where: { $0 < 0 || $0 >= c.vocabularySize }) {
            throw GenerationError.tokenOutOfRange(token: bad, vocabularySize: c.vocabularySize)
        }
        if let name = request.adapter, !core.adapterNames.contains(name) { throw GenerationError.unknownAdapter(name) }
        if request.parameters.maxTokens <= 0 {
            return Array(repeating: TokenSequence(tokens: [], logprobs: [], finishReason: .length), count: request.n)
        }
        let job = Job(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                core.submit(job)
            }
        } onCancel: {
            core.cancel(job)
        }
    }
}

/// One request in flight. Touched by the submitting task before `submit`, then only by the
/// decode thread, except `cancelled`, which is guarded by the scheduler's lock.
final class Job: @unchecked Sendable {
    let request: TokenRequest
    var continuation: CheckedContinuation<[TokenSequence], any Error>?
    var results: [TokenSequence?]
    var remaining: Int
    var cancelled = false

    init(request: TokenRequest) {
        self.request = request
        results = Array(repeating: nil, count: request.n)
        remaining = request.n
    }

    func finish(_ index: Int, _ sequence: TokenSequence) {
        results[index] = sequence
        remaining -= 1
        if remaining == 0 {
            continuation?.resume(returning: results.map { $0! })
            continuation = nil
        }
    }

    func fail(_ error: any Error) {
        continuation?.resume(throwing: error)
        continuation = nil
    }
}

/// The decode loop and the state it shares with submitters.
final class SchedulerCore: @unchecked Sendable {
    // Sendable: `pending`, `adapters`, `stopped` and jobs' `cancelled` flags are guarded by
    // `condition`; everything else is touched only by the decode thread.
    let model: TransformerModel
    let threads: Int
    let maximumBatch: Int
    let maximumLength: Int
    let prefillChunk: Int
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var adapters: [String: LoRAWeights] = [:]
    private var stopped = false
    private var started = false

    init(model: TransformerModel, threads: Int, maximumBatch: Int, maximumLength: Int, prefillChunk: Int) {
        self.model = model
        self.threads = threads
        self.maximumBatch = maximumBatch
        self.maximumLength = maximumLength
        self.prefillChunk = prefillChunk
    }

    func register(_ adapter: LoRAWeights, name: String) {
        condition.lock()
        adapters[name] = adapter
        condition.unlock()
    }

    var adapterNames: [String] {
        condition.lock()
        defer { condition.unlock() }
        return Array(adapters.keys)
    }

    func submit(_ job: Job) {
        condition.lock()
        pending.append(job)
        if !started {
            started = true
            let thread = Thread { [self] in self.run() }
            thread.name = "s2d-decode"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    func cancel(_ job: Job) {
        condition.lock()
        job.cancelled = true
        condition.signal()
        condition.unlock()
    }

    func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// A sample being decoded.
    struct Active {
        let job: Job
        let index: Int
        let slot: Int
        var sampler: TokenSampler
        var random: RandomSource
        var generated: [Int] = []
        var logprobs: [SampledToken] = []
        /// The last generated token, fed at `position` in the next step.
        var position: Int
    }

    /// The decode loop: admit waiting requests, then one batched step, until shut down.
    private func run() {
        let cache = KVCache(configuration: model.configuration, maximumLength: maximumLength, threads: threads)
        var active: [Active] = []
        while true {
            condition.lock()
            while !stopped && pending.isEmpty && active.isEmpty { condition.wait() }
            if stopped {
                let jobs = pending
                pending = []
                condition.unlock()
                (jobs + active.map(\.job)).forEach { $0.fail(GenerationError.cancelled) }
                return
            }
            var admitted: [Job] = []
            var room = maximumBatch - active.count
            while let job = pending.first, job.request.n <= room || (active.isEmpty && admitted.isEmpty) {
                admitted.append(pending.removeFirst())
                room -= job.request.n
            }
            let cancelledJobs = Set((admitted + active.map(\.job)).filter(\.cancelled).map(ObjectIdentifier.init))
            let adapters = self.adapters
            condition.unlock()

            if !cancelledJobs.isEmpty {
                let jobsInFlight = active.map(\.job)
                for sample in active where cancelledJobs.contains(ObjectIdentifier(sample.job)) { cache.freeSlot(sample.slot) }
                active.removeAll { cancelledJobs.contains(ObjectIdentifier($0.job)) }
                for job in admitted where cancelledJobs.contains(ObjectIdentifier(job)) { job.fail(GenerationError.cancelled) }
                admitted.removeAll { cancelledJobs.contains(ObjectIdentifier($0)) }
                // Jobs cancelled mid-decode fail once (`fail` clears the continuation).
                for job in jobsInFlight where cancelledJobs.contains(ObjectIdentifier(job)) { job.fail(GenerationError.cancelled) }
            }
            for job in admitted { start(job, cache: cache, adapters: adapters, into: &active) }
            if !active.isEmpty { step(&active, cache: cache, adapters: adapters) }
        }
    }

    /// Processes a request's prompt once and forks it into its samples.
    private func start(_ job: Job, cache: KVCache, adapters: [String: LoRAWeights], into active: inout [Active]) {
        let request = job.request
        let prompt = request.prompt
        let slot = cache.allocateSlot()
        var logits: Logits?
        var begin = 0
        while begin < prompt.count {
            let end = min(begin + prefillChunk, prompt.count)
            let rows = (begin..<end).map {
                BatchRow(slot: slot, token: prompt[$0], position: $0, wantsLogits: $0 == prompt.count - 1, adapter: request.adapter)
            }
            logits = model.forward(rows, cache: cache, adapters: adapters, mode: .throughput)
            begin = end
        }
        let last = logits!.row(0)
        let sampler = TokenSampler(request.parameters)
        var continuing: [Active] = []
        for index in 0..<request.n {
            var sample = Active(job: job, index: index, slot: -1, sampler: sampler,
                                random: RandomSource(seed: request.parameters.seed &+ UInt64(index)), position: prompt.count)
            let drawn = sample.sampler.sample(last, random: &sample.random)
            if let reason = accept(drawn, into: &sample) {
                job.finish(index, TokenSequence(tokens: sample.generated, logprobs: sample.logprobs, finishReason: reason))
            } else {
                continuing.append(sample)
            }
        }
        // The prompt's slot goes to the last continuing sample; the others get copies.
        for (i, sample) in continuing.enumerated() {
            let own = i == continuing.count - 1 ? slot : cache.fork(slot)
            active.append(Active(job: sample.job, index: sample.index, slot: own, sampler: sample.sampler, random: sample.random,
                                 generated: sample.generated, logprobs: sample.logprobs, position: sample.position))
        }
        if continuing.isEmpty { cache.freeSlot(slot) }
    }

    /// One decode step over every active sample.
    private func step(_ active: inout [Active], cache: KVCache, adapters: [String: LoRAWeights]) {
        let rows = active.map { BatchRow(slot: $0.slot, token: $0.generated.last!, position: $0.position, adapter: $0.job.request.adapter) }
        let logits = model.forward(rows, cache: cache, adapters: adapters, mode: .rowIndependent)
        // Each sample draws from its own row with its own generator: the rows are independent,
        // so they are drawn in parallel (a sampler pass over 49152 logits is ~0.2 ms).
        var drawn = [SampledToken?](repeating: nil, count: active.count)
        active.withUnsafeMutableBufferPointer { samples in
            drawn.withUnsafeMutableBufferPointer { out in
                parallelFor(splitting: samples.count, parts: threads <= 1 ? 1 : threads * 2) { chunk in
                    for i in chunk { out[i] = samples[i].sampler.sample(logits.row(i), random: &samples[i].random) }
                }
            }
        }
        var finished: [Int] = []
        for i in active.indices {
            active[i].position += 1
            if let reason = accept(drawn[i]!, into: &active[i]) {
                let sample = active[i]
                cache.freeSlot(sample.slot)
                sample.job.finish(sample.index, TokenSequence(tokens: sample.generated, logprobs: sample.logprobs, finishReason: reason))
                finished.append(i)
            }
        }
        for i in finished.reversed() { active.remove(at: i) }
    }

    /// Appends a drawn token; returns why the sample ends, or nil when it goes on.
    private func accept(_ drawn: SampledToken, into sample: inout Active) -> FinishReason? {
        let request = sample.job.request
        sample.generated.append(drawn.token)
        request.onToken?(sample.index, drawn)
        if request.parameters.logprobs || request.parameters.topLogprobs > 0 { sample.logprobs.append(drawn) }
        if request.stopTokens.contains(drawn.token) { return .stop }
        if let shouldStop = request.shouldStop, shouldStop(sample.generated) { return .stop }
        if sample.generated.count >= request.parameters.maxTokens { return .length }
        // The new token would be fed at `position`; the cache must hold it.
        if sample.position >= maximumLength { return .length }
        return nil
    }
}
