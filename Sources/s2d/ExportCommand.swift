import ArgumentParser
import Foundation
import Inference

/// `s2d export`: a fine-tuned model as one GGUF file for llama.cpp, Ollama or `--model gguf:`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the model with an adapter merged in (or a fully fine-tuned model) as one GGUF file.",
        discussion: """
            The base model's metadata (architecture, tokenizer, chat template) is carried over, so llama.cpp, Ollama and \
            s2d's --model gguf:FILE load the result like the base model. Matrices are written as --type: q8_0 (default) and \
            q4_1 keep the engine's int8 kernels, f32 is lossless, f16/bf16 halve the file; norms stay float32.
            """)

    @OptionGroup var model: LocalModelOption
    @Option(help: "A PEFT LoRA adapter folder to merge in, or a folder with a fully fine-tuned model.gguf (none: the base alone).")
    var adapter: String?
    @Option(help: "The GGUF file to write.") var out: String
    @Option(help: "Type of the matrices: f32, f16, bf16, q8_0 or q4_1.") var type: ModelFileType = .q8_0
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let summary = try ModelExport.export(
            basePath: try model.localPath(), fineTuned: adapter.map(URL.init(fileURLWithPath:)),
            to: URL(fileURLWithPath: out), type: type)
        if json { try JSONOutput.print(summary); return }
        print(String(format: "wrote %@: %d tensors, %@ matrices, %.1f MB", summary.output, summary.tensors, summary.type.rawValue,
                     Double(summary.bytes) / 1e6))
    }
}
