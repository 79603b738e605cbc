import Kernels
import Foundation
import ModelFiles

/// Fine-tunes a model on token sequences with loss masks: LoRA or full, AdamW, clipping,
/// warm-up and decay, gradient accumulation, seeded shuffling, held-out evaluation, early
/// stop, and a resumable checkpoint.
///
/// The data order is a pure function of (seed, micro-batch index): epoch e shuffles with a
/// generator seeded by (seed, e), so resuming needs only the step count, the parameters and
/// the AdamW moments — all of which the checkpoint holds.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let model: TrainingModel
    public private(set) var optimizer: AdamW
    /// Optimizer steps done.
    public private(set) var step = 0
    public private(set) var bestEvaluationLoss: Double?
    /// Evaluations in a row without improvement (early stop).
    public private(set) var evaluationsWithoutImprovement = 0

    public static let checkpointFileName = "trainer-state.safetensors"
    /// FNV-1a of the base weights as given (before any training): a checkpoint resumes only on
    /// the model it was written for, not on another file of the same shape.
    public let baseWeightsHash: UInt64

    /// A trainer for `weights`. Under LoRA, `initialAdapter` continues from an existing
    /// adapter (its rank, alpha and targets must match the configuration's); otherwise a
    /// fresh one is drawn from the seed.
    public init(weights: TrainingWeights, configuration: TrainingConfiguration,
                initialAdapter: LoRAWeights? = nil) throws(TrainingError) {
        guard configuration.batchSize > 0, configuration.gradientAccumulation > 0, configuration.epochs > 0,
              configuration.threads > 0, (configuration.maxSteps ?? 1) > 0
        else { throw .invalidConfiguration("batch size, accumulation, epochs, steps and threads must be positive") }
        var lora: LoRAParameters?
        if case let .lora(settings) = configuration.method {
            guard settings.rank > 0, !settings.targets.isEmpty, (0..<1).contains(settings.dropout) else {
                throw .invalidConfiguration("LoRA needs a positive rank, at least one target and dropout in [0, 1)")
            }
            if let initialAdapter {
                guard initialAdapter.rank == settings.rank, initialAdapter.alpha == settings.alpha,
                      initialAdapter.targets.sorted() == settings.targets, initialAdapter.layers.count == weights.configuration.layerCount
                else { throw .invalidConfiguration("the initial adapter's rank, alpha, targets or layers differ from the configuration's") }
                lora = LoRAParameters(initialAdapter, model: weights.configuration, dropout: settings.dropout)
            } else {
                lora = LoRAParameters(configuration: settings, model: weights.configuration, seed: configuration.seed)
            }
        }
        self.configuration = configuration
        baseWeightsHash = weights.values.withUnsafeBytes { ContentFingerprint.fnv1a($0) }
        model = TrainingModel(weights: weights, lora: lora, threads: configuration.threads,
                              recomputeLayers: configuration.recomputeLayers, matmulPrecision: configuration.matmulPrecision)
        optimizer = AdamW(configuration: configuration.optimizer, parameterCount: model.trainableLayout.totalCount)
    }

    /// The trained adapter (LoRA runs).
    public var adapter: LoRAWeights? { model.lora?.weights }

    /// Optimizer steps of a run over `count` training sequences.
    public func totalSteps(sequenceCount count: Int) -> Int {
        if let maxSteps = configuration.maxSteps { return maxSteps }
        let batches = (count + configuration.batchSize - 1) / configuration.batchSize
        return configuration.epochs * ((batches + configuration.gradientAccumulation - 1) / configuration.gradientAccumulation)
    }

    /// Indices of the sequences of global micro-batch `index`.
    func microBatch(_ index: Int, lengths: [Int]) -> [Int] {
        let perEpoch = (lengths.count + configuration.batchSize - 1) / configuration.batchSize
        let epoch = index / perEpoch
        if cachedEpoch?.epoch != epoch { cachedEpoch = (epoch, epochBatches(epoch, lengths: lengths)) }
        return cachedEpoch!.batches[index % perEpoch]
    }

    private var cachedEpoch: (epoch: Int, batches: [[Int]])?

    /// The micro-batches of one epoch: a shuffle seeded by (seed, epoch); with
    /// `groupByLength`, windows of 16 batches are sorted by length before being cut into
    /// batches, and the batches shuffled again.
    public func epochBatches(_ epoch: Int, lengths: [Int]) -> [[Int]] {
        var generator = SplitMix64(seed: configuration.seed ^ (UInt64(epoch + 1) &* 0xD6E8_FEB8_6659_FD93))
        var order = Array(lengths.indices).shuffled(using: &generator)
        let size = configuration.batchSize
        if configuration.groupByLength {
            let window = size * 16
            var start = 0
            while start < order.count {
                let end = min(order.count, start + window)
                order[start..<end].sort { (lengths[$0], $0) < (lengths[$1], $1) }
                start = end
            }
        }
        var batches = stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min(order.count, $0 + size)]) }
        if configuration.groupByLength { batches.shuffle(using: &generator) }
        return batches
    }

    /// Trains on `train`, evaluating on `evaluation`. With `checkpoint` (a folder), resumes
    /// from the state saved there if any, and saves every `checkpointInterval` steps and at
    /// the end. `progress` is called after every step and may stop the run.
    @discardableResult
    public func train(
        _ train: [TrainingSequence], evaluation: [TrainingSequence] = [], checkpoint: URL? = nil,
        progress: (TrainingProgress) -> TrainingControl = { _ in .proceed }
    ) throws -> TrainingSummary {
        guard !train.isEmpty else { throw TrainingError.invalidConfiguration("no training sequences") }
        let total = totalSteps(sequenceCount: train.count)
        let lengths = train.map(\.tokens.count)
        cachedEpoch = nil
        dataHash = ContentFingerprint.sequences(train)
        if let checkpoint {
            try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
            let file = checkpoint.appendingPathComponent(Self.checkpointFileName)
            if FileManager.default.fileExists(atPath: file.path) { try restore(from: file, data: dataHash) }
        }
        let perEpoch = Double((train.count + configuration.batchSize - 1) / configuration.batchSize)
        let started = Date()
        let firstStep = step
        var tokens = 0
        var lastLoss = Double.nan, lastEvaluation: Double?
        var stoppedEarly = false
        var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)

        while step < total {
            let micro = (step * configuration.gradientAccumulation)..<((step + 1) * configuration.gradientAccumulation)
            let batches = micro.map { microBatch($0, lengths: lengths) }
            let targetCount = batches.joined().reduce(0) { $0 + train[$1].targetCount }
            guard targetCount > 0 else {
                throw TrainingError.noTargetTokens(batch: "step \(step + 1), sequences \(Array(batches.joined()).sorted())")
            }
            for index in gradients.indices { gradients[index] = 0 }
            var lossSum = 0.0
            for (offset, indices) in batches.enumerated() {
                model.dropoutSeed = configuration.seed &+ UInt64(micro.lowerBound + offset) &* 0x9E37_79B9_7F4A_7C15
                let loss = try model.accumulateGradients(indices.map { train[$0] }, gradientScale: 1 / Float(targetCount),
                                                         into: &gradients, label: "step \(step + 1), sequences \(indices.sorted())")
                lossSum += loss.sum
                tokens += loss.tokens
            }
            lastLoss = lossSum / Double(targetCount)
            guard lastLoss.isFinite else { throw TrainingError.nonFiniteLoss(step: step + 1) }
            let norm = clip(&gradients)
            let rate = configuration.optimizer.learningRate(step: step, totalSteps: total)
            var values = model.trainableValues
            model.trainableValues = []  // drop the model's reference so the update does not copy
            optimizer.update(&values, gradients: gradients, layout: model.trainableLayout, learningRate: rate,
                             threads: configuration.threads)
            model.trainableValues = values
            step += 1

            var heldOut: Double?
            let evaluateNow = !evaluation.isEmpty
                && ((configuration.evaluationInterval > 0 && step % configuration.evaluationInterval == 0) || step == total)
            if evaluateNow {
                let loss = try evaluationLoss(evaluation)
                heldOut = loss
                lastEvaluation = loss
                if bestEvaluationLoss.map({ loss < $0 - configuration.earlyStopMinDelta }) ?? true {
                    bestEvaluationLoss = loss
                    evaluationsWithoutImprovement = 0
                } else {
                    evaluationsWithoutImprovement += 1
                }
            }
            let stopEarly = configuration.earlyStopPatience.map { evaluationsWithoutImprovement >= $0 } ?? false
            if let checkpoint, (configuration.checkpointInterval > 0 && step % configuration.checkpointInterval == 0)
                || step == total || stopEarly {
                try save(to: checkpoint.appendingPathComponent(Self.checkpointFileName))
            }
            let elapsed = Date().timeIntervalSince(started)
            let report = TrainingProgress(
                step: step, totalSteps: total, epoch: Double(step * configuration.gradientAccumulation) / perEpoch,
                loss: lastLoss, learningRate: rate, gradientNorm: norm, tokensPerSecond: Double(tokens) / max(elapsed, 1e-9),
                secondsRemaining: elapsed / Double(step - firstStep) * Double(total - step), evaluationLoss: heldOut)
            if stopEarly {
                stoppedEarly = true
                _ = progress(report)
                break
            }
            if progress(report) == .stop { break }
        }
        let seconds = Date().timeIntervalSince(started)
        return TrainingSummary(steps: step, lastLoss: lastLoss, bestEvaluationLoss: bestEvaluationLoss,
                               lastEvaluationLoss: lastEvaluation, stoppedEarly: stoppedEarly,
                               tokensPerSecond: Double(tokens) / max(seconds, 1e-9), seconds: seconds)
    }

    /// Mean loss over the target tokens of `sequences` (forward only), in batches.
    public func evaluationLoss(_ sequences: [TrainingSequence]) throws(TrainingError) -> Double {
        var sum = 0.0, count = 0
        var start = 0
        while start < sequences.count {
            let end = min(sequences.count, start + configuration.batchSize)
            let loss = try model.loss(Array(sequences[start..<end]), label: "evaluation sequences \(start)..<\(end)")
            sum += loss.sum
            count += loss.targets
            start = end
        }
        return sum / Double(count)
    }

    /// Scales gradients to the configured global norm; returns the norm before clipping.
    private func clip(_ gradients: inout [Float]) -> Double {
        var squares = 0.0
        for value in gradients { squares += Double(value * value) }
        let norm = squares.squareRoot()
        if let limit = configuration.optimizer.maxGradientNorm, norm > Double(limit) {
            let factor = Float(Double(limit) / (norm + 1e-6))
            for index in gradients.indices { gradients[index] *= factor }
        }
        return norm
    }

    // MARK: - checkpoint

    /// FNV-1a of the training sequences of the current `train` call (tokens and loss masks,
    /// so another --data or --max-length is another run).
    private var dataHash: UInt64 = 0

    private var configurationJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var resumable = configuration
        resumable.threads = 0  // a resume may use another thread count (results then differ in the last bits)
        return String(decoding: (try? encoder.encode(resumable)) ?? Data(), as: UTF8.self)
    }

    /// The top-level fields of two configuration JSON texts whose values differ, sorted; a
    /// field one side lacks counts (bfloat16Products is absent under float32).
    static func changedFields(_ stored: String, _ current: String) -> [String] {
        func fields(_ text: String) -> [String: String] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
            return object.mapValues { value in
                (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        let a = fields(stored), b = fields(current)
        return Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// Writes parameters, AdamW moments and counters atomically to `url`.
    public func save(to url: URL) throws {
        let count = model.trainableLayout.totalCount
        var metadata = ["format": "s2d-trainer-state-1", "step": String(step), "adam_updates": String(optimizer.updates),
                        "evaluations_without_improvement": String(evaluationsWithoutImprovement),
                        "configuration": configurationJSON, "data_fnv1a": String(dataHash), "base_fnv1a": String(baseWeightsHash)]
        if let bestEvaluationLoss { metadata["best_evaluation_loss"] = String(bestEvaluationLoss.bitPattern) }
        try SafetensorsWriter.writeFloat32(
            to: url, tensors: [("parameters", [count], model.trainableValues), ("adam.m", [count], optimizer.m),
                               ("adam.v", [count], optimizer.v)], metadata: metadata)
    }

    /// Loads a state written by `save` with the same configuration, and (when `data` is given
    /// and the file records it) the same training data and base weights.
    public func restore(from url: URL, data: UInt64? = nil) throws {
        let file = try SafetensorsFile(path: url.path)
        func fail(_ reason: String) -> TrainingError { .checkpoint(path: url.path, reason: reason) }
        guard file.metadata["format"] == "s2d-trainer-state-1" else { throw fail("not a trainer state file") }
        guard let stored = file.metadata["configuration"], stored == configurationJSON else {
            let changed = Self.changedFields(file.metadata["configuration"] ?? "{}", configurationJSON)
            throw fail("written by a run with another configuration (\(changed.isEmpty ? "unreadable" : changed.joined(separator: ", ")) "
                + "differ); use the same settings, another output folder, or delete it")
        }
        if let data, let stored = file.metadata["data_fnv1a"].flatMap(UInt64.init), stored != data {
            throw fail("written for other training data (another --data file, or another --max-length cut); use another output folder or delete it")
        }
        if let stored = file.metadata["base_fnv1a"].flatMap(UInt64.init), stored != baseWeightsHash {
            throw fail("written for another base model (its weights differ); use another output folder or delete it")
        }
        guard let step = file.metadata["step"].flatMap(Int.init), let updates = file.metadata["adam_updates"].flatMap(Int.init),
              let patience = file.metadata["evaluations_without_improvement"].flatMap(Int.init)
        else { throw fail("step counters missing") }
        let count = model.trainableLayout.totalCount
        let parameters = try file.floats("parameters"), m = try file.floats("adam.m"), v = try file.floats("adam.v")
        guard parameters.count == count, m.count == count, v.count == count else {
            throw fail("holds \(parameters.count) parameters, the model has \(count)")
        }
        model.trainableValues = parameters
        optimizer.m = m
        optimizer.v = v
        optimizer.updates = updates
        self.step = step
        evaluationsWithoutImprovement = patience
        bestEvaluationLoss = file.metadata["best_evaluation_loss"].flatMap(UInt64.init).map(Double.init(bitPattern:))
    }
}
