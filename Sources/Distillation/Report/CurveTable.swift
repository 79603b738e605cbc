import Foundation

/// The accuracy-against-data curve as table cells (rows: curated inputs; columns: schedules),
/// so the Markdown and HTML reports show the same cells and only differ in markup.
enum CurveTable {
    static let note = "Distilled System 1 trained again on the first N curated inputs (same start, epochs and test items as the train stage); "
        + "each cell: accuracy [95% CI], training seconds and, for internalize, its stages. * marks the train stage's own result."

    static func schedules(_ curve: CurveStats) -> [DistillationSchedule] {
        DistillationSchedule.allCases.filter { s in curve.points.contains { $0.schedule == s } }
    }

    static func header(_ curve: CurveStats) -> [String] { ["curated inputs"] + schedules(curve).map(\.rawValue) }

    static func rows(_ curve: CurveStats) -> [[String]] {
        Set(curve.points.map(\.inputs)).sorted().map { inputs in
            ["\(inputs)"] + schedules(curve).map { schedule in
                guard let p = curve.points.first(where: { $0.inputs == inputs && $0.schedule == schedule }) else { return "-" }
                let stages = p.internalization?.stages.map { " · \($0) stages" } ?? ""
                return "\(p.accuracy.formatted)\(p.fromTrainStage ? "*" : "") · \(String(format: "%.0f", p.trainSeconds)) s\(stages)"
            }
        }
    }
}
