/// Why a model file (GGUF or safetensors) could not be read. Each case names the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case badMagic(path: String, found: String)
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends before a structure it declares: a truncated or damaged file.
    case truncated(path: String, offset: Int, needed: Int, what: String)
    case unknownValueType(path: String, key: String, type: UInt32)
    case unknownTensorType(path: String, tensor: String, type: UInt32)
    /// A count or size that cannot be right for a file of this size.
    case implausible(path: String, what: String)
    case tensorOutOfBounds(path: String, tensor: String, end: Int, fileSize: Int)
    case badTensorShape(path: String, tensor: String, reason: String)
    case missingKey(path: String, key: String)
    case wrongValueType(path: String, key: String, expected: String)
    case missingTensor(path: String, tensor: String)
    case invalidHeader(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .badMagic(path, found): "\(path): not a GGUF file (magic \(found), expected \"GGUF\")"
        case let .unsupportedVersion(path, version): "\(path): unsupported GGUF version \(version) (supported: 2, 3)"
        case let .truncated(path, offset, needed, what):
            "\(path): truncated: \(what) needs \(needed) bytes at offset \(offset), past the end of the file"
        case let .unknownValueType(path, key, type): "\(path): metadata '\(Self.printable(key))' has unknown value type \(type)"
        case let .unknownTensorType(path, tensor, type): "\(path): tensor '\(Self.printable(tensor))' has unknown type \(type)"
        case let .implausible(path, what): "\(path): implausible \(what)"
        case let .tensorOutOfBounds(path, tensor, end, fileSize):
            "\(path): tensor '\(Self.printable(tensor))' data ends at byte \(end), past the end of the file (\(fileSize) bytes)"
        case let .badTensorShape(path, tensor, reason): "\(path): tensor '\(Self.printable(tensor))': \(reason)"
        case let .missingKey(path, key): "\(path): metadata key '\(key)' is missing"
        case let .wrongValueType(path, key, expected): "\(path): metadata '\(Self.printable(key))' is not \(expected)"
        case let .missingTensor(path, tensor): "\(path): tensor '\(tensor)' is missing"
        case let .invalidHeader(path, reason): "\(path): invalid header: \(reason)"
        }
    }

    /// A name read from a damaged file, fit for a message: control characters escaped, cut to
    /// 80 characters (a key whose length field was damaged can swallow kilobytes of binary).
    public static func printable(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if out.count >= 80 {
                out += "… (\(name.unicodeScalars.count) characters)"
                break
            }
            out += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return out
    }
}
