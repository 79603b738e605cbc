import Distillation
import Foundation
import Inference
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The HTML report is one well-formed, self-contained page with its charts.
@Suite struct ReportRenderingTests {
    func system(_ name: String, correct: Int, of n: Int, tokens: Int) -> SystemEvaluation {
        let predictions = (0..<n).map { i in
            EvaluatedPrediction(
                exampleID: "e\(i)", gold: "yes", answer: "yes", correct: i < correct, generatedTokens: tokens, calls: 1,
                latencySeconds: 0.1, confidence: i < correct ? 0.9 : 0.4)
        }
        return SystemEvaluation(name: name, method: "m", adapter: nil, samples: 1, predictions: predictions, wallSeconds: 1)
    }

    var report: RunReport {
        let s1 = system("System 1 <taught>", correct: 3, of: 10, tokens: 2)
        let s2 = system("System 2 (cot)", correct: 8, of: 10, tokens: 60)
        let d = system("Distilled System 1", correct: 7, of: 10, tokens: 2)
        let ft = FineTuneReport(
            adapter: URL(fileURLWithPath: "/tmp/a"), steps: 3, trainedTokens: 300, seconds: 2,
            lossCurve: [.init(step: 1, loss: 2.0), .init(step: 2, loss: 1.0), .init(step: 3, loss: 0.5)])
        let cost = StageCost(stage: "x", seconds: 1, modelCalls: 2, tokens: 3)
        return RunReport(
            configuration: EndToEndConfiguration(task: "coin-flip"),
            teach: TeachStats(examples: 4, fineTune: ft, cost: cost),
            curate: CurateStats(inputs: 4, accepted: 3, acceptedCorrect: 3, voteHistogram: [0, 1, 0, 1, 2], rejections: ["tie": 1], cost: cost),
            train: TrainStats(records: 3, fineTune: ft, cost: cost),
            eval: EvalStats(
                task: "coin-flip", systems: [s1, s2, d], router: Router.sweep(system1: d.predictions, system2: s2.predictions),
                agreementRouter: Router.sweep(system1: d.predictions, system2: s2.predictions, signal: .agreement),
                verdict: DistillabilityVerdict(task: "coin-flip", system1: s1, system2: s2, distilled: d), cost: cost))
    }

    @Test func htmlReportIsWellFormedXMLWithItsCharts() throws {
        let html = HTMLReport.render(report)
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError))")
        // Accuracy, tokens, votes, wall time: bar charts; router and loss: line charts.
        #expect(html.components(separatedBy: "<svg").count - 1 == 6)
        #expect(html.components(separatedBy: "class=\"bar\"").count - 1 >= 3 + 3 + 5)
        // Router (two signals) and two loss curves.
        #expect(html.components(separatedBy: "<polyline").count - 1 == 4)
        // Names are escaped, and nothing is fetched from outside the page.
        #expect(html.contains("System 1 &lt;taught&gt;"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"))
    }

    @Test func markdownReportCarriesTheResultsTableAndVerdict() {
        let md = MarkdownReport.render(report)
        #expect(md.contains("| Distilled System 1 | 70.0% ["))
        #expect(md.contains("**Verdict.** coin-flip: recovered - "))
        #expect(md.contains("Accepted 3/4"))
        #expect(md.contains("| probability | 0.50 |") && md.contains("| agreement | 1.00 |"))
    }

    /// The report of an internalization run: its schedule, a row and a loss curve per stage.
    @Test func internalizationStagesAreReportedInMarkdownAndHTML() throws {
        let schedule = InternalizationSchedule(stages: 2, stepsPerStage: 1, epochsPerStage: 2)
        func stage(_ k: Int, removed: Int?, from: String?, losses: [Double]) -> InternalizationStageStats {
            let ft = FineTuneReport(
                adapter: URL(fileURLWithPath: "/tmp/s\(k)"), steps: losses.count, trainedTokens: 100, seconds: 1,
                lossCurve: losses.enumerated().map { .init(step: $0.offset + 1, loss: $0.element) })
            return InternalizationStageStats(
                stage: k, stepsRemoved: removed, epochs: 2, examples: 3, answerOnly: removed == nil ? 3 : 1, withOffset: 1,
                meanStepsRemoved: removed == nil ? 4 : 0.5, initialAdapter: from, fineTune: ft,
                cost: StageCost(stage: "train-stage-\(k)", seconds: 1, modelCalls: 0, tokens: 100))
        }
        let stats = InternalizationStats(
            schedule: schedule, stages: [stage(0, removed: 0, from: "taught", losses: [2, 1.5]), stage(1, removed: nil, from: "stage-0", losses: [0.9, 0.4])])
        var r = report
        r.configuration = EndToEndConfiguration(task: "coin-flip", schedule: .internalize, internalization: schedule)
        r.train = TrainStats(records: 3, fineTune: try #require(stats.combinedFineTune), cost: r.train!.cost, internalization: stats)
        // The stages end to end: steps continue across stages.
        #expect(r.train?.fineTune.lossCurve.map(\.step) == [1, 2, 3, 4])
        let md = MarkdownReport.render(r)
        #expect(md.contains("stepwise internalization: 2 stages × 2 epochs, 1 more step removed per stage, removal smoothing λ = 4"))
        #expect(md.contains("| 0 | 0 | 2 | 3 | 1 | 1 | 0.50 | taught | 2.000 → 1.500 |"))
        #expect(md.contains("| 1 | all (answer only) | 2 | 3 | 3 | 1 | 4.00 | stage-0 | 0.900 → 0.400 |"))
        let html = HTMLReport.render(r)
        #expect(XMLParser(data: Data(html.utf8)).parse())
        #expect(html.contains("<td>all (answer only)</td>"))
        // Teach and distill curves, and one per stage.
        #expect(html.components(separatedBy: "<polyline").count - 1 == 4 + 2)
    }

    @Test func verdictRecoveredOnlyWithinSystem2Interval() {
        let s1 = system("S1", correct: 3, of: 10, tokens: 2)
        let s2 = system("S2", correct: 8, of: 10, tokens: 60)
        let recovered = DistillabilityVerdict(task: "t", system1: s1, system2: s2, distilled: system("D", correct: 6, of: 10, tokens: 2))
        #expect(recovered.recovered && recovered.outcome == .recovered && recovered.system2BeatsSystem1)
        #expect(recovered.summary.contains(": recovered - ") && recovered.summary.contains("58 fewer tokens"))
        let short = DistillabilityVerdict(task: "t", system1: s1, system2: s2, distilled: system("D", correct: 4, of: 10, tokens: 2))
        #expect(!short.recovered && short.outcome == .notRecovered)
        #expect(short.summary.contains("not recovered"))
    }

    @Test func verdictNeedsSystem2ToBeatSystem1() {
        // System 2 at 60% is inside System 1's interval at 50% of 10: no gain, so a distilled
        // model matching System 2 has recovered nothing.
        let s1 = system("S1", correct: 5, of: 10, tokens: 2)
        let s2 = system("S2", correct: 6, of: 10, tokens: 60)
        let v = DistillabilityVerdict(task: "t", system1: s1, system2: s2, distilled: system("D", correct: 6, of: 10, tokens: 2))
        #expect(v.outcome == .nothingToDistil)
        #expect(!v.recovered && !v.system2BeatsSystem1)
        #expect(v.summary.contains("nothing to distil") && v.summary.contains("does not beat S1 50.0%"))
        // System 2 worse than System 1: also nothing to distil.
        #expect(DistillabilityVerdict(task: "t", system1: s2, system2: s1, distilled: s2).outcome == .nothingToDistil)
        // With 100 items, 80% vs 50% is a clear gain.
        let big1 = system("S1", correct: 50, of: 100, tokens: 2)
        let big2 = system("S2", correct: 80, of: 100, tokens: 60)
        #expect(DistillabilityVerdict(task: "t", system1: big1, system2: big2, distilled: system("D", correct: 78, of: 100, tokens: 2)).outcome == .recovered)
    }

    @Test func verdictsStoredWithoutAnOutcomeStillDecode() throws {
        let old = #"{"task":"t","recovered":false,"system1":0.3,"system2":0.8,"distilled":0.4,"tokenSaving":58,"summary":"s"}"#
        // As the run store keeps it (eval stage statistics).
        let v = try JSONDecoder().decode(DistillabilityVerdict.self, from: Data(old.utf8))
        #expect(v.outcome == .notRecovered)
    }

    @Test func lineChartAxisLabelSitsBelowTheTitle() throws {
        let svg = SVGChart.lines([("s", [(x: 0, y: 1), (x: 1, y: 2)])], title: "Title", xLabel: "x axis", yLabel: "y axis")
        func baseline(of text: String) throws -> Double {
            let end = try #require(svg.range(of: ">\(text)</text>"))
            let start = try #require(svg[..<end.lowerBound].range(of: "<text", options: .backwards))
            let tag = svg[start.lowerBound..<end.lowerBound]
            let y = try #require(tag.range(of: " y=\""))
            return try #require(Double(tag[y.upperBound...].prefix { $0 != "\"" }))
        }
        // The title is 14 px; the label (11 px) must start below its baseline, not on it.
        #expect(try baseline(of: "y axis") - baseline(of: "Title") >= 11 + 2)
        // And the plot starts below the label.
        let polyline = try #require(svg.range(of: "points=\""))
        let firstY = svg[polyline.upperBound...].prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }.min()!
        #expect(firstY > (try baseline(of: "y axis")))
    }
}
