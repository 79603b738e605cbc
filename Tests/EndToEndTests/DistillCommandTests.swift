import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` as a user runs it: the built executable on a few examples with the embedded
/// model, SIGKILLed after its first stage, then run again: it must skip the finished stage and
/// finish every other one, writing eval.json, report.md and report.html.
@Suite struct DistillCommandTests {
    static let tinyRun = [
        "distill", "--task", "coin-flip", "--teach", "4", "--inputs", "3", "--samples", "2", "--min-agreement", "0.5",
        "--test", "3", "--max-tokens", "24", "--teach-epochs", "1", "--distill-epochs", "1", "--batch", "4", "--max-flips", "2",
    ]

    @Test(.timeLimit(.minutes(3)))
    func distillRunsEveryStageAndResumesAfterAKill() throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-distill")
        defer { try? FileManager.default.removeItem(at: out) }

        // First run: kill it as soon as the teach stage has finished and curation has begun.
        let first = try S2DProcess.kill(Self.tinyRun + ["--out", out.path], whenStderrContains: "curate:")
        try #require(first.stderr.contains("curate:"), "the first run ended before curating: \(first.stderr)")
        #expect(first.killed)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/taught/adapter_model.safetensors").path))

        // Second run: resumes, skipping teach.
        let second = try S2DProcess.run(Self.tinyRun + ["--out", out.path])
        #expect(second.status == 0, "second run failed: \(second.stderr)")
        #expect(second.stderr.contains("teach: already done, skipped"))
        #expect(!second.stderr.contains("teach: 4 gold"))
        #expect(second.stdout.contains("| Distilled System 1 |"))
        for file in ["eval.json", "report.md", "report.html", "distill.jsonl", "adapters/distilled/adapter_model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        // Generate + curate ran as the pipeline's own stages in the curation/ sub-run, whose
        // exports are the ones training used.
        for file in ["curation/run.json", "curation/stats.json", "curation/distill.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(try Data(contentsOf: out.appendingPathComponent("curation/distill.jsonl")) == Data(contentsOf: out.appendingPathComponent("distill.jsonl")))
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("eval.json")))
        #expect(report.eval?.systems.count == 4)
        #expect(report.eval?.agreementRouter?.isEmpty == false)
        #expect(report.eval?.systems.allSatisfy { $0.accuracy.total == 3 } == true)

        // Third run: everything is done; nothing runs again.
        let third = try S2DProcess.run(Self.tinyRun + ["--out", out.path])
        #expect(third.status == 0)
        for stage in ["teach", "curate", "train", "eval"] { #expect(third.stderr.contains("\(stage): already done, skipped")) }
    }
}
