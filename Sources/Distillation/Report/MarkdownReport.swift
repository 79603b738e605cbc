import Foundation

/// The report as Markdown: the results table first, then curation, training, router, regression, costs.
public enum MarkdownReport {
    /// The results table alone (also printed by the CLI).
    public static func resultsTable(_ systems: [SystemEvaluation]) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        let header = ResultsTable.header(systems)
        return row(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + ResultsTable.rows(systems).map(row).joined()
    }

    /// What `distilled` was trained on, in words: the answer (direct) or the internalization schedule.
    static func scheduleSummary(_ c: EndToEndConfiguration) -> String {
        guard c.schedule == .internalize, let i = c.internalization else { return "answer (direct, \(c.distillEpochs) epochs)" }
        return "curated System 2 output, its first reasoning steps removed stage by stage (stepwise internalization: "
            + "\(i.stages.map { "\($0) stages" } ?? "a stage per removed step of the longest output") × \(i.epochsPerStage) "
            + "epoch\(i.epochsPerStage == 1 ? "" : "s"), \(i.stepsPerStage) more "
            + "step\(i.stepsPerStage == 1 ? "" : "s") removed per stage, removal smoothing "
            + "λ = \(String(format: "%g", i.smoothing.lambda)), the last stage on the answer alone for \(i.finalStageEpochs) "
            + "epoch\(i.finalStageEpochs == 1 ? "" : "s"))"
    }

    /// Which model answers as System 2 and what `distilled` starts from and learns.
    static func modelPlan(_ c: EndToEndConfiguration) -> String {
        let tuning = c.tuning == .full ? "full fine-tuning" : "LoRA"
        let learns = "on curated System 1 prompt → \(scheduleSummary(c))"
        if let teacher = c.teacher {
            return "the teacher `\(teacher)` answers by System 2 (curation and evaluation); the student is `--model`; `distilled` = \(tuning) of the student \(learns)"
        }
        guard c.teachExamples > 0 else { return "System 1 and System 2 are the model as it is; `distilled` = \(tuning) \(learns)" }
        let start = c.distillFrom == .taught ? "training continued from `taught`" : "\(tuning) from the base model"
        return "`taught` = \(tuning) on System 2 prompt → gold CoT; System 1 and System 2 use `taught`; `distilled` = \(start) \(learns)"
    }

    /// The internalization stages: what each removed and how its loss went.
    static func internalizationTable(_ i: InternalizationStats) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        var s = "### Internalization stages\n\n\(InternalizationTable.note)\n\n" + row(InternalizationTable.header)
        s += "|" + String(repeating: "---|", count: InternalizationTable.header.count) + "\n"
        for cells in InternalizationTable.rows(i) { s += row(cells) }
        return s + "\n"
    }

    public static func render(_ report: RunReport) -> String {
        let c = report.configuration
        var s = "# System 2 distillation: \(c.task)\n\n"
        s += "System 2 method `\(c.method)`; \(c.teacher == nil ? "teach \(c.teachExamples) gold chains of thought, " : "")\(c.unlabeledInputs) unlabeled inputs × \(c.samples) samples (agreement ≥ \(c.minAgreement)\(c.adaptive ? ", adaptive" : "")), \(c.testItems) test items. Model plan: \(modelPlan(c)).\n\n"
        if let e = report.eval {
            s += "## Results\n\n" + resultsTable(e.systems) + "\n"
            if let table = ResultsTable.categories(e.systems) {
                func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
                s += "### By category (agreement with the gold label, e.g. human judges)\n\n" + row(table.header)
                s += "|" + String(repeating: "---|", count: table.header.count) + "\n" + table.rows.map(row).joined() + "\n"
            }
            if let v = e.verdict { s += "**Verdict.** \(v.summary)\n\n" }
            if let reason = report.nothingToDistil { s += "**Verdict.** \(reason)\n\n" }
            if !e.router.isEmpty {
                s += "## Router (distilled System 1 when confident, else System 2)\n\n"
                s += "Signals: the probability of System 1's answer, and the share of 2 extra System 1 samples agreeing with it "
                    + "(their tokens are counted).\n\n| signal | threshold | accuracy | tokens/input | answered by System 1 |\n|---|---|---|---|---|\n"
                let curves = [("probability", e.router), ("agreement", e.agreementRouter ?? [])]
                for (signal, points) in curves {
                    for p in points {
                        s += "| \(signal) | \(String(format: "%.2f", p.threshold)) | \(p.accuracy.formatted) | \(String(format: "%.1f", p.meanGeneratedTokens)) | \(String(format: "%.0f%%", p.system1Share * 100)) |\n"
                    }
                }
                s += "\n"
            }
        }
        if let cur = report.curate {
            s += "## Curation\n\nAccepted \(cur.accepted)/\(cur.inputs) (\(String(format: "%.0f%%", cur.acceptanceRate * 100))); curated labels right: \(cur.acceptedCorrect)/\(cur.accepted). Winner votes histogram (votes: inputs): "
            s += cur.voteHistogram.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ") + ".\n"
            if !cur.rejections.isEmpty { s += "Rejections: " + cur.rejections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".\n" }
            s += "\n"
        }
        for (name, ft) in [("Teach", report.teach?.fineTune), ("Distillation training", report.train?.fineTune)] {
            guard let ft else { continue }
            s += "## \(name)\n\n\(ft.steps) steps, \(ft.trainedTokens) tokens, \(String(format: "%.1f", ft.seconds)) s; loss \(String(format: "%.3f", ft.lossCurve.first?.loss ?? .nan)) → \(String(format: "%.3f", ft.lossCurve.last?.loss ?? .nan)).\n\n"
        }
        if let i = report.train?.internalization { s += internalizationTable(i) }
        if let curve = report.curve, !curve.points.isEmpty {
            func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
            let header = CurveTable.header(curve)
            s += "## Accuracy against curated inputs\n\n\(CurveTable.note)\n\n" + row(header)
            s += "|" + String(repeating: "---|", count: header.count) + "\n"
            for cells in CurveTable.rows(curve) { s += row(cells) }
            s += "\n"
        }
        if let r = report.regression {
            s += "## Regression check on \(r.task) (not distilled)\n\n" + resultsTable(r.systems)
            s += "\nChange \(String(format: "%+.1f", r.change * 100)) points\(r.significantDrop ? " — a drop beyond the base's interval" : "").\n\n"
        }
        s += "## Cost per stage\n\n| stage | wall s | new model calls | tokens (generated or trained) |\n|---|---|---|---|\n"
        for c in report.costs { s += "| \(c.stage) | \(String(format: "%.1f", c.seconds)) | \(c.modelCalls) | \(c.tokens) |\n" }
        return s
    }
}
