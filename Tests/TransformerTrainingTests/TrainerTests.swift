import Kernels
import Foundation
import ModelFiles
import Testing
import TestSupport
import Transformer

/// The trainer learns, resumes exactly, and refuses batches with nothing to learn.
@Suite struct TrainerTests {
    @Test func tinyModelOverfitsAHandfulOfSequences() throws {
        let data = TinyModel.sequences(4, length: 12, seed: 11)
        let configuration = TrainingConfiguration(
            method: .full, optimizer: OptimizerConfiguration(learningRate: 1e-2, schedule: .constant, weightDecay: 0),
            batchSize: 4, maxSteps: 150, seed: 1, threads: 1)
        let trainer = try Trainer(weights: TinyModel.weights(), configuration: configuration)
        let before = try trainer.evaluationLoss(data)
        let summary = try trainer.train(data)
        let after = try trainer.evaluationLoss(data)
        #expect(before > 3)  // about ln 50 for a random model
        #expect(after < 0.05, "loss \(before) → \(after)")
        #expect(summary.steps == 150)
    }

    @Test func loraLowersTheLossOfTheTinyModelAndLeavesBaseWeightsAlone() throws {
        let data = TinyModel.sequences(4, length: 12, seed: 12)
        let configuration = TrainingConfiguration(
            method: .lora(LoRAConfiguration(rank: 4, alpha: 8, dropout: 0.1)),
            optimizer: OptimizerConfiguration(learningRate: 1e-2, warmupSteps: 5), batchSize: 2, epochs: 20, seed: 2, threads: 2)
        let weights = TinyModel.weights()
        let trainer = try Trainer(weights: weights, configuration: configuration)
        let before = try trainer.evaluationLoss(data)
        var seen: [TrainingProgress] = []
        try trainer.train(data) { seen.append($0); return .proceed }
        let after = try trainer.evaluationLoss(data)
        #expect(after < before * 0.7, "loss \(before) → \(after)")
        #expect(seen.count == 40 && seen.last?.step == 40 && seen.allSatisfy { $0.tokensPerSecond > 0 })
        #expect(trainer.model.weights.values == weights.values)
    }

    /// LoRA and full fine-tuning alike, with float32 or bfloat16 products: the parameters,
    /// both AdamW moments and the data order all come back from the checkpoint.
    @Test(arguments: [TrainingModel.Method.lora(LoRAConfiguration(rank: 4, alpha: 8, dropout: 0.2)), .full], GemmArithmetic.allCases)
    func aResumedRunEndsOnTheSameWeightsAsAnUninterruptedOne(method: TrainingModel.Method, arithmetic: GemmArithmetic) throws {
        let data = TinyModel.sequences(7, length: 10, seed: 13)
        let configuration = TrainingConfiguration(
            method: method,
            optimizer: OptimizerConfiguration(learningRate: 5e-3, warmupSteps: 2), batchSize: 2, gradientAccumulation: 2,
            epochs: 3, seed: 9, checkpointInterval: 2, threads: 2, matmulPrecision: arithmetic)
        let uninterrupted = try Trainer(weights: TinyModel.weights(), configuration: configuration)
        try uninterrupted.train(data)

        let folder = try TestFiles.temporaryDirectory("s2d-resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Killed after step 3: the last checkpoint is from step 2.
        let first = try Trainer(weights: TinyModel.weights(), configuration: configuration)
        try first.train(data, checkpoint: folder) { $0.step == 3 ? .stop : .proceed }
        #expect(first.step == 3)
        let resumed = try Trainer(weights: TinyModel.weights(), configuration: configuration)
        try resumed.train(data, checkpoint: folder)
        #expect(resumed.step == uninterrupted.step)
        #expect(resumed.model.trainableValues == uninterrupted.model.trainableValues)
        #expect(resumed.optimizer.m == uninterrupted.optimizer.m && resumed.optimizer.v == uninterrupted.optimizer.v)
        if case .full = method { #expect(resumed.model.weights.values != TinyModel.weights().values) }
    }

    @Test func aCheckpointFromAnotherConfigurationIsRefused() throws {
        let data = TinyModel.sequences(2, length: 6, seed: 1)
        let folder = try TestFiles.temporaryDirectory("s2d-resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = TrainingConfiguration(method: .full, batchSize: 2, maxSteps: 1, checkpointInterval: 1, threads: 1)
        try Trainer(weights: TinyModel.weights(), configuration: configuration).train(data, checkpoint: folder)
        // The same configuration on other data (another file, or another length cut) or on
        // another base model of the same shape is another run: refused, saying which.
        #expect {
            try Trainer(weights: TinyModel.weights(), configuration: configuration).train(TinyModel.sequences(2, length: 6, seed: 2), checkpoint: folder)
        } throws: { "\($0)".contains("other training data") }
        #expect {
            try Trainer(weights: TinyModel.weights(seed: 8), configuration: configuration).train(data, checkpoint: folder)
        } throws: { "\($0)".contains("another base model") }
        try Trainer(weights: TinyModel.weights(), configuration: configuration).train(data, checkpoint: folder)  // the same run resumes
        // Other arithmetic is another run too.
        var bfloat16 = configuration
        bfloat16.matmulPrecision = .bfloat16
        #expect {
            try Trainer(weights: TinyModel.weights(), configuration: bfloat16).train(data, checkpoint: folder)
        } throws: { "\($0)".contains("another configuration (bfloat16Products differ)") }
        configuration.optimizer.learningRate *= 2
        #expect {
            try Trainer(weights: TinyModel.weights(), configuration: configuration).train(data, checkpoint: folder)
        } throws: { "\($0)".contains("(optimizer differ)") }
    }

    /// A float32 configuration encodes as it did before the setting existed, so checkpoints
    /// written then still resume.
    @Test func float32ProductsLeaveTheConfigurationJSONAsBefore() throws {
        var configuration = TrainingConfiguration()
        let before = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        #expect(!before.contains("bfloat16"))
        configuration.matmulPrecision = .bfloat16
        let after = try JSONEncoder().encode(configuration)
        #expect(String(decoding: after, as: UTF8.self).contains("bfloat16"))
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: after).matmulPrecision == .bfloat16)
    }

    @Test func aBatchWhoseLabelsAreAllMaskedIsAnError() throws {
        let model = TrainingModel(weights: TinyModel.weights())
        let masked = TrainingSequence(tokens: [1, 2, 3, 4], lossMask: [true, false, false, false])
        var gradients = [Float](repeating: 0, count: model.trainableLayout.totalCount)
        #expect(throws: TrainingError.noTargetTokens(batch: "b")) {
            try model.accumulateGradients([masked, masked], gradientScale: 1, into: &gradients, label: "b")
        }
        let trainer = try Trainer(weights: TinyModel.weights(), configuration: TrainingConfiguration(method: .full, batchSize: 1, threads: 1))
        do {
            try trainer.train([masked])
            Issue.record("training on a fully masked batch did not throw")
        } catch let error as TrainingError {
            #expect(error.description.contains("no target tokens"))
        }
    }

    @Test func earlyStopEndsTheRunWhenTheHeldOutLossStopsImproving() throws {
        let data = TinyModel.sequences(4, length: 8, seed: 3)
        // A zero learning rate: the held-out loss never improves after the first evaluation.
        let configuration = TrainingConfiguration(
            method: .full, optimizer: OptimizerConfiguration(learningRate: 0), batchSize: 2, epochs: 10,
            evaluationInterval: 1, earlyStopPatience: 2, threads: 1)
        let trainer = try Trainer(weights: TinyModel.weights(), configuration: configuration)
        let summary = try trainer.train(data, evaluation: TinyModel.sequences(2, length: 8, seed: 4))
        #expect(summary.stoppedEarly && summary.steps == 3)
    }

    @Test func scheduleWarmsUpThenDecays() {
        let cosine = OptimizerConfiguration(learningRate: 1, schedule: .cosine, warmupSteps: 4, minimumRatio: 0.1)
        #expect(cosine.learningRate(step: 0, totalSteps: 14) == 0.25)
        #expect(cosine.learningRate(step: 3, totalSteps: 14) == 1)
        #expect(abs(cosine.learningRate(step: 9, totalSteps: 14) - 0.55) < 1e-6)
        let linear = OptimizerConfiguration(learningRate: 1, schedule: .linear, warmupSteps: 0)
        #expect(abs(linear.learningRate(step: 5, totalSteps: 10) - 0.5) < 1e-6)
    }

    @Test(arguments: GemmArithmetic.allCases)
    func loraOnTheRealModelLowersTheLossOfRealChats(arithmetic: GemmArithmetic) throws {
        let reference = try TestFiles.referenceJSON("smollm2-135m-instruct/gradients.json")
        let ids = try #require(reference["ids"] as? [Int])
        let tokenizer = try TestFiles.referenceJSON("smollm2-135m-instruct/tokenizer.json")
        var chats = [ids]
        for key in ["chat_template", "vectors"] {
            let entries = try #require(tokenizer[key] as? [[String: Any]])
            chats += entries.compactMap { $0["ids"] as? [Int] }.filter { $0.count >= 6 }
        }
        chats = Array(chats.sorted { $0.count > $1.count }.prefix(8))
        // The answer is the last third of each sequence.
        let data = chats.map { ids in TrainingSequence(tokens: ids, lossMask: ids.indices.map { $0 >= ids.count * 2 / 3 }) }
        let configuration = TrainingConfiguration(
            method: .lora(LoRAConfiguration(rank: 8, alpha: 16)), optimizer: OptimizerConfiguration(learningRate: 2e-3),
            batchSize: data.count, maxSteps: 3, seed: 5, threads: 2, matmulPrecision: arithmetic)
        let trainer = try Trainer(weights: TrainingWeights(gguf: GGUFFile(path: TestFiles.smolLM2())), configuration: configuration)
        let before = try trainer.evaluationLoss(data)
        try trainer.train(data)
        let after = try trainer.evaluationLoss(data)
        #expect(after < before * 0.8, "loss \(before) → \(after)")
    }
}

/// The data order: every sequence once per epoch, seeded, and length-grouped batches pad less.
@Suite struct DataOrderTests {
    @Test func epochsCoverEverySequenceOnceAndGroupingReducesPadding() throws {
        var generator = SplitMix64(seed: 3)
        let lengths = (0..<200).map { _ in 5 + Int(generator.next() % 120) }
        func padding(_ batches: [[Int]]) -> Int {
            batches.reduce(0) { total, batch in
                let longest = batch.map { lengths[$0] }.max()!
                return total + batch.reduce(0) { $0 + longest - lengths[$1] }
            }
        }
        var results: [Bool: Int] = [:]
        for grouped in [false, true] {
            let configuration = TrainingConfiguration(method: .full, batchSize: 8, seed: 4, threads: 1, groupByLength: grouped)
            let trainer = try Trainer(weights: TinyModel.weights(), configuration: configuration)
            let epoch0 = trainer.epochBatches(0, lengths: lengths), epoch1 = trainer.epochBatches(1, lengths: lengths)
            #expect(epoch0.joined().sorted() == Array(0..<200) && epoch1.joined().sorted() == Array(0..<200))
            #expect(epoch0 != epoch1 && epoch0 == trainer.epochBatches(0, lengths: lengths))
            results[grouped] = padding(epoch0)
        }
        #expect(results[true]! * 3 < results[false]!, "padding \(results)")
    }
}
