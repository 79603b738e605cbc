import Foundation

/// Writes GGUF v3 files: used to build small models in tests and to export merged weights.
public struct GGUFWriter {
    private var metadata: [(String, GGUFValue)] = []
    private var tensors: [(name: String, type: GGMLType, dimensions: [Int], bytes: [UInt8])] = []
    public var alignment = 32

    public init() {}

    public mutating func set(_ key: String, _ value: GGUFValue) {
        metadata.removeAll { $0.0 == key }
        metadata.append((key, value))
    }

    /// Adds a float32 tensor; `dimensions` innermost first, as GGUF lists them.
    public mutating func addTensor(_ name: String, dimensions: [Int], values: [Float]) {
        precondition(values.count == dimensions.reduce(1, *), "tensor \(name): value count does not match its shape")
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        tensors.append((name, .f32, dimensions, bytes))
    }

    /// Adds a tensor of already encoded blocks of `type`.
    public mutating func addTensor(_ name: String, type: GGMLType, dimensions: [Int], bytes: [UInt8]) {
        tensors.append((name, type, dimensions, bytes))
    }

    /// The encoded file.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func putString(_ string: String) {
            put(UInt64(string.utf8.count))
            out.append(contentsOf: string.utf8)
        }
        func putValue(_ value: GGUFValue, typed: Bool) {
            func code(_ c: GGUFValue.TypeCode) { if typed { put(c.rawValue) } }
            switch value {
            case let .uint8(v): code(.uint8); put(v)
            case let .int8(v): code(.int8); put(v)
            case let .uint16(v): code(.uint16); put(v)
            case let .int16(v): code(.int16); put(v)
            case let .uint32(v): code(.uint32); put(v)
            case let .int32(v): code(.int32); put(v)
            case let .uint64(v): code(.uint64); put(v)
            case let .int64(v): code(.int64); put(v)
            case let .float32(v): code(.float32); put(v.bitPattern)
            case let .float64(v): code(.float64); put(v.bitPattern)
            case let .bool(v): code(.bool); put(UInt8(v ? 1 : 0))
            case let .string(v): code(.string); putString(v)
            case let .array(values):
                code(.array)
                put((values.first.map(Self.typeCode) ?? .uint8).rawValue)
                put(UInt64(values.count))
                for element in values { putValue(element, typed: false) }
            }
        }
        func pad() { while out.count % alignment != 0 { out.append(0) } }

        put(UInt32(0x4655_4747))
        put(UInt32(3))
        put(UInt64(tensors.count))
        put(UInt64(metadata.count))
        for (key, value) in metadata {
            putString(key)
            putValue(value, typed: true)
        }
        var offset = 0
        for tensor in tensors {
            putString(tensor.name)
            put(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { put(UInt64(dimension)) }
            put(tensor.type.rawValue)
            put(UInt64(offset))
            offset += tensor.bytes.count
            offset = (offset + alignment - 1) / alignment * alignment
        }
        pad()
        for tensor in tensors {
            out.append(contentsOf: tensor.bytes)
            pad()
        }
        return out
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    private static func typeCode(_ value: GGUFValue) -> GGUFValue.TypeCode {
        switch value {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }
}
