import Distillation
import Foundation
import Inference
import TestDoubles
import Testing
import TestSupport

/// `s2d distill --perturb` and `--curation usc`: the run's curation sub-run samples the
/// perturbed inputs too and keeps only answers that survive them, or lets the System 2 model
/// choose among its responses — checked on scripted models whose right outcome is known.
struct DistillCurationOptionsTests {
    static let judgeData = TestFiles.packageRoot.appendingPathComponent("examples/data/pairwise-judge.jsonl").path

    func distill(_ configuration: EndToEndConfiguration, model: ScriptedModel) async throws -> (RunReport, URL) {
        let directory = try TestFiles.temporaryDirectory("s2d-curation-options")
        let report = try await EndToEndRun(directory: directory, configuration: configuration, model: model, fineTuner: RecordingFineTuner()).runAll()
        return (report, directory)
    }

    func judging(perturb: Bool) -> EndToEndConfiguration {
        EndToEndConfiguration(
            task: "pairwise-judge", method: "system1", teachExamples: 0, unlabeledInputs: 6, samples: 2, testItems: 2,
            data: Self.judgeData, perturb: perturb)
    }

    @Test func perturbationKeepsOnlyVerdictsThatSurviveSwappingTheResponses() async throws {
        // Always "A": self-consistent on each input, but the verdict follows the position.
        let alwaysA = ScriptedModel { _, _ in "[[A]]" }
        let (plain, d1) = try await distill(judging(perturb: false), model: alwaysA)
        defer { try? FileManager.default.removeItem(at: d1) }
        #expect(plain.curate?.accepted == 6)

        let (perturbed, d2) = try await distill(judging(perturb: true), model: alwaysA)
        defer { try? FileManager.default.removeItem(at: d2) }
        #expect(perturbed.curate?.accepted == 0)
        #expect((perturbed.curate?.rejections["perturbation-disagreement"] ?? 0) == 6, "\(perturbed.curate?.rejections ?? [:])")
        #expect(perturbed.nothingToDistil != nil)

        // A judge that reads the responses keeps its verdict when they swap.
        let reader = ScriptedModel { request, _ in
            let (a, b) = ConsistencyUnderPerturbationTests.responses(request)
            return a < b ? "[[A]]" : "[[B]]"
        }
        let (kept, d3) = try await distill(judging(perturb: true), model: reader)
        defer { try? FileManager.default.removeItem(at: d3) }
        #expect(kept.curate?.accepted == 6)
        let settings = try String(contentsOf: d3.appendingPathComponent("curation/run.json"), encoding: .utf8)
        #expect(settings.contains("\"perturb\" : true") || settings.contains("\"perturb\":true"), "\(settings)")
    }

    @Test func universalSelfConsistencyLetsTheModelChooseWhereAVoteWouldTie() async throws {
        // Two samples per input that always split: a vote rejects every input as a tie; under
        // USC the model names Response 2, so every input is kept with the second sample's answer.
        let model = ScriptedModel { request, i in
            if request.userText.contains("most consistent") { return "The most consistent response is Response 2." }
            return i % 2 == 0 ? "So the answer is yes." : "So the answer is no."
        }
        let configuration = EndToEndConfiguration(task: "coin-flip", teachExamples: 0, unlabeledInputs: 4, samples: 2, testItems: 2)
        let (voted, d1) = try await distill(configuration, model: model)
        defer { try? FileManager.default.removeItem(at: d1) }
        #expect(voted.curate?.accepted == 0)

        var usc = configuration
        usc.curation = .usc
        let (chosen, d2) = try await distill(usc, model: model)
        defer { try? FileManager.default.removeItem(at: d2) }
        #expect(chosen.curate?.accepted == 4)
        let distilled = try String(contentsOf: d2.appendingPathComponent("distill.jsonl"), encoding: .utf8)
        let answers = distilled.split(separator: "\n").map { line in line.contains(#"{"content":"No","role":"assistant"}"#) }
        #expect(answers == [true, true, true, true], "distill.jsonl should train on the chosen answer, No: \(distilled)")
    }
}
