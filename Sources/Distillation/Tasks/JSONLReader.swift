import Foundation
import Inference

/// One parsed JSONL line, with accessors that throw `DatasetError`s naming the file, line and
/// field. Nested fields are named with dots ("base.question").
public struct JSONLRecord: Sendable {
    /// The file the record came from, as given to the reader.
    public let file: String
    /// 1-based line number.
    public let line: Int
    let object: [String: JSONValue]
    /// Where this object sits in the line's JSON ("conversation_a[1]"), empty at the top.
    let prefix: String

    init(file: String, line: Int, object: [String: JSONValue], prefix: String = "") {
        self.file = file
        self.line = line
        self.object = object
        self.prefix = prefix
    }

    /// The full name of `field` for messages.
    func name(_ field: String) -> String { prefix.isEmpty ? field : prefix + "." + field }

    /// The raw value at a dotted path, or nil when absent or JSON null.
    func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = .object(object)
        for key in path.split(separator: ".") {
            guard case .object(let dict)? = current else { return nil }
            current = dict[String(key)]
        }
        if case .null? = current { return nil }
        return current
    }

    /// Whether the field is present and not null.
    public func has(_ path: String) -> Bool { value(path) != nil }

    /// A required string; numbers and booleans are accepted and written as text.
    public func string(_ path: String) throws -> String {
        guard let v = value(path) else { throw DatasetError.missingField(file: file, line: line, field: name(path)) }
        if let s = Self.scalarString(v) { return s }
        throw DatasetError.wrongType(file: file, line: line, field: name(path), expected: "a string")
    }

    /// An optional string (absent or null gives nil; a non-scalar is an error).
    public func optionalString(_ path: String) throws -> String? {
        guard has(path) else { return nil }
        return try string(path)
    }

    /// A required array of strings.
    public func strings(_ path: String) throws -> [String] {
        guard let v = value(path) else { throw DatasetError.missingField(file: file, line: line, field: name(path)) }
        guard case .array(let a) = v else {
            throw DatasetError.wrongType(file: file, line: line, field: name(path), expected: "an array of strings")
        }
        return try a.enumerated().map { i, e in
            guard let s = Self.scalarString(e) else {
                throw DatasetError.wrongType(file: file, line: line, field: "\(name(path))[\(i)]", expected: "a string")
            }
            return s
        }
    }

    /// A required array of objects (each returned as a record of the same line).
    public func objects(_ path: String) throws -> [JSONLRecord] {
        guard let v = value(path) else { throw DatasetError.missingField(file: file, line: line, field: name(path)) }
        guard case .array(let a) = v else {
            throw DatasetError.wrongType(file: file, line: line, field: name(path), expected: "an array of objects")
        }
        return try a.enumerated().map { i, e in
            guard case .object(let o) = e else {
                throw DatasetError.wrongType(file: file, line: line, field: "\(name(path))[\(i)]", expected: "an object")
            }
            return JSONLRecord(file: file, line: line, object: o, prefix: "\(name(path))[\(i)]")
        }
    }

    /// An error about this record's field.
    public func invalid(_ field: String, _ reason: String) -> DatasetError {
        .invalidValue(file: file, line: line, field: name(field), reason: reason)
    }

    static func scalarString(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .integer(let n): return String(n)
        case .unsigned(let n): return String(n)
        case .number(let n): return NumberExtraction.canonical(n)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

/// Reads JSON Lines files: one object per line; blank lines are skipped (they hold no record),
/// anything else that is not a JSON object is an error naming its line.
public enum JSONLReader {
    /// Records of the file at `path`.
    public static func records(path: String) throws -> [JSONLRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.unreadable(file: path, reason: "no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError.unreadable(file: path, reason: "not UTF-8 text")
        }
        return try records(text: text, file: path)
    }

    /// Records of JSONL `text`, attributed to `file` in errors.
    public static func records(text: String, file: String) throws -> [JSONLRecord] {
        var out: [JSONLRecord] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parsed: JSONValue
            do {
                parsed = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            } catch {
                throw DatasetError.malformedJSON(file: file, line: i + 1, reason: "invalid JSON")
            }
            guard case .object(let object) = parsed else {
                throw DatasetError.malformedJSON(file: file, line: i + 1, reason: "a JSON value that is not an object")
            }
            out.append(JSONLRecord(file: file, line: i + 1, object: object))
        }
        if out.isEmpty { throw DatasetError.empty(file: file) }
        return out
    }
}
