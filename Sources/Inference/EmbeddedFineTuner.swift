import Foundation
import ModelFiles
import Tokenizers
import Transformer

/// The embedded trainer behind the `FineTuner` seam: LoRA on the float32 weights of a GGUF
/// model, written as a PEFT adapter folder, or full fine-tuning, written as a GGUF model with
/// the source's metadata. Training state is checkpointed inside the output folder, so a killed
/// run resumes where it stopped.
public struct EmbeddedFineTuner: FineTuner {
    public let modelPath: String
    public let threads: Int
    /// Steps between checkpoints of the training state.
    public let checkpointInterval: Int

    public init(modelPath: String, threads: Int = 2, checkpointInterval: Int = 10) {
        self.modelPath = modelPath
        self.threads = threads
        self.checkpointInterval = checkpointInterval
    }

    /// Reads a chat-messages JSONL file into training sequences (errors name file and line).
    public static func sequences(path: String, encoder: ChatSequenceEncoder) throws -> [TrainingSequence] {
        let conversations = try ChatJSONL.read(path: path)
        return try conversations.enumerated().map { index, conversation in
            try encoder.encode(conversation.map { ChatTurn(role: $0.role, content: $0.content) }, record: "\(path): record \(index + 1)")
        }
    }

    /// `job.warmupFraction` of the run's optimizer steps, at least one (as the calibration's
    /// `max(1, steps // 20)` for 5%).
    static func warmupSteps(_ job: FineTuneJob, sequences: Int) -> Int {
        let steps = job.epochs * ((sequences + job.batchSize - 1) / max(1, job.batchSize))
        return max(1, Int(Double(steps) * job.warmupFraction))
    }

    public func fineTune(_ job: FineTuneJob, progress: @escaping @Sendable (Inference.TrainingProgress) -> Void) async throws -> FineTuneReport {
        let file = try GGUFFile(path: modelPath)
        let encoder = ChatSequenceEncoder(tokenizer: try Tokenizer(gguf: file), maximumLength: job.maxSequenceLength)
        let train = try Self.sequences(path: job.trainData.path, encoder: encoder)
        let evaluation = try job.evalData.map { try Self.sequences(path: $0.path, encoder: encoder) } ?? []
        let targets = try job.targets.sorted().map { name in
            guard let target = LinearTarget(rawValue: name) else {
                throw FineTuneJobError.unknownTarget(name)
            }
            return target
        }
        guard Set(targets).count == targets.count else { throw FineTuneJobError.duplicateTarget(job.targets) }
        // A fully fine-tuned model to continue from replaces the base weights; a LoRA adapter is
        // continued under LoRA and merged into the weights under full fine-tuning.
        let initialModel = job.initialAdapter.map { $0.appendingPathComponent(FineTuneJob.modelFileName) }
            .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
        if initialModel != nil, job.tuning == .lora {
            throw FineTuneJobError.loraOnFullModel(job.initialAdapter!.path)
        }
        var weights = try TrainingWeights(gguf: initialModel.map { try GGUFFile(path: $0.path) } ?? file)
        let initial = try job.initialAdapter.flatMap { initialModel == nil ? try PEFTAdapter.load(from: $0, model: weights.configuration) : nil }
        let method: TrainingModel.Method
        switch job.tuning {
        case .lora:
            method = .lora(LoRAConfiguration(rank: job.loraRank, alpha: Float(job.loraAlpha), targets: targets))
        case .full:
            method = .full
            if let initial { weights.merge(initial) }  // continue from base + adapter as one model
        }
        let configuration = TrainingConfiguration(
            method: method,
            optimizer: OptimizerConfiguration(
                learningRate: Float(job.learningRate), schedule: job.schedule,
                warmupSteps: Self.warmupSteps(job, sequences: train.count), weightDecay: Float(job.weightDecay)),
            batchSize: job.batchSize, epochs: job.epochs, evaluationInterval: evaluation.isEmpty ? 0 : 10,
            seed: job.seed, checkpointInterval: checkpointInterval, threads: threads,
            groupByLength: job.groupByLength, matmulPrecision: job.matmulPrecision.arithmetic)
        let trainer = try Trainer(weights: weights, configuration: configuration, initialAdapter: job.tuning == .lora ? initial : nil)

        let curve = LossCurve()
        let started = Date()
        let checkpoint = job.output.appendingPathComponent("checkpoint")
        let summary = try trainer.train(train, evaluation: evaluation, checkpoint: checkpoint) { step in
            curve.record(step)
            progress(Inference.TrainingProgress(
                step: step.step, totalSteps: step.totalSteps, loss: step.loss, tokensPerSecond: step.tokensPerSecond,
                elapsedSeconds: Date().timeIntervalSince(started), etaSeconds: step.secondsRemaining))
            return .proceed
        }
        var model: URL?
        if let outputModel = job.outputModel {
            try trainer.model.weights.ggufWriter(metadataFrom: file, matrixType: job.modelFileType.ggmlType).write(to: outputModel)
            // The state of a full fine-tune is three copies of the model (weights, two moments):
            // once the model is written it is only disk, so it goes.
            try? FileManager.default.removeItem(at: checkpoint)
            model = outputModel
        } else {
            guard let adapter = trainer.adapter else { throw FineTuneJobError.noAdapter }
            try PEFTAdapter.save(adapter, model: weights.configuration, to: job.output)
        }
        let tokens = train.reduce(0) { $0 + $1.tokens.count } * job.epochs
        return FineTuneReport(
            adapter: job.output, model: model, steps: summary.steps, trainedTokens: tokens, seconds: summary.seconds,
            lossCurve: curve.training, evalLossCurve: curve.evaluation)
    }
}

/// Why a fine-tuning job cannot run.
public enum FineTuneJobError: Error, CustomStringConvertible {
    case unknownTarget(String)
    case noAdapter
    case loraOnFullModel(String)
    case duplicateTarget([String])

    public var description: String {
        switch self {
        case let .unknownTarget(name): "unknown LoRA target '\(name)' (known: \(LinearTarget.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .noAdapter: "training produced no adapter"
        case let .duplicateTarget(names): "LoRA targets \(names.joined(separator: ",")) name a layer twice"
        case let .loraOnFullModel(path):
            "\(path) holds a fully fine-tuned model; a LoRA adapter on it could not be served with the base model (continue it with full fine-tuning, or load it as the model with gguf:\(path))"
        }
    }
}

/// Collects the loss curve from the trainer's progress callback.
private final class LossCurve: @unchecked Sendable {
    // Only touched from the trainer's (synchronous) callback.
    var training: [FineTuneReport.LossPoint] = []
    var evaluation: [FineTuneReport.LossPoint] = []

    func record(_ step: Transformer.TrainingProgress) {
        training.append(.init(step: step.step, loss: step.loss))
        if let loss = step.evaluationLoss { evaluation.append(.init(step: step.step, loss: loss)) }
    }
}
