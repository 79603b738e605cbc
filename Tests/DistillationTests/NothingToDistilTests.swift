import Distillation
import Foundation
import Inference
import Testing
import TestDoubles
import TestSupport

/// A run whose curation accepts nothing still ends with a report: System 1 and System 2
/// evaluated, no distilled System 1, and a verdict that says why.
struct NothingToDistilTests {
    @Test func aRunThatCuratesNothingReportsWhyInsteadOfFailing() async throws {
        let directory = try TestFiles.temporaryDirectory("s2d-nothing")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Every pair of samples splits yes / no, so no input reaches the 0.75 agreement.
        let model = ScriptedModel { _, i in i % 2 == 0 ? "So the answer is yes." : "So the answer is no." }
        let trainer = RecordingFineTuner()
        let configuration = EndToEndConfiguration(task: "coin-flip", teachExamples: 0, unlabeledInputs: 4, samples: 2, testItems: 3)
        let report = try await EndToEndRun(directory: directory, configuration: configuration, model: model, fineTuner: trainer).runAll()

        #expect(report.curate?.accepted == 0 && report.train == nil)
        #expect(await trainer.jobs.isEmpty)
        let names = try #require(report.eval).systems.map(\.name)
        #expect(names == ["System 1", "System 2 (cot)"])
        #expect(report.eval?.verdict == nil)
        let reason = try #require(report.nothingToDistil)
        #expect(reason.contains("none of the 4 unlabeled inputs"))
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("Nothing to distil"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))

        // Run again: every stage is done, and the report is the same.
        let again = try await EndToEndRun(directory: directory, configuration: configuration, model: model, fineTuner: trainer).runAll()
        #expect(again.eval?.systems.map(\.name) == names && again.nothingToDistil == reason)
    }
}
