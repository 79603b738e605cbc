import Kernels

/// How a LoRA adapter is set up.
///
/// Default targets: all seven linear layers. On a 135M model the extra adapter costs little
/// (rank 16: 4.9M parameters, 3.6% of the model), and adapting the MLP as well as attention
/// is what QLoRA and later studies found to match full fine-tuning best; q,v only
/// (the original LoRA paper's choice) is one `targets:` away.
public struct LoRAConfiguration: Sendable, Hashable, Codable {
    public var rank: Int
    public var alpha: Float
    /// Dropout on the adapter's input during training (PEFT's lora_dropout).
    public var dropout: Float
    public var targets: [LinearTarget]

    public init(rank: Int = 16, alpha: Float = 32, dropout: Float = 0, targets: [LinearTarget] = LinearTarget.allCases) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets.sorted()
    }

    public var scale: Float { alpha / Float(rank) }
}

/// A LoRA adapter as trainable parameters: A and B of every adapted layer in one buffer,
/// named `blk.N.<gguf suffix>.lora_a` [rank, inputs] and `.lora_b` [outputs, rank].
public struct LoRAParameters: Sendable {
    public let configuration: LoRAConfiguration
    public let model: ModelConfiguration
    public let layout: TensorLayout
    public var values: [Float]

    public static func name(layer: Int, _ target: LinearTarget, _ matrix: String) -> String {
        "blk.\(layer).\(target.ggufSuffix).lora_\(matrix)"
    }

    static func layout(_ configuration: LoRAConfiguration, model: ModelConfiguration) -> TensorLayout {
        var layout = TensorLayout()
        for layer in 0..<model.layerCount {
            for target in configuration.targets {
                let shape = target.shape(in: model)
                layout.append(name(layer: layer, target, "a"), shape: [configuration.rank, shape.inputs])
                layout.append(name(layer: layer, target, "b"), shape: [shape.outputs, configuration.rank])
            }
        }
        return layout
    }

    /// A fresh adapter as PEFT makes one: A Kaiming-uniform (a = √5, so U(±1/√inputs)),
    /// B zero — the adapted model starts equal to the base model.
    public init(configuration: LoRAConfiguration, model: ModelConfiguration, seed: UInt64) {
        self.configuration = configuration
        self.model = model
        layout = Self.layout(configuration, model: model)
        values = [Float](repeating: 0, count: layout.totalCount)
        var generator = SplitMix64(seed: seed)
        for entry in layout.entries where entry.name.hasSuffix(".lora_a") {
            let bound = 1 / Float(entry.shape[1]).squareRoot()
            for index in entry.offset..<(entry.offset + entry.count) { values[index] = generator.uniform(bound) }
        }
    }

    /// Parameters holding an existing adapter's weights (to continue training or evaluate).
    public init(_ weights: LoRAWeights, model: ModelConfiguration, dropout: Float = 0) {
        configuration = LoRAConfiguration(rank: weights.rank, alpha: weights.alpha, dropout: dropout, targets: weights.targets)
        self.model = model
        layout = Self.layout(configuration, model: model)
        values = [Float](repeating: 0, count: layout.totalCount)
        for (layer, pairs) in weights.layers.enumerated() {
            for (target, pair) in pairs {
                let a = layout.offset(of: Self.name(layer: layer, target, "a"))
                let b = layout.offset(of: Self.name(layer: layer, target, "b"))
                values.replaceSubrange(a..<(a + pair.a.count), with: pair.a)
                values.replaceSubrange(b..<(b + pair.b.count), with: pair.b)
            }
        }
    }

    /// The adapter in the type inference shares (rows in GGUF order).
    public var weights: LoRAWeights {
        var layers: [[LinearTarget: LoRAWeights.Pair]] = []
        for layer in 0..<model.layerCount {
            var pairs: [LinearTarget: LoRAWeights.Pair] = [:]
            for target in configuration.targets {
                let a = layout.entry(named: Self.name(layer: layer, target, "a"))!
                let b = layout.entry(named: Self.name(layer: layer, target, "b"))!
                pairs[target] = LoRAWeights.Pair(a: Array(values[a.offset..<(a.offset + a.count)]),
                                                 b: Array(values[b.offset..<(b.offset + b.count)]))
            }
            layers.append(pairs)
        }
        return LoRAWeights(rank: configuration.rank, alpha: configuration.alpha, targets: configuration.targets, layers: layers)
    }
}
