import Foundation
import ModelFiles
import Transformer

/// The training seam: fine-tunes a model on chat-messages JSONL and writes a LoRA adapter
/// (PEFT layout) or, under full fine-tuning, a whole model (GGUF). The embedded trainer
/// implements it; an external trainer could too.
public protocol FineTuner: Sendable {
    /// Runs `job`, reporting progress, and returns what happened.
    func fineTune(_ job: FineTuneJob, progress: @escaping @Sendable (TrainingProgress) -> Void) async throws -> FineTuneReport
}

/// What is trained: a LoRA adapter on the frozen model, or every weight.
public enum Tuning: String, Sendable, Hashable, Codable, CaseIterable {
    case lora
    case full

    /// The calibration's peak rates (../shared/reference/calibration): LoRA r16 at 2e-3, full
    /// fine-tuning at 1e-4. Every command's `--lr` defaults to these.
    public var defaultLearningRate: Double { self == .lora ? 2e-3 : 1e-4 }
}

/// The types a fully fine-tuned model's matrices can be written in (norms stay float32).
/// q8_0 and q4_1 keep the engine's int8 kernels; f32 is lossless; f16/bf16 halve the file.
public enum ModelFileType: String, Sendable, Hashable, Codable, CaseIterable {
    case f32, f16, bf16, q8_0, q4_1

    var ggmlType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .q8_0: .q8_0
        case .q4_1: .q4_1
        }
    }
}

/// What to train: data, where the result goes, and the hyperparameters.
public struct FineTuneJob: Sendable, Hashable, Codable {
    /// Chat-messages JSONL: `{"messages":[{"role":"user",…},{"role":"assistant",…}]}` per line.
    public var trainData: URL
    /// Optional held-out JSONL for evaluation loss and early stopping.
    public var evalData: URL?
    /// The folder to write: a PEFT adapter (`adapter_config.json`, `adapter_model.safetensors`)
    /// under LoRA, `model.gguf` (see `modelFileName`) under full fine-tuning.
    public var output: URL
    /// Start from this adapter instead of a fresh one (continue training a taught model); under
    /// full fine-tuning it is merged into the weights first.
    public var initialAdapter: URL?
    public var tuning: Tuning
    /// The matrices' type in the written model (full fine-tuning).
    public var modelFileType: ModelFileType
    public var epochs: Int
    /// The peak learning rate, reached after `warmupFraction` of the steps, then decayed by
    /// `schedule` to 0. The defaults are the calibration's (../shared/reference/calibration:
    /// linear decay after 5% warm-up, no weight decay), so its recipes can be replayed as given.
    public var learningRate: Double
    public var warmupFraction: Double
    public var schedule: LearningRateSchedule
    /// Decoupled AdamW weight decay on matrices.
    public var weightDecay: Double
    public var batchSize: Int
    public var loraRank: Int
    public var loraAlpha: Double
    /// Linear layers to adapt (`q`, `k`, `v`, `o`, `gate`, `up`, `down`).
    public var targets: [String]
    /// Longer examples are truncated from the left of the prompt, never in the answer.
    public var maxSequenceLength: Int
    /// Batches of similar-length sequences (less padding, correlated batches); off as in the
    /// calibration.
    public var groupByLength: Bool
    public var seed: UInt64
    /// The arithmetic of the products with the model's weights (bfloat16: operands rounded to
    /// bf16, float32 sums, ~1.7× faster where the CPU has AVX-512 BF16).
    public var matmulPrecision: MatmulPrecision

    /// The model file a full fine-tune writes into `output`.
    public static let modelFileName = "model.gguf"

    /// The GGUF a full fine-tune writes (nil under LoRA).
    public var outputModel: URL? { tuning == .full ? output.appendingPathComponent(Self.modelFileName) : nil }

    public init(
        trainData: URL, evalData: URL? = nil, output: URL, initialAdapter: URL? = nil,
        tuning: Tuning = .lora, modelFileType: ModelFileType = .q8_0, epochs: Int = 2,
        learningRate: Double = 1e-3, warmupFraction: Double = 0.05, schedule: LearningRateSchedule = .linear, weightDecay: Double = 0,
        batchSize: Int = 8, loraRank: Int = 16, loraAlpha: Double = 32,
        targets: [String] = ["q", "k", "v", "o", "gate", "up", "down"], maxSequenceLength: Int = 256,
        groupByLength: Bool = false, seed: UInt64 = 0, matmulPrecision: MatmulPrecision = .float32
    ) {
        self.trainData = trainData
        self.evalData = evalData
        self.output = output
        self.initialAdapter = initialAdapter
        self.tuning = tuning
        self.modelFileType = modelFileType
        self.epochs = epochs
        self.learningRate = learningRate
        self.warmupFraction = warmupFraction
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.loraRank = loraRank
        self.loraAlpha = loraAlpha
        self.targets = targets
        self.maxSequenceLength = maxSequenceLength
        self.groupByLength = groupByLength
        self.seed = seed
        self.matmulPrecision = matmulPrecision
    }
}

/// One progress report of a training run.
public struct TrainingProgress: Sendable, Hashable, Codable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var tokensPerSecond: Double
    public var elapsedSeconds: Double
    public var etaSeconds: Double

    public init(step: Int, totalSteps: Int, loss: Double, tokensPerSecond: Double, elapsedSeconds: Double, etaSeconds: Double) {
        self.step = step
        self.totalSteps = totalSteps
        self.loss = loss
        self.tokensPerSecond = tokensPerSecond
        self.elapsedSeconds = elapsedSeconds
        self.etaSeconds = etaSeconds
    }
}

/// The outcome of a training run.
public struct FineTuneReport: Sendable, Hashable, Codable {
    /// The output folder (the adapter, under LoRA).
    public var adapter: URL
    /// The written GGUF, under full fine-tuning.
    public var model: URL?
    public var steps: Int
    public var trainedTokens: Int
    public var seconds: Double
    /// (step, training loss) for the loss curve.
    public var lossCurve: [LossPoint]
    /// (step, evaluation loss), when evaluation data was given.
    public var evalLossCurve: [LossPoint]

    public struct LossPoint: Sendable, Hashable, Codable {
        public var step: Int
        public var loss: Double
        public init(step: Int, loss: Double) {
            self.step = step
            self.loss = loss
        }
    }

    public init(adapter: URL, model: URL? = nil, steps: Int, trainedTokens: Int, seconds: Double, lossCurve: [LossPoint],
                evalLossCurve: [LossPoint] = []) {
        self.adapter = adapter
        self.model = model
        self.steps = steps
        self.trainedTokens = trainedTokens
        self.seconds = seconds
        self.lossCurve = lossCurve
        self.evalLossCurve = evalLossCurve
    }
}

/// A model that can serve LoRA adapters by name (`GenerationRequest.adapter`).
public protocol AdapterServing: LanguageModel {
    /// Loads the PEFT adapter folder at `path` under `name` (replacing one of that name).
    func loadAdapter(named name: String, from path: URL) async throws
}
