import Foundation
import Distillation
import Inference
import ProgramSandbox

/// The solvers a PaD evaluation compares.
public enum PaDSolverKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// PaD student, one greedy program.
    case greedy = "pad-greedy"
    /// PaD student, one sampled program.
    case sample = "pad-sample"
    /// PaD student with error feedback and up to R repairs by the self-refinement adapter.
    case refine = "pad-refine"
    /// PaD student with stepwise-verified beam search.
    case beam = "pad-beam"
    /// Chain-of-thought fine-tuned student, greedy, answer parsed from its text.
    case chainOfThought = "cot-greedy"
}

/// What ranks the beams of stepwise beam search.
public enum PaDStepScorer: Sendable {
    /// The student's own mean token log-probability of the program so far.
    case likelihood
    /// PaD's separate scorer: a verifier adapter of the student's base model, trained in the
    /// run on right and wrong program prefixes (`StepVerifierData`).
    case trainedVerifier
    /// Any model (a larger one behind a server, say), asked zero-shot whether the program so far is right.
    case model(any LanguageModel)

    /// Its name in reports and run settings.
    public var name: String {
        switch self {
        case .likelihood: "likelihood"
        case .trainedVerifier: "trained"
        case .model(let m): m.identifier
        }
    }
}

/// Training settings shared by every fine-tuning stage of the pipeline.
public struct PaDTrainingSettings: Sendable, Hashable, Codable {
    /// LoRA adapters or fully fine-tuned models.
    public var tuning: Tuning
    public var epochs: Int
    public var learningRate: Double
    public var batchSize: Int
    public var loraRank: Int
    public var loraAlpha: Double
    public var maxSequenceLength: Int
    public var seed: UInt64
    /// The arithmetic of the products with the model's weights.
    public var matmulPrecision: MatmulPrecision

    public init(epochs: Int = 2, learningRate: Double = 1e-3, batchSize: Int = 8, loraRank: Int = 16, loraAlpha: Double = 32,
                maxSequenceLength: Int = 384, seed: UInt64 = 0, tuning: Tuning = .lora, matmulPrecision: MatmulPrecision = .float32) {
        self.tuning = tuning
        self.matmulPrecision = matmulPrecision
        self.epochs = epochs
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.loraRank = loraRank
        self.loraAlpha = loraAlpha
        self.maxSequenceLength = maxSequenceLength
        self.seed = seed
    }

    /// The job training on `data` into `output`.
    public func job(data: URL, output: URL, initialAdapter: URL? = nil) -> FineTuneJob {
        FineTuneJob(trainData: data, output: output, initialAdapter: initialAdapter, tuning: tuning, epochs: epochs, learningRate: learningRate,
                    batchSize: batchSize, loraRank: loraRank, loraAlpha: loraAlpha, maxSequenceLength: maxSequenceLength, seed: seed,
                    matmulPrecision: matmulPrecision)
    }
}

/// What a PaD run does: the task and its splits, and the settings of every stage.
public struct PaDConfiguration: Sendable {
    /// The labelled task.
    public var task: any DistillationTask
    /// Questions programs are synthesised and students trained on.
    public var train: [TaskExample]
    /// Questions both students are evaluated on.
    public var test: [TaskExample]
    /// Few-shot exemplars for a teacher model; by default the task's gold programs (or math exemplars).
    public var exemplars: [TaskExample]
    /// Teacher programs per question.
    public var samplesPerQuestion: Int
    /// Teacher sampling.
    public var teacherParameters: SamplingParameters
    /// Prompt wording.
    public var prompting: ProgramPrompting
    /// Sandbox limits.
    public var limits: SandboxLimits
    /// Fine-tuning settings.
    public var training: PaDTrainingSettings
    /// Student samples per training question when collecting self-refinement data.
    public var refineSamplesPerQuestion: Int
    /// Repair rounds of the refining solver.
    public var refineRounds: Int
    /// Also train and evaluate the chain-of-thought baseline (on the training questions' gold
    /// chain of thought, or a teacher model's verified one).
    public var trainChainOfThought: Bool
    /// Solvers evaluated.
    public var solvers: [PaDSolverKind]
    /// Beam search: beams kept, candidates per step, body lines at most.
    public var beamWidth: Int
    public var candidatesPerStep: Int
    public var maxProgramLines: Int
    /// How beam search renders a partial program for the student.
    public var prefixFormat: ProgramPrefixFormat
    /// What ranks the beams.
    public var stepScorer: PaDStepScorer
    /// With a verifier, the weight of its verdict against the likelihood (1: the verdict alone).
    public var stepScorerWeight: Double
    /// Adapter names are this prefix plus `-program`, `-refine`, `-cot`.
    public var adapterPrefix: String
    /// Seed of every sampler.
    public var seed: UInt64
    /// Questions in flight at once.
    public var concurrency: Int

    public init(
        task: any DistillationTask, train: [TaskExample], test: [TaskExample], exemplars: [TaskExample]? = nil,
        samplesPerQuestion: Int = 4, teacherParameters: SamplingParameters = SamplingParameters(maxTokens: 384, temperature: 0.7),
        prompting: ProgramPrompting = ProgramPrompting(), limits: SandboxLimits = .default,
        training: PaDTrainingSettings = PaDTrainingSettings(), refineSamplesPerQuestion: Int = 2, refineRounds: Int = 2,
        trainChainOfThought: Bool = true, solvers: [PaDSolverKind] = PaDSolverKind.allCases, beamWidth: Int = 3,
        candidatesPerStep: Int = 4, maxProgramLines: Int = 24, prefixFormat: ProgramPrefixFormat = .smolLM2,
        stepScorer: PaDStepScorer = .likelihood, stepScorerWeight: Double = 1, adapterPrefix: String = "pad", seed: UInt64 = 0, concurrency: Int = 4
    ) {
        self.task = task
        self.train = train
        self.test = test
        self.exemplars = exemplars ?? ProgramExemplars.select(task: task, pool: train)
        self.samplesPerQuestion = samplesPerQuestion
        self.teacherParameters = teacherParameters
        self.prompting = prompting
        self.limits = limits
        self.training = training
        self.refineSamplesPerQuestion = refineSamplesPerQuestion
        self.refineRounds = refineRounds
        self.trainChainOfThought = trainChainOfThought
        self.solvers = solvers
        self.beamWidth = beamWidth
        self.candidatesPerStep = candidatesPerStep
        self.maxProgramLines = maxProgramLines
        self.prefixFormat = prefixFormat
        self.stepScorer = stepScorer
        self.stepScorerWeight = stepScorerWeight
        self.adapterPrefix = adapterPrefix
        self.seed = seed
        self.concurrency = concurrency
    }
}
