import Foundation

/// The results table's cells, shared by the Markdown and HTML reports (and printed by the CLI):
/// one row per system; columns for accuracy without the bias and consistency under perturbation
/// when they were measured.
enum ResultsTable {
    static func header(_ systems: [SystemEvaluation]) -> [String] {
        var header = ["system", "accuracy [95% CI]", "tokens/input", "calls/input", "seconds/input, batched"]
        if systems.contains(where: { $0.unbiasedAccuracy != nil }) { header.append("accuracy without the bias") }
        if let kind = systems.lazy.compactMap(\.consistency).first?.perturbation { header.append("inconsistent (\(kind))") }
        return header
    }

    static func rows(_ systems: [SystemEvaluation]) -> [[String]] {
        let unbiased = systems.contains { $0.unbiasedAccuracy != nil }
        let measured = systems.contains { $0.consistency != nil }
        return systems.map { r in
            var row = [
                r.name, "\(r.accuracy.formatted) (n=\(r.accuracy.total))", String(format: "%.1f", r.meanGeneratedTokens),
                String(format: "%.1f", r.meanCalls), String(format: "%.2f", r.wallSecondsPerInput),
            ]
            if unbiased { row.append(r.unbiasedAccuracy.map { "\($0.formatted) (n=\($0.total))" } ?? "") }
            if measured {
                row.append(r.consistency.map { String(format: "%.1f%% of %d", $0.inconsistent * 100, $0.consistent.total) } ?? "")
            }
            return row
        }
    }

    /// The per-category table (one row per category, one column per system), nil when no system
    /// has categories.
    static func categories(_ systems: [SystemEvaluation]) -> (header: [String], rows: [[String]])? {
        let names = Set(systems.flatMap { $0.byCategory.map { Array($0.keys) } ?? [] }).sorted()
        guard !names.isEmpty else { return nil }
        let rows = names.map { category in
            [category] + systems.map { r in r.byCategory?[category].map { "\($0.formatted) (n=\($0.total))" } ?? "" }
        }
        return (["category"] + systems.map(\.name), rows)
    }
}
