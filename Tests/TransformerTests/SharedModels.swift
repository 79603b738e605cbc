import Foundation
import Kernels
import ModelFiles
import TestSupport
import Transformer

/// The models with reference vectors, by their folder in Tests/Fixtures/reference.
enum ReferenceModel: String, CaseIterable, CustomStringConvertible {
    case smolLM2 = "smollm2-135m-instruct"
    case gemma3 = "gemma3-270m"

    var description: String { rawValue }

    func path() throws -> String {
        switch self {
        case .smolLM2: try TestFiles.smolLM2()
        case .gemma3: try TestFiles.gemma3()
        }
    }
}

/// The embedded models loaded once per test process, in each precision.
enum SharedModels {
    static let quantizedResult = Result { try TransformerModel(path: try TestFiles.smolLM2(), precision: .quantized) }
    static let float32Result = Result { try TransformerModel(path: try TestFiles.smolLM2(), precision: .float32) }
    static let gemmaQuantizedResult = Result { try TransformerModel(path: try TestFiles.gemma3(), precision: .quantized) }
    static let gemmaFloat32Result = Result { try TransformerModel(path: try TestFiles.gemma3(), precision: .float32) }

    static func model(_ precision: Precision, _ reference: ReferenceModel = .smolLM2) throws -> TransformerModel {
        switch (precision, reference) {
        case (.quantized, .smolLM2): try quantizedResult.get()
        case (.float32, .smolLM2): try float32Result.get()
        case (.quantized, .gemma3): try gemmaQuantizedResult.get()
        case (.float32, .gemma3): try gemmaFloat32Result.get()
        }
    }
}

/// One case of logits.json.
struct LogitsCase {
    let ids: [Int]
    let argmax: [Int]
    let maximum: [Double]
    let top20: [(Int, Double)]
    let logSumExp: Double
    /// The whole last-position row; empty where the reference keeps only its top 20.
    let lastLogits: [Float]

    static func all(_ model: ReferenceModel = .smolLM2) throws -> [LogitsCase] {
        let json = try TestFiles.referenceJSON("\(model)/logits.json")
        guard let cases = json["cases"] as? [[String: Any]] else { throw TestFileError("logits.json: no cases") }
        // Gemma's set adds a prompt longer than its sliding window, kept apart (no .f32 file).
        let long = (json["long_case"] as? [String: Any]).map { [$0] } ?? []
        return try (cases + long).enumerated().map { index, c in
            guard let ids = c["ids"] as? [Int], let argmax = c["per_position_argmax"] as? [Int],
                  let maximum = c["per_position_max"] as? [Double], let top = c["last_top20"] as? [[Double]],
                  let lse = c["last_logsumexp"] as? Double
            else { throw TestFileError("logits.json case \(index) is malformed") }
            // Every position's argmax and max, and the whole last row where the set has it.
            let url = TestFiles.reference("\(model)/logits_last_\(index).f32")
            let hasRow = index < cases.count
            let data = hasRow ? try Data(contentsOf: url) : Data()
            let last = data.withUnsafeBytes { raw in (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
            return LogitsCase(ids: ids, argmax: argmax, maximum: maximum, top20: top.map { (Int($0[0]), $0[1]) }, logSumExp: lse, lastLogits: last)
        }
    }
}

/// Index of the largest value (the first on ties).
func argmax<C: Collection>(_ values: C) -> Int where C.Element == Float, C.Index == Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}

/// Runs `tokens` through a fresh cache slot in one call; returns the logits of every position
/// (or of `positions` only, in order).
func prefill(_ model: TransformerModel, _ tokens: [Int], mode: MatmulMode = .rowIndependent, adapter: String? = nil, adapters: [String: LoRAWeights] = [:],
             kernelPath: KernelPath = .active, positions: Set<Int>? = nil, threads: Int = 2) -> Logits {
    let cache = KVCache(configuration: model.configuration, threads: threads, kernelPath: kernelPath)
    let slot = cache.allocateSlot()
    let rows = tokens.enumerated().map {
        BatchRow(slot: slot, token: $1, position: $0, wantsLogits: positions?.contains($0) ?? true, adapter: adapter)
    }
    return model.forward(rows, cache: cache, adapters: adapters, mode: mode)
}
