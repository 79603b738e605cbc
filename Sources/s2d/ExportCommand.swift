import ArgumentParser
import Foundation
import Inference

/// `s2d export`: a fine-tuned model as one GGUF file for llama.cpp, Ollama or `--model gguf:`,
/// or as a Hugging Face folder for transformers and vLLM.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the model with an adapter merged in (or a fully fine-tuned model) as one GGUF file or a Hugging Face folder.",
        discussion: """
            --format gguf (default): one file; the base model's metadata (architecture, tokenizer, chat template) is carried \
            over, so llama.cpp, Ollama and s2d's --model gguf:FILE load the result like the base model. Matrices are written \
            as --type: q8_0 (default) and q4_1 keep the engine's int8 kernels, f32 is lossless, f16/bf16 halve the file; norms \
            stay float32.
            --format hf: --out is a folder with config.json (LlamaForCausalLM or Gemma3ForCausalLM), model.safetensors (--type bf16 by default, \
            f16 or f32), tokenizer.json and tokenizer_config.json with the chat template, which transformers' \
            AutoModelForCausalLM / AutoTokenizer and vLLM load.
            """)

    @OptionGroup var model: LocalModelOption
    @Option(help: "A PEFT LoRA adapter folder to merge in, or a folder with a fully fine-tuned model.gguf (none: the base alone).")
    var adapter: String?
    @Option(help: "What to write: gguf (one file) or hf (a Hugging Face folder).") var format: ExportFormat = .gguf
    @Option(help: "The GGUF file (or with --format hf the folder) to write.") var out: String
    @Option(help: "Type of the matrices: f32, f16, bf16, q8_0 or q4_1 (default q8_0; hf: f32, f16 or bf16, default bf16).")
    var type: ModelFileType?
    @Flag(help: "Print the summary as JSON.") var json = false

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case gguf, hf
    }

    func validate() throws {
        if format == .hf, let type, [.q8_0, .q4_1].contains(type) {
            throw ValidationError("--type \(type.rawValue): a Hugging Face folder stores f32, f16 or bf16 weights")
        }
    }

    func run() async throws {
        let fineTuned = adapter.map(URL.init(fileURLWithPath:))
        let summary = switch format {
        case .gguf: try ModelExport.export(basePath: try model.localPath(), fineTuned: fineTuned, to: URL(fileURLWithPath: out), type: type ?? .q8_0)
        case .hf: try HuggingFaceExport.export(basePath: try model.localPath(), fineTuned: fineTuned, to: URL(fileURLWithPath: out), type: type ?? .bf16)
        }
        if json { try JSONOutput.print(summary); return }
        print(String(format: "wrote %@: %d tensors, %@ matrices, %.1f MB", summary.output, summary.tensors, summary.type.rawValue,
                     Double(summary.bytes) / 1e6))
    }
}
