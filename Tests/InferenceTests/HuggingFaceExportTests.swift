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

    /// Gemma 3: Gemma3ForCausalLM's names and config, norm weights back to HF's w (GGUF stores
    /// 1 + w), q and k as stored, and a SentencePiece tokenizer.json whose merges are the count
    /// transformers' own GGUF conversion makes (514,906); where transformers is present it loads
    /// the folder and reproduces its reference from the original GGUF: 43 tokenizer cases, 3000
    /// random texts, logits, greedy tokens.
    @Test(.timeLimit(.minutes(5)))
    func gemmaFolderHoldsGemma3ForCausalLMAndTransformersReproducesTheReference() async throws {
        let base = try TestFiles.gemma3()
        let folder = try TestFiles.temporaryDirectory("s2d-hf-gemma")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try HuggingFaceExport.export(basePath: base, fineTuned: nil, to: folder, type: .f32)
        #expect(summary.tensors == 236)  // 18 × 13 + embedding + final norm

        let gguf = try TrainingWeights(gguf: try GGUFFile(path: base))
        let file = try SafetensorsFile(path: folder.appendingPathComponent(HuggingFaceExport.weightsFileName).path)
        #expect(try file.floats("model.layers.4.self_attn.q_proj.weight") == gguf.tensor("blk.4.attn_q.weight"))
        #expect(try file.floats("model.layers.4.self_attn.k_proj.weight") == gguf.tensor("blk.4.attn_k.weight"))
        for (hf, ggufName) in [("input_layernorm", "attn_norm"), ("pre_feedforward_layernorm", "ffn_norm"),
                               ("post_attention_layernorm", "post_attention_norm"), ("post_feedforward_layernorm", "post_ffw_norm"),
                               ("self_attn.q_norm", "attn_q_norm"), ("self_attn.k_norm", "attn_k_norm")] {
            #expect(try file.floats("model.layers.17.\(hf).weight") == gguf.tensor("blk.17.\(ggufName).weight").map { $0 - 1 }, "\(hf)")
        }
        #expect(try file.floats("model.norm.weight") == gguf.tensor("output_norm.weight").map { $0 - 1 })

        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["model_type"] as? String == "gemma3_text" && config["architectures"] as? [String] == ["Gemma3ForCausalLM"])
        #expect(config["sliding_window"] as? Int == 512 && config["query_pre_attn_scalar"] as? Int == 256)
        let layerTypes = try #require(config["layer_types"] as? [String])
        #expect(layerTypes.count == 18 && layerTypes.indices.filter { layerTypes[$0] == "full_attention" } == [5, 11, 17])
        #expect(config["rope_theta"] as? Double == 1_000_000 && config["rope_local_base_freq"] as? Double == 10_000)

        let tokenizer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))) as? [String: Any])
        let model = try #require(tokenizer["model"] as? [String: Any])
        #expect(model["type"] as? String == "BPE" && model["byte_fallback"] as? Bool == true)
        // (The vocabulary's size is not checked here: Swift's String keys merge the file's
        // canonically equivalent spellings. transformers' encoding of 3043 texts checks it below.)
        #expect((model["merges"] as? [[String]])?.count == 514_906)
        #expect((tokenizer["added_tokens"] as? [[String: Any]])?.count == 6249 + 135)  // control + user-defined but the 30 space runs
        let tokenizerConfig = try String(contentsOf: folder.appendingPathComponent("tokenizer_config.json"), encoding: .utf8)
        #expect(tokenizerConfig.contains("<start_of_turn>") && tokenizerConfig.contains("\"tokenizer_class\" : \"GemmaTokenizer\""))

        guard let python = Self.python else {
            print("HuggingFaceExportTests: no Python with transformers and torch (set S2D_HF_PYTHON); the transformers check is skipped")
            return
        }
        let result = try await S2DProcess.runTool(python, [
            TestFiles.packageRoot.appendingPathComponent("scripts/check-hf-export.py").path, folder.path,
            TestFiles.reference("gemma3-270m").path, "--greedy",
        ])
        #expect(result.status == 0, "transformers disagrees with the reference: \(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("\"random_texts_wrong\": 0"))
        print("transformers on the exported Gemma folder: \(result.stdout)")
    }
}
