import Foundation
import Inference

/// The report as one self-contained HTML page with inline SVG charts.
public enum HTMLReport {
    public static func render(_ report: RunReport) -> String {
        let c = report.configuration
        var body = "<h1>System 2 distillation: \(SVGChart.escape(c.task))</h1>"
        body += "<p>System 2 method <code>\(SVGChart.escape(c.method))</code>; \(c.teachExamples) teach examples, \(c.unlabeledInputs) unlabeled inputs × \(c.samples) samples\(c.adaptive ? " (adaptive)" : ""), \(c.testItems) test items. Model plan: \(SVGChart.escape(MarkdownReport.modelPlan(c))).</p>"
        if let e = report.eval { body += results(e, nothingToDistil: report.nothingToDistil) }
        if let cur = report.curate {
            body += "<h2>Curation</h2><p>Accepted \(cur.accepted) of \(cur.inputs) (\(String(format: "%.0f%%", cur.acceptanceRate * 100))); curated labels right \(cur.acceptedCorrect)/\(cur.accepted).</p>"
            body += SVGChart.bars(
                cur.voteHistogram.enumerated().map { .init(label: "\($0.offset) of \(c.samples) votes", value: Double($0.element)) },
                title: "Votes for the winning answer (inputs)") { String(format: "%.0f", $0) }
        }
        var curves: [(name: String, points: [(x: Double, y: Double)])] = []
        if let t = report.teach { curves.append(("teach", t.fineTune.lossCurve.map { (x: Double($0.step), y: $0.loss) })) }
        if let t = report.train { curves.append(("distill", t.fineTune.lossCurve.map { (x: Double($0.step), y: $0.loss) })) }
        if !curves.isEmpty {
            body += "<h2>Training</h2>" + SVGChart.lines(curves, title: "Training loss", xLabel: "step", yLabel: "loss")
        }
        if let i = report.train?.internalization { body += internalization(i) }
        if let curve = report.curve, !curve.points.isEmpty { body += self.curve(curve) }
        if let r = report.regression {
            body += "<h2>Regression check on \(SVGChart.escape(r.task))</h2>" + table(r.systems)
            body += "<p>Change \(String(format: "%+.1f", r.change * 100)) points\(r.significantDrop ? " (a drop beyond the base's interval)" : "").</p>"
        }
        body += "<h2>Cost</h2><table><tr><th>stage</th><th>wall s</th><th>new model calls</th><th>tokens</th></tr>"
        for s in report.costs { body += "<tr><td>\(s.stage)</td><td>\(String(format: "%.1f", s.seconds))</td><td>\(s.modelCalls)</td><td>\(s.tokens)</td></tr>" }
        body += "</table>"
        body += SVGChart.bars(report.costs.map { .init(label: $0.stage, value: $0.seconds) }, title: "Wall time per stage (s)") { String(format: "%.0f s", $0) }
        return page(title: "System 2 distillation: \(c.task)", body: body)
    }

    /// A standalone evaluation (`s2d eval --out`): the results section alone.
    public static func render(evaluation e: EvalStats) -> String {
        page(title: "Evaluation: \(e.task)", body: "<h1>Evaluation: \(SVGChart.escape(e.task))</h1>" + results(e, nothingToDistil: nil))
    }

    /// The results section: the table (and per-category table), the verdict, the accuracy and
    /// token charts and the router's curves.
    static func results(_ e: EvalStats, nothingToDistil: String?) -> String {
        var body = "<h2>Results</h2>" + table(e.systems)
        if let categories = ResultsTable.categories(e.systems) {
            body += "<h3>By category (agreement with the gold label, e.g. human judges)</h3>" + table(categories.header, categories.rows)
        }
        if let v = e.verdict { body += "<p><b>Verdict.</b> \(SVGChart.escape(v.summary))</p>" }
        if let reason = nothingToDistil { body += "<p><b>Verdict.</b> \(SVGChart.escape(reason))</p>" }
        body += SVGChart.bars(
            e.systems.map { .init(label: $0.name, value: $0.accuracy.rate * 100, low: $0.accuracy.lower * 100, high: $0.accuracy.upper * 100) },
            title: "Accuracy (%) with 95% Wilson interval", maximum: 100) { String(format: "%.1f%%", $0) }
        body += SVGChart.bars(e.systems.map { .init(label: $0.name, value: $0.meanGeneratedTokens) }, title: "Generated tokens per input") { String(format: "%.1f", $0) }
        if !e.router.isEmpty {
            var curves = [("answer probability", e.router.map { (x: $0.meanGeneratedTokens, y: $0.accuracy.rate * 100) })]
            if let a = e.agreementRouter, !a.isEmpty {
                curves.append(("agreement of 2 samples", a.map { (x: $0.meanGeneratedTokens, y: $0.accuracy.rate * 100) }))
            }
            body += SVGChart.lines(
                curves, title: "Router: accuracy against tokens over confidence thresholds", xLabel: "tokens per input", yLabel: "accuracy %")
        }
        return body
    }

    /// One self-contained page.
    static func page(title: String, body: String) -> String {
        let style = "body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}svg{display:block;margin:1em 0}"
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>\(SVGChart.escape(title))</title><style>\(style)</style></head><body>\(body)</body></html>\n"
    }

    /// The internalization stages: a table of what each removed and its loss, and each stage's loss curve.
    static func internalization(_ i: InternalizationStats) -> String {
        func row(_ cells: [String], _ tag: String) -> String {
            "<tr>" + cells.map { "<\(tag)>\(SVGChart.escape($0))</\(tag)>" }.joined() + "</tr>"
        }
        var s = "<h3>Internalization stages</h3><p>\(InternalizationTable.note)</p><table>" + row(InternalizationTable.header, "th")
        s += InternalizationTable.rows(i).map { row($0, "td") }.joined() + "</table>"
        let curves = i.stages.map { t in (name: "stage \(t.stage)", points: t.fineTune.lossCurve.map { (x: Double($0.step), y: $0.loss) }) }
        return s + SVGChart.lines(curves, title: "Training loss per internalization stage", xLabel: "step of the stage", yLabel: "loss")
    }

    /// The accuracy-against-data curve: its table and one line per schedule.
    static func curve(_ curve: CurveStats) -> String {
        func row(_ cells: [String], _ tag: String) -> String {
            "<tr>" + cells.map { "<\(tag)>\(SVGChart.escape($0))</\(tag)>" }.joined() + "</tr>"
        }
        var s = "<h2>Accuracy against curated inputs</h2><p>\(SVGChart.escape(CurveTable.note))</p><table>" + row(CurveTable.header(curve), "th")
        s += CurveTable.rows(curve).map { row($0, "td") }.joined() + "</table>"
        let lines = CurveTable.schedules(curve).map { schedule in
            (name: schedule.rawValue, points: curve.points.filter { $0.schedule == schedule }.sorted { $0.inputs < $1.inputs }
                .map { (x: Double($0.inputs), y: $0.accuracy.rate * 100) })
        }
        return s + SVGChart.lines(lines, title: "Distilled System 1 accuracy against curated inputs", xLabel: "curated inputs", yLabel: "accuracy %")
    }

    static func table(_ systems: [SystemEvaluation]) -> String {
        table(ResultsTable.header(systems), ResultsTable.rows(systems))
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func row(_ cells: [String], tag: String) -> String {
            "<tr>" + cells.map { "<\(tag)>\(SVGChart.escape($0))</\(tag)>" }.joined() + "</tr>"
        }
        return "<table>" + row(header, tag: "th") + rows.map { row($0, tag: "td") }.joined() + "</table>"
    }
}

/// Writes eval.json, report.md and report.html into a run directory.
public enum ReportWriter {
    public static func write(_ report: RunReport, to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(report), to: directory.appendingPathComponent("eval.json"))
        try AtomicFile.write(MarkdownReport.render(report), to: directory.appendingPathComponent("report.md"))
        try AtomicFile.write(HTMLReport.render(report), to: directory.appendingPathComponent("report.html"))
    }
}
