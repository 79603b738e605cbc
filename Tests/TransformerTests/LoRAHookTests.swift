import Testing
import TestSupport
import Transformer

/// The per-row LoRA hook: y = W·x + scale·B·(A·x) for the rows that name an adapter.
@Suite struct LoRAHookTests {
    static let prompt = [6403, 1980, 253, 655, 28, 260]
    static let adapted: [(layer: Int, target: LinearTarget)] = [(2, .q), (5, .v), (9, .gate), (17, .down), (28, .o)]

    /// Deterministic pseudo-random values in [-amplitude, amplitude].
    static func noise(_ count: Int, seed: UInt64, amplitude: Float) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * amplitude
        }
    }

    static func adapter(_ configuration: ModelConfiguration, zeroB: Bool) -> LoRAWeights {
        let rank = 4
        var layers = Array(repeating: [LinearTarget: LoRAWeights.Pair](), count: configuration.layerCount)
        for (i, entry) in adapted.enumerated() {
            let (outputs, inputs) = entry.target.shape(in: configuration)
            layers[entry.layer][entry.target] = LoRAWeights.Pair(
                a: noise(rank * inputs, seed: UInt64(2 * i + 1), amplitude: 0.1),
                b: zeroB ? Array(repeating: 0, count: outputs * rank) : noise(outputs * rank, seed: UInt64(2 * i + 2), amplitude: 0.1))
        }
        return LoRAWeights(rank: rank, alpha: 8, targets: Array(Set(adapted.map(\.target))).sorted(), layers: layers)
    }

    @Test(arguments: [Precision.float32, .quantized])
    func anAdapterWithZeroBLeavesTheLogitsUnchanged(precision: Precision) throws {
        let model = try SharedModels.model(precision)
        let zero = Self.adapter(model.configuration, zeroB: true)
        #expect(zero.mismatch(with: model.configuration) == nil)
        let base = prefill(model, Self.prompt)
        let adapted = prefill(model, Self.prompt, adapter: "zero", adapters: ["zero": zero])
        #expect(base.values == adapted.values)
    }

    @Test func anAdapterEqualsTheMergedFloat32Weights() throws {
        let model = try SharedModels.model(.float32)
        let c = model.configuration
        let lora = Self.adapter(c, zeroB: false)
        // W' = W + scale·B·A, W: [out, in], B: [out, rank], A: [rank, in]
        var overrides: [String: [Float]] = [:]
        for entry in Self.adapted {
            let name = ModelConfiguration.tensorName(layer: entry.layer, entry.target.ggufSuffix)
            var w = try model.file.floats(of: try model.file.requireTensor(name))
            let (outputs, inputs) = entry.target.shape(in: c)
            let pair = lora.layers[entry.layer][entry.target]!
            for o in 0..<outputs {
                for r in 0..<lora.rank {
                    let b = lora.scale * pair.b[o * lora.rank + r]
                    for i in 0..<inputs { w[o * inputs + i] += b * pair.a[r * inputs + i] }
                }
            }
            overrides[name] = w
        }
        let merged = try TransformerModel(path: try TestFiles.smolLM2(), precision: .float32, weightOverrides: overrides)

        let base = prefill(model, Self.prompt)
        let adapted = prefill(model, Self.prompt, adapter: "random", adapters: ["random": lora])
        let expected = prefill(merged, Self.prompt)
        let change = zip(base.values, adapted.values).map { abs($0 - $1) }.max()!
        let error = zip(expected.values, adapted.values).map { abs($0 - $1) }.max()!
        #expect(change > 0.05, "the adapter must change the logits (max change \(change))")
        #expect(error <= 1e-3, "adapter vs merged weights: max |Δ| \(error)")
    }

    @Test func rowsOfDifferentAdaptersShareOneBatch() throws {
        let model = try SharedModels.model(.quantized)
        let lora = Self.adapter(model.configuration, zeroB: false)
        let cache = KVCache(configuration: model.configuration)
        let plain = cache.allocateSlot(), adapted = cache.allocateSlot()
        var rows: [BatchRow] = []
        for (position, token) in Self.prompt.enumerated() {
            rows.append(BatchRow(slot: plain, token: token, position: position))
            rows.append(BatchRow(slot: adapted, token: token, position: position, adapter: "random"))
        }
        let mixed = model.forward(rows, cache: cache, adapters: ["random": lora])
        let base = prefill(model, Self.prompt)
        let alone = prefill(model, Self.prompt, adapter: "random", adapters: ["random": lora])
        for position in Self.prompt.indices {
            #expect(Array(mixed.row(2 * position)) == Array(base.row(position)))
            #expect(Array(mixed.row(2 * position + 1)) == Array(alone.row(position)))
        }
    }
}
