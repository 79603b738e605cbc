import Foundation
import ModelFiles

/// Why a PEFT adapter folder could not be read. Each case names the file.
public enum PEFTAdapterError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badField(path: String, field: String, reason: String)
    case badTensor(path: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): \(reason)"
        case let .badField(path, field, reason): "\(path): field '\(field)': \(reason)"
        case let .badTensor(path, tensor, reason): "\(path): tensor '\(tensor)': \(reason)"
        }
    }
}

/// A LoRA adapter as a PEFT folder: `adapter_config.json` and `adapter_model.safetensors`
/// with PEFT's tensor names and Hugging Face's row order, loadable by
/// `PeftModel.from_pretrained` on the HF model, and back by `load`.
public enum PEFTAdapter {
    public static let configFileName = "adapter_config.json"
    public static let weightsFileName = "adapter_model.safetensors"

    /// `base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight` and the like.
    public static func tensorName(layer: Int, _ target: LinearTarget, _ matrix: String) -> String {
        "base_model.model.model.layers.\(layer).\(target.hfBlock).\(target.hfModuleName).lora_\(matrix).weight"
    }

    /// Writes `adapter` (rows in GGUF order) as a PEFT folder, B of q and k un-permuted to HF order.
    public static func save(
        _ adapter: LoRAWeights, model: ModelConfiguration, to directory: URL,
        baseModel: String = "HuggingFaceTB/SmolLM2-135M-Instruct", dropout: Float = 0
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var writer = SafetensorsWriter()
        writer.metadata = ["format": "pt"]
        for (layer, pairs) in adapter.layers.enumerated() {
            for target in adapter.targets {
                guard let pair = pairs[target] else { continue }
                let shape = target.shape(in: model)
                var b = pair.b
                if (target == .q || target == .k) && model.architecture.ropeStyle == .adjacentPairs {
                    b = HFRowOrder.hfFromGGUF(b, rows: shape.outputs, columns: adapter.rank, headDimension: model.headDimension)
                }
                writer.add(tensorName(layer: layer, target, "A"), shape: [adapter.rank, shape.inputs], values: pair.a)
                writer.add(tensorName(layer: layer, target, "B"), shape: [shape.outputs, adapter.rank], values: b)
            }
        }
        try writer.write(to: directory.appendingPathComponent(weightsFileName))
        let config: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": adapter.rank, "lora_alpha": Double(adapter.alpha),
            "lora_dropout": Double(dropout), "target_modules": adapter.targets.map(\.hfModuleName),
            "base_model_name_or_path": baseModel, "bias": "none", "fan_in_fan_out": false, "inference_mode": true,
            "init_lora_weights": true, "modules_to_save": NSNull(), "layers_to_transform": NSNull(),
            "layers_pattern": NSNull(), "rank_pattern": [String: Int](), "alpha_pattern": [String: Int](),
            "use_rslora": false, "use_dora": false, "revision": NSNull(),
        ]
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(json, to: directory.appendingPathComponent(configFileName))
    }

    /// Reads a PEFT LoRA folder for `model`, B of q and k permuted to GGUF order.
    public static func load(from directory: URL, model: ModelConfiguration) throws -> LoRAWeights {
        let configPath = directory.appendingPathComponent(configFileName).path
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw PEFTAdapterError.unreadable(path: configPath, reason: "cannot read the adapter configuration")
        }
        guard let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw PEFTAdapterError.unreadable(path: configPath, reason: "not a JSON object")
        }
        guard (config["peft_type"] as? String) == "LORA" else {
            throw PEFTAdapterError.badField(path: configPath, field: "peft_type", reason: "expected \"LORA\", found \(config["peft_type"] ?? "nothing")")
        }
        guard let rank = (config["r"] as? NSNumber)?.intValue, rank > 0 else {
            throw PEFTAdapterError.badField(path: configPath, field: "r", reason: "missing or not a positive integer")
        }
        guard var alpha = (config["lora_alpha"] as? NSNumber)?.floatValue else {
            throw PEFTAdapterError.badField(path: configPath, field: "lora_alpha", reason: "missing or not a number")
        }
        // rsLoRA scales by alpha/√r: fold it into alpha so that scale = alpha/r still holds.
        if (config["use_rslora"] as? Bool) == true { alpha *= Float(rank).squareRoot() }
        guard let modules = config["target_modules"] as? [String] else {
            throw PEFTAdapterError.badField(path: configPath, field: "target_modules", reason: "expected a list of module names")
        }
        var targets: [LinearTarget] = []
        for module in modules {
            guard let target = LinearTarget.allCases.first(where: { $0.hfModuleName == module }) else {
                throw PEFTAdapterError.badField(path: configPath, field: "target_modules", reason: "unknown module '\(module)'")
            }
            targets.append(target)
        }
        let weightsPath = directory.appendingPathComponent(weightsFileName).path
        let file = try SafetensorsFile(path: weightsPath)
        var layers: [[LinearTarget: LoRAWeights.Pair]] = []
        for layer in 0..<model.layerCount {
            var pairs: [LinearTarget: LoRAWeights.Pair] = [:]
            for target in targets {
                let shape = target.shape(in: model)
                let aName = tensorName(layer: layer, target, "A"), bName = tensorName(layer: layer, target, "B")
                let aTensor = try file.requireTensor(aName), bTensor = try file.requireTensor(bName)
                guard aTensor.shape == [rank, shape.inputs] else {
                    throw PEFTAdapterError.badTensor(path: weightsPath, tensor: aName, reason: "shape \(aTensor.shape), expected \([rank, shape.inputs])")
                }
                guard bTensor.shape == [shape.outputs, rank] else {
                    throw PEFTAdapterError.badTensor(path: weightsPath, tensor: bName, reason: "shape \(bTensor.shape), expected \([shape.outputs, rank])")
                }
                var b = file.floats(of: bTensor)
                // Llama's GGUF permuted q/k rows for GGML's RoPE; Gemma's did not (NEOX RoPE).
                if (target == .q || target == .k) && model.architecture.ropeStyle == .adjacentPairs {
                    b = HFRowOrder.ggufFromHF(b, rows: shape.outputs, columns: rank, headDimension: model.headDimension)
                }
                pairs[target] = LoRAWeights.Pair(a: file.floats(of: aTensor), b: b)
            }
            layers.append(pairs)
        }
        return LoRAWeights(rank: rank, alpha: alpha, targets: targets.sorted(), layers: layers)
    }
}
