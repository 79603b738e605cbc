import ArgumentParser
import Foundation
import Inference

/// `s2d train`: LoRA or full fine-tuning of the embedded model on chat-messages JSONL.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune the embedded model on chat-messages JSONL: LoRA (a PEFT adapter folder) or full (a GGUF model).",
        discussion: """
            A killed run resumes from its checkpoint when started again with the same --out.
            --tuning full trains every weight and writes OUT/model.gguf (load it with --model gguf:OUT/model.gguf); \
            its checkpoint (three copies of the model) is deleted once the model is written.
            """)

    @OptionGroup var model: LocalModelOption
    @Option(help: "Training data: chat-messages JSONL.") var data: String
    @Option(name: .customLong("eval-data"), help: "Held-out chat-messages JSONL for evaluation loss.") var evalData: String?
    @Option(help: "Folder to write: the adapter (LoRA) or model.gguf (full).") var out: String
    @Option(help: "What is trained: lora (an adapter on the frozen model) or full (every weight).") var tuning: Tuning = .lora
    @Option(name: .customLong("model-file-type"),
            help: "Type of the matrices of a fully fine-tuned model: q8_0 and q4_1 keep the fast int8 kernels, f32 is lossless, f16 or bf16.")
    var modelFileType: ModelFileType = .q8_0
    @Option(name: .customLong("init-adapter"), help: "Continue training this adapter (full: merged into the model first).") var initAdapter: String?
    @Option(name: .customLong("lora-rank"), help: "LoRA rank.") var loraRank = 16
    @Option(name: .customLong("lora-alpha"), help: "LoRA alpha (the update is scaled by alpha / rank).") var loraAlpha = 32.0
    @Option(help: "LoRA targets, comma-separated (q,k,v,o,gate,up,down).") var targets = "q,k,v,o,gate,up,down"
    @Option(help: "Passes over the training data.") var epochs = 2
    @Option(help: "Peak learning rate (default \(Tuning.lora.defaultLearningRate) with LoRA, \(Tuning.full.defaultLearningRate) with full fine-tuning).")
    var lr: Double?
    @Option(name: .customLong("warmup"), help: "Share of the optimizer steps over which the learning rate rises to --lr.") var warmup = 0.05
    @Option(name: .customLong("lr-schedule"), help: "Decay after warm-up: linear, cosine or constant.") var lrSchedule: LearningRateSchedule = .linear
    @Option(name: .customLong("weight-decay"), help: "AdamW's decoupled weight decay.") var weightDecay = 0.0
    @Option(help: "Sequences per optimizer step.") var batch = 8
    @Option(name: .customLong("matmul-precision"), help: MatmulPrecisionArgument.help) var matmulPrecision: MatmulPrecisionArgument = .auto
    @Option(name: .customLong("max-length"), help: "Tokens per sequence (prompts are cut from the left).") var maxLength = 256
    @Flag(name: .customLong("group-by-length"), help: "Batch sequences of similar length together (correlated batches; batches have no padding to save).")
    var groupByLength = false
    @Option(help: "Seed of the adapter initialisation and the data order.") var seed: UInt64 = 0
    @Option(help: "Training threads.") var threads = 2
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress lines on stderr.") var quiet = false

    func validate() throws {
        guard (0...1).contains(warmup) else { throw ValidationError("--warmup is a share of the steps, in 0...1 (got \(warmup))") }
        let names = targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard Set(names).count == names.count else { throw ValidationError("--targets names a layer twice: \(targets)") }
        guard epochs > 0, batch > 0, loraRank > 0, maxLength > 1 else {
            throw ValidationError("--epochs, --batch and --lora-rank must be at least 1 and --max-length at least 2")
        }
        if let lr { guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number (got \(lr))") } }
        guard weightDecay >= 0, weightDecay.isFinite else { throw ValidationError("--weight-decay must be ≥ 0 (got \(weightDecay))") }
    }

    func run() async throws {
        let path = try model.localPath()
        let job = FineTuneJob(
            trainData: URL(fileURLWithPath: data), evalData: evalData.map(URL.init(fileURLWithPath:)),
            output: URL(fileURLWithPath: out), initialAdapter: initAdapter.map(URL.init(fileURLWithPath:)),
            tuning: tuning, modelFileType: modelFileType, epochs: epochs, learningRate: lr ?? tuning.defaultLearningRate, warmupFraction: warmup, schedule: lrSchedule, weightDecay: weightDecay, batchSize: batch, loraRank: loraRank, loraAlpha: loraAlpha,
            targets: targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            maxSequenceLength: maxLength, groupByLength: groupByLength, seed: seed, matmulPrecision: matmulPrecision.precision)
        let progress = ProgressLine(label: "train", quiet: quiet)
        let report = try await EmbeddedFineTuner(modelPath: path, threads: threads).fineTune(job) { step in
            progress.update(String(
                format: "step %d/%d  loss %.4f  %.0f tok/s  ETA %@", step.step, step.totalSteps, step.loss,
                step.tokensPerSecond, ProgressLine.duration(step.etaSeconds)))
        }
        progress.finish()
        if json {
            try JSONOutput.print(report)
        } else {
            let last = report.lossCurve.last.map { String(format: "%.4f", $0.loss) } ?? "-"
            if let model = report.model { print("model: \(model.path)") } else { print("adapter: \(report.adapter.path)") }
            print(String(format: "%d steps, %d tokens in %.1f s, final loss %@", report.steps, report.trainedTokens, report.seconds, last))
        }
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
extension Tuning: ExpressibleByArgument {}
extension ModelFileType: ExpressibleByArgument {}
