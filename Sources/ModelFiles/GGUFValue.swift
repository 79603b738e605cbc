/// A GGUF metadata value, of any of GGUF's value types.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])

    /// The value as an integer, for any integer type.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): Int(v)
        case let .int8(v): Int(v)
        case let .uint16(v): Int(v)
        case let .int16(v): Int(v)
        case let .uint32(v): Int(v)
        case let .int32(v): Int(v)
        case let .uint64(v): Int(exactly: v)
        case let .int64(v): Int(v)
        default: nil
        }
    }

    /// The value as a floating-point number, for any numeric type.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): Double(v)
        case let .float64(v): v
        default: intValue.map(Double.init)
        }
    }

    public var stringValue: String? {
        if case let .string(s) = self { s } else { nil }
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { b } else { nil }
    }

    public var arrayValue: [GGUFValue]? {
        if case let .array(a) = self { a } else { nil }
    }
}

extension GGUFValue {
    /// GGUF's value type codes.
    enum TypeCode: UInt32 {
        case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

        /// Smallest encoded size of one value of this type, to bound array counts by file size.
        var minimumSize: Int {
            switch self {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64, .string: 8
            case .array: 12
            }
        }
    }

    /// `what`: the words for errors, made once per key (not once per array element).
    static func read(_ type: TypeCode, from reader: inout ByteReader, key: String, depth: Int = 0, what: String? = nil) throws(ModelFileError) -> GGUFValue {
        let what = what ?? "metadata '\(ModelFileError.printable(key))'"
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, what))
        case .int8: return .int8(try reader.read(Int8.self, what))
        case .uint16: return .uint16(try reader.read(UInt16.self, what))
        case .int16: return .int16(try reader.read(Int16.self, what))
        case .uint32: return .uint32(try reader.read(UInt32.self, what))
        case .int32: return .int32(try reader.read(Int32.self, what))
        case .uint64: return .uint64(try reader.read(UInt64.self, what))
        case .int64: return .int64(try reader.read(Int64.self, what))
        case .float32: return .float32(try reader.readFloat(what))
        case .float64: return .float64(try reader.readDouble(what))
        case .bool: return .bool(try reader.read(UInt8.self, what) != 0)
        case .string: return .string(try reader.readString(what))
        case .array:
            guard depth < 4 else { throw .implausible(path: reader.path, what: "nesting of arrays in '\(ModelFileError.printable(key))'") }
            let rawElementType = try reader.read(UInt32.self, what)
            guard let elementType = TypeCode(rawValue: rawElementType) else {
                throw .unknownValueType(path: reader.path, key: key, type: rawElementType)
            }
            let count = try reader.read(UInt64.self, what)
            // Bound the count by the bytes left before allocating anything.
            guard count <= UInt64(reader.remaining / elementType.minimumSize) else {
                throw .implausible(path: reader.path, what: "array length \(count) for '\(ModelFileError.printable(key))' (file has \(reader.remaining) bytes left)")
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                values.append(try read(elementType, from: &reader, key: key, depth: depth + 1, what: what))
            }
            return .array(values)
        }
    }
}
