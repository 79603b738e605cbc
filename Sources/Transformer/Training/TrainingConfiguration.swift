import Kernels

/// Everything that decides a training run. The same configuration, data and seed give the
/// same weights, bitwise, for a fixed thread count — also across a kill and resume.
public struct TrainingConfiguration: Sendable, Hashable, Codable {
    public var method: TrainingModel.Method
    public var optimizer: OptimizerConfiguration
    /// Sequences per micro-batch (one forward/backward).
    public var batchSize: Int
    /// Micro-batches per optimizer step; the loss is averaged over all their target tokens.
    public var gradientAccumulation: Int
    public var epochs: Int
    /// When set, the run stops after this many optimizer steps instead of `epochs`.
    public var maxSteps: Int?
    /// Evaluate the held-out loss every this many steps (and at the end); 0: only at the end.
    public var evaluationInterval: Int
    /// Stop when the held-out loss has not improved by `earlyStopMinDelta` for this many
    /// evaluations in a row (nil: never stop early).
    public var earlyStopPatience: Int?
    public var earlyStopMinDelta: Double
    /// Seeds the data order, the adapter's initialization and LoRA dropout.
    public var seed: UInt64
    /// When a checkpoint folder is given: write the training state every this many steps
    /// (0: only at the end and on an early stop).
    public var checkpointInterval: Int
    public var threads: Int
    /// Recompute each layer's activations in the backward (less memory, ~1.3× compute).
    public var recomputeLayers: Bool
    /// Batch sequences of similar length together (within windows of 16 batches, then the
    /// batches are shuffled). It saved padding when batches were padded (0.2–2.2% of the
    /// tokens on the demo's data); batches now have none, so it only changes the data order:
    /// each batch then holds one kind of input (on coin-flip, one number of people), and such
    /// correlated batches can keep a hard task on its loss plateau. Off by default.
    public var groupByLength: Bool
    /// The arithmetic of the products with the model's weight matrices (the linear layers and
    /// the output head; attention and LoRA's rank-r products stay float32). Stored as nil for
    /// float32, so that a checkpoint written before the setting existed still matches.
    public var matmulPrecision: GemmArithmetic {
        get { bfloat16Products == true ? .bfloat16 : .float32 }
        set { bfloat16Products = newValue == .bfloat16 ? true : nil }
    }
    private var bfloat16Products: Bool?

    public init(method: TrainingModel.Method = .lora(LoRAConfiguration()), optimizer: OptimizerConfiguration = OptimizerConfiguration(),
                batchSize: Int = 8, gradientAccumulation: Int = 1, epochs: Int = 1, maxSteps: Int? = nil,
                evaluationInterval: Int = 0, earlyStopPatience: Int? = nil, earlyStopMinDelta: Double = 0,
                seed: UInt64 = 0, checkpointInterval: Int = 0, threads: Int = 2, recomputeLayers: Bool = false,
                groupByLength: Bool = false, matmulPrecision: GemmArithmetic = .float32) {
        self.method = method
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.gradientAccumulation = gradientAccumulation
        self.epochs = epochs
        self.maxSteps = maxSteps
        self.evaluationInterval = evaluationInterval
        self.earlyStopPatience = earlyStopPatience
        self.earlyStopMinDelta = earlyStopMinDelta
        self.seed = seed
        self.checkpointInterval = checkpointInterval
        self.threads = threads
        self.recomputeLayers = recomputeLayers
        self.groupByLength = groupByLength
        self.matmulPrecision = matmulPrecision
    }
}

/// What the progress callback sees after every optimizer step.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    /// Fractional epochs done.
    public var epoch: Double
    /// Mean loss over the step's target tokens.
    public var loss: Double
    public var learningRate: Float
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    /// Training tokens (real, unpadded) per second since this run (or resume) began.
    public var tokensPerSecond: Double
    public var secondsRemaining: Double
    /// Held-out loss when this step evaluated.
    public var evaluationLoss: Double?
}

/// The callback's answer: go on or stop now (the state stays resumable from the last checkpoint).
public enum TrainingControl: Sendable { case proceed, stop }

/// How a run ended.
public struct TrainingSummary: Sendable {
    public var steps: Int
    public var lastLoss: Double
    public var bestEvaluationLoss: Double?
    public var lastEvaluationLoss: Double?
    public var stoppedEarly: Bool
    public var tokensPerSecond: Double
    public var seconds: Double
}
