import Foundation
import Inference

/// The run files' JSON and JSONL conventions on top of the one atomic writer (ModelFiles'
/// `AtomicFile`, through Inference).
extension AtomicFile {
    /// Replaces the file at `url` with `lines`, each ending in a newline.
    public static func writeLines(_ lines: [String], to url: URL) throws {
        try write(Data(lines.map { $0 + "\n" }.joined().utf8), to: url)
    }

    /// JSON with sorted keys and snake_case names, ending in a newline: the same value always
    /// gives the same bytes.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        try write(canonicalJSON(value, pretty: true) + Data("\n".utf8), to: url)
    }

    /// The deterministic JSON encoding used by run files.
    public static func canonicalJSON<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(value)
    }
}
