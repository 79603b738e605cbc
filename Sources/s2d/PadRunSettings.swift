import Foundation
import Inference

/// OUT/pad-settings.json: the flags a PaD run directory was started with. Its artifacts are
/// reused on a re-run, so a re-run with other flags would silently mix settings; it is refused
/// instead, naming the flags that differ.
struct PadRunSettings: Codable, Equatable {
    /// Flags that decide the questions and the programs (both `synthesize` and `distill`).
    var data: [String: String]
    /// Flags that decide training and the student's decoding (`distill` only).
    var training: [String: String]?

    static let fileName = "pad-settings.json"

    /// A re-run with other flags than the run directory's (printed without a usage line).
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes these settings into `directory`, or checks them against those already there.
    func record(in directory: URL) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        var merged = self
        if let stored = try? JSONDecoder().decode(PadRunSettings.self, from: Data(contentsOf: url)) {
            var differences = Self.differences(stored.data, data)
            if let old = stored.training, let new = training { differences += Self.differences(old, new) }
            guard differences.isEmpty else {
                throw Mismatch(description: "\(url.path): this run was started with " + differences.joined(separator: ", ")
                                   + "; use those flags or another --out")
            }
            merged.training = training ?? stored.training
            if merged == stored { return }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(merged), to: url)
    }

    /// `--flag stored` for every flag whose value changed.
    static func differences(_ stored: [String: String], _ new: [String: String]) -> [String] {
        stored.keys.sorted().compactMap { key in stored[key] != new[key] ? "--\(key) \(stored[key] ?? "(none)")" : nil }
    }
}

extension PadTaskOptions {
    /// The flags that decide the training questions and their programs (`--test` only matters to `distill`).
    var settings: [String: String] {
        ["task": task, "data": data ?? "", "train": "\(train)", "words": "\(words)", "max-flips": "\(maxFlips)",
         "teacher": teacher, "samples-per-question": "\(samplesPerQuestion)", "teacher-temperature": "\(teacherTemperature)",
         "max-tokens": "\(maxTokens)", "seed": "\(seed)"]
    }
}
