import Foundation

/// The internalization stages as table cells, so the Markdown and HTML reports show the same
/// columns and only differ in markup.
enum InternalizationTable {
    /// A sentence saying how the stages chain.
    static let note = "Each stage is its own fine-tune (fresh optimizer) from the previous stage's adapter."

    static let header = [
        "stage", "steps removed", "epochs", "examples", "answer-only", "with offset", "mean steps removed", "from", "loss first → last",
    ]

    /// One row per stage, as plain text.
    static func rows(_ i: InternalizationStats) -> [[String]] {
        i.stages.map { t in
            [
                "\(t.stage)", t.stepsRemoved.map { "\($0)" } ?? "all (answer only)", "\(t.epochs)", "\(t.examples)", "\(t.answerOnly)",
                "\(t.withOffset)", String(format: "%.2f", t.meanStepsRemoved), t.initialAdapter ?? "base",
                String(format: "%.3f → %.3f", t.firstLoss, t.lastLoss),
            ]
        }
    }
}
