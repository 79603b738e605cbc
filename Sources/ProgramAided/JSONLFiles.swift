import Foundation
import Inference

/// Reading and writing run artifacts: JSON Lines and JSON, written to a temporary file and
/// renamed into place, so a killed stage never leaves a half-written artifact behind.
enum JSONLFiles {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    static func write<T: Encodable>(_ records: [T], to url: URL) throws {
        let enc = encoder()
        var data = Data()
        for r in records {
            data.append(try enc.encode(r))
            data.append(0x0A)
        }
        try atomicWrite(data, to: url)
    }

    static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let enc = encoder()
        enc.outputFormatting.insert(.prettyPrinted)
        try atomicWrite(try enc.encode(value), to: url)
    }

    static func atomicWrite(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }

    static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let dec = JSONDecoder()
        var out: [T] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            do {
                out.append(try dec.decode(T.self, from: Data(t.utf8)))
            } catch {
                throw PaDError.malformedArtifact(file: url.path, line: i + 1, reason: "\(error)")
            }
        }
        return out
    }

    static func readJSON<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: try Data(contentsOf: url))
        } catch {
            throw PaDError.malformedArtifact(file: url.path, line: 1, reason: "\(error)")
        }
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
}
