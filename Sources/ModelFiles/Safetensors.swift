import Foundation

/// Element types of safetensors tensors that we read and write.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16"

    public var byteSize: Int { self == .f32 ? 4 : 2 }
}

/// One tensor of a safetensors file: name, type, shape (outermost first, as PyTorch) and
/// its bytes' range within the data section.
public struct SafetensorsTensor: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range relative to the start of the data section.
    public let dataRange: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {String: String}}`,
/// then the data. Every length and offset is checked against the file, so a truncated or
/// foreign file gets a `ModelFileError` naming it.
public struct SafetensorsFile: Sendable {
    public let path: String
    public let metadata: [String: String]
    /// Tensors in data order.
    public let tensors: [SafetensorsTensor]
    private let index: [String: Int]
    private let dataStart: Int
    public let file: MappedFile

    public init(path: String) throws(ModelFileError) {
        let file = try MappedFile(path: path)
        self.path = path
        self.file = file
        var reader = ByteReader(bytes: file.bytes, path: path)
        let headerLength = try reader.read(UInt64.self, "safetensors header length")
        guard headerLength >= 2, headerLength <= 100_000_000, headerLength <= UInt64(file.count - 8) else {
            throw .implausible(path: path, what: "safetensors header length \(headerLength) for a file of \(file.count) bytes")
        }
        dataStart = 8 + Int(headerLength)
        let headerBytes = UnsafeRawBufferPointer(rebasing: file.bytes[8..<dataStart])
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw .invalidHeader(path: path, reason: "safetensors header is not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw .invalidHeader(path: path, reason: "safetensors header is not a JSON object")
        }
        let dataSize = file.count - dataStart
        var metadata: [String: String] = [:]
        var tensors: [SafetensorsTensor] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let values = value as? [String: Any] else {
                    throw .invalidHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (key, entry) in values {
                    guard let string = entry as? String else {
                        throw .invalidHeader(path: path, reason: "__metadata__ '\(key)' is not a string")
                    }
                    metadata[key] = string
                }
                continue
            }
            guard let info = value as? [String: Any] else {
                throw .invalidHeader(path: path, reason: "tensor '\(name)' entry is not an object")
            }
            guard let dtypeName = info["dtype"] as? String else {
                throw .badTensorShape(path: path, tensor: name, reason: "dtype missing")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw .badTensorShape(path: path, tensor: name, reason: "dtype \(dtypeName) is not supported (F32, F16, BF16)")
            }
            guard let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (info["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 })
            else { throw .badTensorShape(path: path, tensor: name, reason: "shape is not a list of sizes") }
            guard let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2 else {
                throw .badTensorShape(path: path, tensor: name, reason: "data_offsets is not [begin, end]")
            }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataSize else {
                    throw .badTensorShape(path: path, tensor: name, reason: "shape \(shape) is larger than the file")
                }
                elements = product
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw .badTensorShape(path: path, tensor: name, reason: "data_offsets \(offsets) are not ordered")
            }
            guard offsets[1] <= dataSize else {
                throw .tensorOutOfBounds(path: path, tensor: name, end: dataStart + offsets[1], fileSize: file.count)
            }
            guard offsets[1] - offsets[0] == elements * dtype.byteSize else {
                throw .badTensorShape(path: path, tensor: name,
                                      reason: "\(offsets[1] - offsets[0]) bytes for \(elements) \(dtype.rawValue) values")
            }
            tensors.append(SafetensorsTensor(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1]))
        }
        tensors.sort { $0.dataRange.lowerBound < $1.dataRange.lowerBound }
        for (previous, next) in zip(tensors, tensors.dropFirst()) where next.dataRange.lowerBound < previous.dataRange.upperBound {
            throw .invalidHeader(path: path, reason: "tensors '\(previous.name)' and '\(next.name)' overlap")
        }
        self.metadata = metadata
        self.tensors = tensors
        index = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    public func tensor(named name: String) -> SafetensorsTensor? { index[name].map { tensors[$0] } }

    public func requireTensor(_ name: String) throws(ModelFileError) -> SafetensorsTensor {
        guard let tensor = tensor(named: name) else { throw .missingTensor(path: path, tensor: name) }
        return tensor
    }

    /// The tensor's values as float32 (F16 and BF16 widened).
    public func floats(of tensor: SafetensorsTensor) -> [Float] {
        let base = file.base!.advanced(by: dataStart + tensor.dataRange.lowerBound)
        let count = tensor.elementCount
        switch tensor.dtype {
        case .f32:
            return (0..<count).map { Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        case .f16:
            return (0..<count).map { Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))) }
        case .bf16:
            return (0..<count).map {
                Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) << 16)
            }
        }
    }

    /// The values of the tensor named `name`.
    public func floats(_ name: String) throws(ModelFileError) -> [Float] {
        floats(of: try requireTensor(name))
    }
}

/// Builds a safetensors file: tensors in the order added, header padded with spaces to a
/// multiple of 8 bytes (as the reference implementation does), written atomically.
public struct SafetensorsWriter {
    private var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8])] = []
    public var metadata: [String: String] = [:]

    public init() {}

    /// Adds a tensor (shape outermost first), stored as `dtype` (F16/BF16 round to nearest even).
    public mutating func add(_ name: String, shape: [Int], values: [Float], dtype: SafetensorsDType = .f32) {
        precondition(values.count == shape.reduce(1, *), "tensor \(name): \(values.count) values for shape \(shape)")
        precondition(!entries.contains { $0.name == name } && name != "__metadata__", "tensor \(name) added twice")
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * dtype.byteSize)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        for value in values {
            switch dtype {
            case .f32: put(value.bitPattern)
            case .f16: put(Float16(value).bitPattern)
            case .bf16:
                let bits = value.bitPattern
                if value.isNaN { put(UInt16(0x7FC0)) } else {
                    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
                    put(UInt16(rounded >> 16))
                }
            }
        }
        entries.append((name, dtype, shape, bytes))
    }

    /// The encoded file.
    public func encoded() -> [UInt8] {
        var header: [String: Any] = [:]
        var offset = 0
        for entry in entries {
            header[entry.name] = ["dtype": entry.dtype.rawValue, "shape": entry.shape, "data_offsets": [offset, offset + entry.bytes.count]] as [String: Any]
            offset += entry.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
        while json.count % 8 != 0 { json.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        for entry in entries { out.append(contentsOf: entry.bytes) }
        return out
    }

    /// Writes the file atomically (a temporary file renamed into place).
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }
}

extension SafetensorsWriter {
    /// Writes float32 tensors straight from the caller's buffers (no copy of the data: a
    /// training checkpoint of a full model is gigabytes) to a temporary file in the same
    /// folder, flushes it, and renames it over `url`, so a reader never sees a partial file.
    public static func writeFloat32(
        to url: URL, tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String]
    ) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for tensor in tensors {
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor \(tensor.name): shape does not match")
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.values.count * 4]] as [String: Any]
            offset += tensor.values.count * 4
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(0x20) }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            var length = UInt64(json.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: json)
            for tensor in tensors {  // the host is little-endian (x86-64, arm64)
                try tensor.values.withUnsafeBytes { bytes in
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!),
                                                      count: bytes.count, deallocator: .none))
                }
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, url.path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
