import ArgumentParser
import Foundation
import Inference
import Server

/// `s2d bench`: performance figures, printed as tables.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance: engine (inference), serve (HTTP server under concurrency), train.",
        subcommands: [EngineBench.self, ServeBench.self, TrainBench.self])
}

/// `s2d bench engine`: prompt processing, single-stream and batched decode.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Prompt processing (512 tokens), single-stream decode (128 tokens), batched decode (8 and 32 sequences sharing a 64-token prompt).")

    @OptionGroup var model: LocalModelOption
    @Option(help: "Threads.") var threads = 2
    @Option(help: "quantized (default) or float32.") var precision: PrecisionArgument = .quantized
    @Option(help: "Kernel path: portable, avx2 or avx512 (default: S2D_CPU, else the fastest this CPU runs).") var cpu: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let kernels = try KernelPath.choose(cpu)
        let path = try model.localPath()
        let rows = try EngineBenchmark.run(modelPath: path, threads: threads, precision: precision.precision)
        if json {
            try JSONOutput.print(EngineBenchReport(kernelPath: kernels.rawValue, cpuFeatures: CPUFeatures.current.names, rows: rows))
            return
        }
        print("engine: \(path), \(threads) threads, \(precision.rawValue), kernel path \(KernelPath.summary)")
        var table = TextTable(["measurement", "tokens", "seconds", "tok/s", "tok/CPU-s"])
        for row in rows {
            table.add([row.name, "\(row.tokens)", String(format: "%.2f", row.seconds),
                       String(format: "%.1f", row.tokensPerSecond), String(format: "%.1f", row.tokensPerCPUSecond)])
        }
        print(table.rendered)
    }
}

/// `s2d bench engine --json`: the figures and the kernel path they were measured on.
private struct EngineBenchReport: Encodable {
    let kernelPath: String
    let cpuFeatures: [String]
    let rows: [EngineBenchmark.Row]
}

/// `s2d bench serve`: the HTTP server's throughput, requests sent serially vs all at once.
struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "s2d serve throughput: N completions of M tokens sent one after another, then all concurrently (one shared batch); with --clients, latency under load and beside hostile clients.")

    @OptionGroup var model: LocalModelOption
    @Option(help: "Requests per run.") var requests = 16
    @Option(name: .customLong("max-tokens"), help: "Tokens per request.") var maxTokens = 32
    @Option(help: "Threads.") var threads = 2
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup(title: "Load (with --clients)") var load: ServeLoadOptions

    func validate() throws { try load.validate() }

    func run() async throws {
        if let clients = load.clients {
            try await runLoad(clients: clients)
            return
        }
        let path = try model.localPath()
        let engine = try EmbeddedLanguageModel(path: path, threads: threads, maximumBatch: max(32, requests))
        let rows = try await ServerBenchmark.run(model: engine, requests: requests, maxTokens: maxTokens)
        if json {
            try JSONOutput.print(rows)
            return
        }
        print("serve: \(path), \(threads) threads, \(requests) requests x \(maxTokens) tokens over HTTP on 127.0.0.1")
        var table = TextTable(["requests sent", "requests", "tokens", "seconds", "tok/s", "mean latency s", "max latency s"])
        for row in rows {
            table.add([row.name, "\(row.requests)", "\(row.completionTokens)", String(format: "%.2f", row.seconds),
                       String(format: "%.1f", row.tokensPerSecond), String(format: "%.2f", row.meanLatency), String(format: "%.2f", row.maxLatency)])
        }
        if rows.count == 2, rows[0].tokensPerSecond > 0 {
            print(table.rendered + String(format: "\nconcurrent / serial throughput: %.1fx", rows[1].tokensPerSecond / rows[0].tokensPerSecond))
        } else {
            print(table.rendered)
        }
    }
}

/// `s2d bench train`: training tokens/s and peak memory, LoRA and full fine-tuning.
struct TrainBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training tokens/s and peak memory for LoRA (rank 16, all linear layers) and full fine-tuning at batch 8 x 128.")

    @OptionGroup var model: LocalModelOption
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Sequences per batch.") var batch = 8
    @Option(name: .customLong("sequence-length"), help: "Tokens per sequence.") var sequenceLength = 128
    @Option(help: "Timed steps per method (one more, untimed, warms up).") var steps = 3
    @Flag(help: "Recompute each layer's activations in the backward pass (less memory).") var recompute = false
    @Option(help: "Kernel path: portable, avx2 or avx512 (default: S2D_CPU, else the fastest this CPU runs).") var cpu: String?
    @Option(name: .customLong("matmul-precision"), help: MatmulPrecisionArgument.help) var matmulPrecision: MatmulPrecisionArgument = .auto
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let kernels = try KernelPath.choose(cpu)
        let path = try model.localPath()
        let precision = matmulPrecision.precision
        let results = try TrainingBenchmark.run(
            modelPath: path, threads: threads, batchSize: batch, sequenceLength: sequenceLength, steps: steps,
            recomputeLayers: recompute, matmulPrecision: precision.arithmetic)
        if json {
            try JSONOutput.print(results.map { ["method": $0.method, "kernel_path": kernels.rawValue, "matmul_precision": precision.rawValue,
                                               "tokens_per_second": String(format: "%.1f", $0.tokensPerSecond),
                                               "peak_memory_gb": String(format: "%.2f", Double($0.peakMemoryBytes) / 1e9)] })
            return
        }
        print("train: \(path), batch \(batch) x \(sequenceLength), \(threads) threads\(recompute ? ", recompute" : ""), \(precision) products\(precision.isNative ? "" : " (emulated)"), kernel path \(KernelPath.summary)")
        var table = TextTable(["method", "tokens/s", "s/step", "peak memory"])
        for result in results {
            table.add([result.method, String(format: "%.1f", result.tokensPerSecond), String(format: "%.2f", result.secondsPerStep),
                       String(format: "%.2f GB", Double(result.peakMemoryBytes) / 1e9)])
        }
        print(table.rendered)
    }
}
