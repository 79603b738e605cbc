import Foundation

/// The three exports of a run directory, by file name.
func exports(of run: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in ["distill.jsonl", "rejected.jsonl", "stats.json"] {
        out[name] = try Data(contentsOf: run.appendingPathComponent(name))
    }
    return out
}
