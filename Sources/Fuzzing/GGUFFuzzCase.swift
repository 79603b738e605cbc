import Distillation
import Foundation
import Inference

/// The embedded model's GGUF with its header (metadata and tensor directory) mutated, read as
/// the engine reads it: the file, the model configuration, the tokenizer (with an encode and
/// a chat render); and, whenever the configuration or the tensor directory differs from the
/// original's, the model itself is built and runs one token, since the known traps are in
/// what a configuration makes the engine allocate and index, not in the parser.
struct GGUFFuzzCase: FuzzCase {
    let seeds: [FuzzSeed]
    /// The model file and where its tensor data starts: every mutated header is read in front
    /// of the original data, mapped from the file, not copied.
    let modelPath: String
    let dataStart: Int
    let original: ModelConfiguration
    let originalTensors: [TensorEntry]
    /// Where the header's numbers are (scalar metadata values, tensor ranks, dimensions, types
    /// and offsets), as (offset, width in bytes): half the mutations set one of them to an edge
    /// value, which byte mutations of a header made mostly of token strings rarely reach.
    let numbers: [(offset: Int, width: Int)]

    struct TensorEntry: Equatable {
        var name: String
        var type: GGMLType
        var dimensions: [Int]
        var fileOffset: Int
    }

    init(modelPath: String) throws {
        let gguf = try GGUFFile(path: modelPath)
        let dataStart = gguf.tensors.map(\.fileOffset).min() ?? gguf.file.count
        let bytes = gguf.file.bytes
        seeds = [FuzzSeed(name: (modelPath as NSString).lastPathComponent, bytes: Array(bytes[0..<dataStart]))]
        self.modelPath = modelPath
        self.dataStart = dataStart
        original = try ModelConfiguration(gguf: gguf)
        originalTensors = Self.entries(gguf)
        numbers = Self.numberFields(gguf, header: Array(bytes[0..<dataStart]))
    }

    /// Finds each scalar metadata key and each tensor name in the header and records where the
    /// numbers after it sit (GGUF: key, u32 type, value; name, u32 rank, u64 dimensions, u32
    /// type, u64 offset).
    static func numberFields(_ gguf: GGUFFile, header: [UInt8]) -> [(offset: Int, width: Int)] {
        let widths: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        func end(of text: String) -> Int? {
            let needle = Array(text.utf8)
            guard !needle.isEmpty, header.count >= needle.count else { return nil }
            for i in 0...(header.count - needle.count) where header[i] == needle[0] && header[i..<(i + needle.count)].elementsEqual(needle) {
                return i + needle.count
            }
            return nil
        }
        func u32(at i: Int) -> UInt32? {
            guard i + 4 <= header.count else { return nil }
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(header[i + $1]) << (8 * UInt32($1)) }
        }
        var fields: [(Int, Int)] = []
        for key in gguf.metadataKeys {
            guard let at = end(of: key), let type = u32(at: at), let width = widths[type] else { continue }
            fields.append((at + 4, width))
        }
        for tensor in gguf.tensors {
            guard let at = end(of: tensor.name), let rank = u32(at: at) else { continue }
            fields.append((at, 4))
            for d in 0..<Int(rank) { fields.append((at + 4 + 8 * d, 8)) }
            fields.append((at + 4 + 8 * Int(rank), 4))
            fields.append((at + 8 + 8 * Int(rank), 8))
        }
        return fields
    }

    static func entries(_ gguf: GGUFFile) -> [TensorEntry] {
        gguf.tensors.map { TensorEntry(name: $0.name, type: $0.type, dimensions: $0.dimensions, fileOffset: $0.fileOffset) }
    }

    func mutate(_ seed: FuzzSeed, random: inout RandomSource) -> [UInt8] {
        guard !numbers.isEmpty, random.bool() else { return ByteMutator().mutate(seed.bytes, random: &random) }
        var out = seed.bytes
        for _ in 0..<random.int(in: 1...2) {
            let field = random.pick(numbers)
            let value: UInt64 = random.int(in: 0...3) == 0
                ? UInt64(truncatingIfNeeded: random.int(in: -4...70_000)) : random.pick(ByteMutator.edgeIntegers)
            for k in 0..<field.width where field.offset + k < out.count {
                out[field.offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))
            }
        }
        return out
    }

    func check(_ header: [UInt8], name: String, cpuTimeElsewhere: inout Duration) -> FuzzVerdict {
        do {
            let file = try header.withUnsafeBytes { try MappedFile(path: modelPath, replacingFirst: dataStart, with: $0) }
            let gguf = try GGUFFile(file: file)
            let probe = try ModelFileProbe(file: gguf)
            if probe.configuration != original || Self.entries(gguf) != originalTensors { try probe.runOneToken() }
            return .accepted
        } catch {
            return .error("\(error)", naming: name)
        }
    }
}
