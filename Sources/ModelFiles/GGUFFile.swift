/// A GGUF model file (versions 2 and 3), memory-mapped: metadata, tensor directory, and the
/// tensors' bytes in place.
///
/// Every size and count is checked against the file size before use, so a truncated or
/// damaged file gets a `ModelFileError` naming the file and the problem.
public struct GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensor]
    private let tensorIndex: [String: Int]
    /// Alignment of the tensor data section (`general.alignment`, default 32).
    public let alignment: Int
    /// The mapped file; tensors point into it.
    public let file: MappedFile

    /// Opens and validates `path`.
    public init(path: String) throws(ModelFileError) {
        let file = try MappedFile(path: path)
        try self.init(file: file)
    }

    /// Parses an already mapped file.
    public init(file: MappedFile) throws(ModelFileError) {
        let path = file.path
        self.path = path
        self.file = file
        var reader = ByteReader(bytes: file.bytes, path: path)

        let magic = try reader.read(UInt32.self, "magic")
        guard magic == 0x4655_4747 else {  // "GGUF" little-endian
            let chars = withUnsafeBytes(of: magic.littleEndian) { String(decoding: $0, as: UTF8.self) }
            throw .badMagic(path: path, found: "\"\(chars.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "?" }.joined())\"")
        }
        version = try reader.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        let tensorCount = try reader.read(UInt64.self, "tensor count")
        let metadataCount = try reader.read(UInt64.self, "metadata count")
        // A metadata entry needs at least 12 bytes, a tensor info at least 24.
        guard metadataCount <= UInt64(reader.remaining / 12) else {
            throw .implausible(path: path, what: "metadata count \(metadataCount) for a file of \(file.count) bytes")
        }
        guard tensorCount <= UInt64(reader.remaining / 24) else {
            throw .implausible(path: path, what: "tensor count \(tensorCount) for a file of \(file.count) bytes")
        }

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        for index in 0..<Int(metadataCount) {
            let key = try reader.readString("metadata key #\(index)")
            let rawType = try reader.read(UInt32.self, "type of metadata '\(ModelFileError.printable(key))'")
            guard let type = GGUFValue.TypeCode(rawValue: rawType) else {
                throw .unknownValueType(path: path, key: key, type: rawType)
            }
            metadata[key] = try GGUFValue.read(type, from: &reader, key: key)
            keys.append(key)
        }
        metadataKeys = keys
        self.metadata = metadata

        let alignment = metadata["general.alignment"]?.intValue ?? 32
        guard alignment > 0, alignment <= 1 << 20, alignment & (alignment - 1) == 0 else {
            throw .invalidHeader(path: path, reason: "general.alignment \(alignment) is not a power of two")
        }
        self.alignment = alignment

        var infos: [(name: String, type: GGMLType, dimensions: [Int], relativeOffset: UInt64)] = []
        for index in 0..<Int(tensorCount) {
            let name = try reader.readString("name of tensor #\(index)")
            let dimensionCount = try reader.read(UInt32.self, "dimensions of tensor '\(ModelFileError.printable(name))'")
            guard (1...4).contains(dimensionCount) else {
                throw .badTensorShape(path: path, tensor: name, reason: "\(dimensionCount) dimensions (expected 1 to 4)")
            }
            var dimensions: [Int] = []
            for _ in 0..<dimensionCount {
                let dimension = try reader.read(UInt64.self, "shape of tensor '\(ModelFileError.printable(name))'")
                guard dimension > 0, dimension <= UInt64(file.count) * 2 else {
                    throw .badTensorShape(path: path, tensor: name, reason: "dimension \(dimension) is implausible")
                }
                dimensions.append(Int(dimension))
            }
            let rawType = try reader.read(UInt32.self, "type of tensor '\(ModelFileError.printable(name))'")
            guard let type = GGMLType(rawValue: rawType) else { throw .unknownTensorType(path: path, tensor: name, type: rawType) }
            let offset = try reader.read(UInt64.self, "offset of tensor '\(ModelFileError.printable(name))'")
            infos.append((name, type, dimensions, offset))
        }

        reader.align(to: alignment)
        let dataStart = reader.offset
        guard dataStart <= file.count else {
            throw .truncated(path: path, offset: dataStart, needed: 0, what: "tensor data section")
        }

        var tensors: [GGUFTensor] = []
        var index: [String: Int] = [:]
        for info in infos {
            var elements = 1
            for dimension in info.dimensions {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .badTensorShape(path: path, tensor: info.name, reason: "element count overflows") }
                elements = product
            }
            guard info.dimensions[0] % info.type.blockElements == 0,
                  let bytes = info.type.byteCount(elements: elements)
            else {
                throw .badTensorShape(
                    path: path, tensor: info.name,
                    reason: "row length \(info.dimensions[0]) is not a multiple of the \(info.type) block size \(info.type.blockElements)")
            }
            guard info.relativeOffset % UInt64(alignment) == 0 else {
                throw .invalidHeader(path: path, reason: "tensor '\(ModelFileError.printable(info.name))' offset \(info.relativeOffset) is not aligned to \(alignment)")
            }
            let (start, overflow1) = dataStart.addingReportingOverflow(Int(clamping: info.relativeOffset))
            let (end, overflow2) = start.addingReportingOverflow(bytes)
            guard !overflow1, !overflow2, end <= file.count else {
                throw .tensorOutOfBounds(path: path, tensor: info.name, end: overflow2 || overflow1 ? Int.max : end, fileSize: file.count)
            }
            guard index[info.name] == nil else {
                throw .invalidHeader(path: path, reason: "tensor '\(ModelFileError.printable(info.name))' appears twice")
            }
            index[info.name] = tensors.count
            tensors.append(GGUFTensor(name: info.name, type: info.type, dimensions: info.dimensions, fileOffset: start, byteCount: bytes))
        }
        self.tensors = tensors
        tensorIndex = index
    }

    /// The tensor named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensor? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor named `name`, or an error naming the file.
    public func requireTensor(_ name: String) throws(ModelFileError) -> GGUFTensor {
        guard let tensor = tensor(named: name) else { throw .missingTensor(path: path, tensor: name) }
        return tensor
    }

    /// A pointer to `tensor`'s bytes inside the map (valid while this file's map lives).
    public func data(of tensor: GGUFTensor) -> UnsafeRawPointer {
        file.base!.advanced(by: tensor.fileOffset)
    }

    /// The tensor's values as float32 (dequantized when quantized).
    public func floats(of tensor: GGUFTensor) throws(ModelFileError) -> [Float] {
        let source = UnsafeRawBufferPointer(start: data(of: tensor), count: tensor.byteCount)
        do {
            return try Dequantization.dequantize(source, type: tensor.type, count: tensor.elementCount)
        } catch {
            throw .badTensorShape(path: path, tensor: tensor.name, reason: "\(error)")
        }
    }

    // MARK: typed metadata access

    public func integer(_ key: String) throws(ModelFileError) -> Int {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        guard let int = value.intValue else { throw .wrongValueType(path: path, key: key, expected: "an integer") }
        return int
    }

    public func number(_ key: String) throws(ModelFileError) -> Double {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        guard let double = value.doubleValue else { throw .wrongValueType(path: path, key: key, expected: "a number") }
        return double
    }

    public func string(_ key: String) throws(ModelFileError) -> String {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        guard let string = value.stringValue else { throw .wrongValueType(path: path, key: key, expected: "a string") }
        return string
    }

    public func strings(_ key: String) throws(ModelFileError) -> [String] {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        guard let array = value.arrayValue else { throw .wrongValueType(path: path, key: key, expected: "an array of strings") }
        var result: [String] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let string = element.stringValue else { throw .wrongValueType(path: path, key: key, expected: "an array of strings") }
            result.append(string)
        }
        return result
    }

    public func integers(_ key: String) throws(ModelFileError) -> [Int] {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        guard let array = value.arrayValue else { throw .wrongValueType(path: path, key: key, expected: "an array of integers") }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let int = element.intValue else { throw .wrongValueType(path: path, key: key, expected: "an array of integers") }
            result.append(int)
        }
        return result
    }
}
