import Foundation
import Inference
import ModelFiles
import Testing
import TestSupport
import Transformer

/// `s2d export --format hf`: the Hugging Face folder holds the model's weights under HF names in
/// HF row order, a LlamaForCausalLM config and the tokenizer; where Python has `transformers` and
/// `torch` (`S2D_HF_PYTHON`, else `python3`), transformers loads the folder and reproduces the
/// reference tokenization and logits that HF transformers made from the original GGUF.
@Suite struct HuggingFaceExportTests {
    /// A Python that imports transformers and torch, or nil (the check is then skipped, visibly).
    static let python = pythonWithModules(["transformers", "torch"])

    @Test(.timeLimit(.minutes(5)))
    func theFolderHoldsTheWeightsUnderHFNamesAndTransformersReproducesTheReference() async throws {
        let base = try TestFiles.smolLM2()
        let folder = try TestFiles.temporaryDirectory("s2d-hf-export")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try HuggingFaceExport.export(basePath: base, fineTuned: nil, to: folder, type: .f32)
        #expect(summary.tensors == 272)  // 30 × 9 + embedding + final norm; the tied head has none

        // Weights: HF names, q and k back in HF row order, everything else as stored.
        let gguf = try TrainingWeights(gguf: try GGUFFile(path: base))
        let c = gguf.configuration
        let file = try SafetensorsFile(path: folder.appendingPathComponent(HuggingFaceExport.weightsFileName).path)
        #expect(file.tensors.count == 272 && file.tensor(named: "lm_head.weight") == nil)
        #expect(try file.floats("model.embed_tokens.weight") == gguf.tensor("token_embd.weight"))
        #expect(try file.floats("model.layers.29.post_attention_layernorm.weight") == gguf.tensor("blk.29.ffn_norm.weight"))
        #expect(try file.floats("model.layers.7.mlp.down_proj.weight") == gguf.tensor("blk.7.ffn_down.weight"))
        for (target, rows) in [(LinearTarget.q, c.hiddenSize), (.k, c.kvSize)] {
            let hf = try file.floats(HuggingFaceTensors.linearName(layer: 3, target))
            #expect(hf != gguf.tensor("blk.3.\(target.ggufSuffix).weight"), "\(target) was not re-ordered")
            #expect(HFRowOrder.ggufFromHF(hf, rows: rows, columns: c.hiddenSize, headDimension: c.headDimension)
                    == gguf.tensor("blk.3.\(target.ggufSuffix).weight"))
        }

        // Config and tokenizer files.
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["model_type"] as? String == "llama" && config["num_hidden_layers"] as? Int == 30)
        #expect(config["num_key_value_heads"] as? Int == 3 && config["tie_word_embeddings"] as? Bool == true)
        #expect(config["rope_theta"] as? Double == 100000 && config["vocab_size"] as? Int == 49152)
        let tokenizer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))) as? [String: Any])
        let model = try #require(tokenizer["model"] as? [String: Any])
        #expect((model["vocab"] as? [String: Int])?.count == 49152)
        #expect((model["merges"] as? [String])?.count == (try GGUFFile(path: base).strings("tokenizer.ggml.merges")).count)
        #expect((tokenizer["added_tokens"] as? [[String: Any]])?.count == 17)
        let tokenizerConfig = try String(contentsOf: folder.appendingPathComponent("tokenizer_config.json"), encoding: .utf8)
        #expect(tokenizerConfig.contains("\"chat_template\"") && tokenizerConfig.contains("\"eos_token\" : \"<|im_end|>\""))

        guard let python = Self.python else {
            print("HuggingFaceExportTests: no Python with transformers and torch (set S2D_HF_PYTHON); the transformers check is skipped")
            return
        }
        let result = try await S2DProcess.runTool(python, [
            TestFiles.packageRoot.appendingPathComponent("scripts/check-hf-export.py").path, folder.path,
            TestFiles.reference("smollm2-135m-instruct").path,
        ])
        #expect(result.status == 0, "transformers disagrees with the reference: \(result.stdout)\n\(result.stderr)")
        print("transformers on the exported folder: \(result.stdout)")
    }

    @Test func quantizedTypesAreRefusedForAFolder() throws {
        #expect(throws: HuggingFaceExportError.self) {
            try HuggingFaceExport.export(basePath: try TestFiles.smolLM2(), fineTuned: nil, to: URL(fileURLWithPath: "/nonexistent"), type: .q8_0)
        }
    }

    /// Gemma 3's folder would need Gemma3ForCausalLM's config and a SentencePiece tokenizer.json:
    /// refused with a message that says what to use instead, before any weight is read.
    @Test func anotherFamilyIsRefusedNamingIt() throws {
        let output = try TestFiles.temporaryDirectory("s2d-hf-gemma")
        defer { try? FileManager.default.removeItem(at: output) }
        #expect {
            try HuggingFaceExport.export(basePath: try TestFiles.gemma3(), fineTuned: nil, to: output, type: .bf16)
        } throws: { error in
            "\(error)".contains("gemma3") && "\(error)".contains("--format gguf")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
    }
}
