import Kernels
import Foundation
import ModelFiles

/// Training throughput and peak memory on the real model, for `s2d bench train`.
public enum TrainingBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var method: String
        public var batchSize: Int
        public var sequenceLength: Int
        public var threads: Int
        /// Steps timed (the first step, which allocates, is not).
        public var timedSteps: Int
        public var secondsPerStep: Double
        public var tokensPerSecond: Double
        /// Peak resident memory of the process during this method's run (VmHWM), bytes.
        public var peakMemoryBytes: Int
        public var matmulPrecision: GemmArithmetic

        public var description: String {
            String(format: "%@ (%@ products): batch %d × %d tokens, %d threads: %.1f tokens/s (%.2f s/step over %d steps), peak memory %.2f GB",
                   method, matmulPrecision.rawValue, batchSize, sequenceLength, threads, tokensPerSecond, secondsPerStep, timedSteps,
                   Double(peakMemoryBytes) / 1e9)
        }
    }

    /// Trains `steps` + 1 steps of each method on random tokens (every position a target)
    /// and times all but the first. Defaults: LoRA rank 16 on all linear layers, then full
    /// fine-tuning, batch 8 × 128, as the PyTorch reference in ENGINE-NOTES.md.
    public static func run(
        modelPath: String, threads: Int = 2, batchSize: Int = 8, sequenceLength: Int = 128, steps: Int = 3,
        methods: [TrainingModel.Method] = [.lora(LoRAConfiguration(rank: 16, alpha: 32)), .full],
        recomputeLayers: Bool = false, matmulPrecision: GemmArithmetic = .float32
    ) throws -> [Result] {
        var results: [Result] = []
        for method in methods {
            resetPeakMemory()
            let file = try GGUFFile(path: modelPath)
            let weights = try TrainingWeights(gguf: file)
            var generator = SplitMix64(seed: 1)
            let data = (0..<batchSize).map { _ in
                TrainingSequence(tokens: (0..<sequenceLength).map { _ in Int(generator.next() % UInt64(weights.configuration.vocabularySize)) })
            }
            let configuration = TrainingConfiguration(
                method: method, optimizer: OptimizerConfiguration(learningRate: 1e-5), batchSize: batchSize,
                maxSteps: steps + 1, threads: threads, recomputeLayers: recomputeLayers,
                matmulPrecision: matmulPrecision)
            let trainer = try Trainer(weights: weights, configuration: configuration)
            var stamps: [Date] = []
            try trainer.train(data) { _ in
                stamps.append(Date())
                return .proceed
            }
            let seconds = stamps.last!.timeIntervalSince(stamps.first!) / Double(steps)
            let name: String
            switch method {
            case .full: name = "full fine-tuning"
            case let .lora(lora): name = "LoRA r\(lora.rank) on \(lora.targets.map(\.rawValue).joined(separator: ","))"
            }
            results.append(Result(method: name, batchSize: batchSize, sequenceLength: sequenceLength, threads: threads,
                                  timedSteps: steps, secondsPerStep: seconds,
                                  tokensPerSecond: Double(batchSize * sequenceLength) / seconds, peakMemoryBytes: peakMemory(),
                                  matmulPrecision: matmulPrecision))
        }
        return results
    }

    /// VmHWM of /proc/self/status in bytes (0 where there is no /proc).
    public static func peakMemory() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }

    /// Resets VmHWM to the current resident size (Linux: "5" to /proc/self/clear_refs).
    static func resetPeakMemory() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
