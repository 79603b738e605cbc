import Foundation
import Kernels
import ModelFiles
import TestSupport
import Transformer

/// The embedded model loaded once per test process, in each precision.
enum SharedModels {
    static let quantizedResult = Result { try LlamaModel(path: try TestFiles.smolLM2(), precision: .quantized) }
    static let float32Result = Result { try LlamaModel(path: try TestFiles.smolLM2(), precision: .float32) }

    static func model(_ precision: Precision) throws -> LlamaModel {
        switch precision {
        case .quantized: try quantizedResult.get()
        case .float32: try float32Result.get()
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
    let lastLogits: [Float]

    static func all() throws -> [LogitsCase] {
        let json = try TestFiles.referenceJSON("smollm2-135m-instruct/logits.json")
        guard let cases = json["cases"] as? [[String: Any]] else { throw TestFileError("logits.json: no cases") }
        return try cases.enumerated().map { index, c in
            guard let ids = c["ids"] as? [Int], let argmax = c["per_position_argmax"] as? [Int],
                  let maximum = c["per_position_max"] as? [Double], let top = c["last_top20"] as? [[Double]],
                  let lse = c["last_logsumexp"] as? Double
            else { throw TestFileError("logits.json case \(index) is malformed") }
            let data = try Data(contentsOf: TestFiles.reference("smollm2-135m-instruct/logits_last_\(index).f32"))
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

/// Runs `tokens` through a fresh cache slot in one call; returns every position's logits.
func prefill(_ model: LlamaModel, _ tokens: [Int], mode: MatmulMode = .rowIndependent, adapter: String? = nil, adapters: [String: LoRAWeights] = [:],
             kernelPath: KernelPath = .active) -> Logits {
    let cache = KVCache(configuration: model.configuration, kernelPath: kernelPath)
    let slot = cache.allocateSlot()
    let rows = tokens.enumerated().map { BatchRow(slot: slot, token: $1, position: $0, adapter: adapter) }
    return model.forward(rows, cache: cache, adapters: adapters, mode: mode)
}
