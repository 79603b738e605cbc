import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` as a user runs it: the built executable on a few examples with the embedded
/// model, SIGKILLed after its first stage, then run again: it must skip the finished stage and
/// finish every other one, writing eval.json, report.md and report.html.
///
/// Time limits of the end-to-end tests are wall time under the whole suite: on 2 cores each of
/// them lasts about as long as the suite does (329 s on the AVX2 path with the Gemma tests, where
/// the full fine-tune here ran past its old 4-minute limit), so they are 8 minutes.
@Suite struct DistillCommandTests {
    static let tinyRun = [
        "distill", "--task", "coin-flip", "--teach", "4", "--inputs", "3", "--samples", "2", "--min-agreement", "0.5",
        "--test", "3", "--max-tokens", "24", "--teach-epochs", "1", "--distill-epochs", "1", "--batch", "4", "--max-flips", "2",
    ]

    @Test(.timeLimit(.minutes(8)))
    func distillRunsEveryStageAndResumesAfterAKill() async throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-distill")
        defer { try? FileManager.default.removeItem(at: out) }

        // First run: kill it as soon as the teach stage has finished and curation has begun.
        let first = try await S2DProcess.kill(Self.tinyRun + ["--run", out.path], whenStderrContains: "curate:")
        try #require(first.stderr.contains("curate:"), "the first run ended before curating: \(first.stderr)")
        #expect(first.killed)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/taught/adapter_model.safetensors").path))

        // Second run: resumes, skipping teach.
        let second = try await S2DProcess.run(Self.tinyRun + ["--run", out.path])
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

        // Third run: everything is done; nothing runs again. It adds the accuracy-against-data
        // curve to the finished run: 1 curated input and all of them, both schedules, internalize
        // in 4 stages (the run itself is direct: the stage flags are the curve's).
        let curve = ["--curve", "1,99", "--curve-schedules", "direct,internalize", "--stages", "4"]
        let internalize1 = "internalize-1-" + InternalizationSchedule(stages: 4).signature
        let third = try await S2DProcess.run(Self.tinyRun + ["--run", out.path] + curve)
        #expect(third.status == 0, "curve run failed: \(third.stderr)")
        for stage in ["teach", "curate", "train", "eval"] { #expect(third.stderr.contains("\(stage): already done, skipped")) }
        let withCurve = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("eval.json")))
        let points = try #require(withCurve.curve?.points)
        let curated = try String(contentsOf: out.appendingPathComponent("distill.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(points.count == (curated.count > 1 ? 4 : 2))
        // The run's own result is the direct point at every curated input, not trained again.
        let own = try #require(points.first { $0.schedule == .direct && $0.inputs == curated.count })
        #expect(own.fromTrainStage && own.accuracy == report.eval?.systems.last?.accuracy)
        if curated.count > 1 {
            let one = try String(contentsOf: out.appendingPathComponent("curve/direct-1/distill.jsonl"), encoding: .utf8)
            #expect(one.split(separator: "\n") == [curated[0]])
            // Internalization's last stage trains on the answer alone.
            let last = try String(contentsOf: out.appendingPathComponent("curve/\(internalize1)/stage-3.jsonl"), encoding: .utf8)
            #expect(last.split(separator: "\n") == [curated[0]])
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/curve-\(internalize1)/adapter_model.safetensors").path))
        }
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8).contains("## Accuracy against curated inputs"))
        #expect(third.stdout.contains("curve: internalize 1 curated inputs:"))

        // Fourth run: the curve points are stages too, so nothing is trained again.
        let fourth = try await S2DProcess.run(Self.tinyRun + ["--run", out.path] + curve)
        #expect(fourth.status == 0)
        if curated.count > 1 {
            #expect(points.first { $0.schedule == .internalize && $0.inputs == 1 }?.internalization?.stages == 4)
            for stage in ["curve-direct-1", "curve-\(internalize1)"] { #expect(fourth.stderr.contains("\(stage): already done, skipped")) }
        }
    }

    /// `--tuning full`: every stage writes a whole model (Q8_0 GGUF) instead of an adapter, the
    /// engine serves it by name, the curation sub-run names the taught model by its content,
    /// and a re-run skips every stage.
    @Test(.timeLimit(.minutes(8)))
    func distillWithFullFineTuningWritesModelsAndResumes() async throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-distill-full")
        defer { try? FileManager.default.removeItem(at: out) }
        let arguments = Self.tinyRun + ["--tuning", "full", "--run", out.path]
        let first = try await S2DProcess.run(arguments)
        #expect(first.status == 0, "full run failed: \(first.stderr)")
        #expect(first.stdout.contains("| Distilled System 1 |"))
        for name in ["taught", "distilled"] {
            let folder = out.appendingPathComponent("adapters/\(name)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.gguf").path), "\(name): no model.gguf")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("adapter_model.safetensors").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint").path), "\(name): checkpoint left")
        }
        let config = try String(contentsOf: out.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(config.contains("\"tuning\" : \"full\"") && config.contains("\"learningRate\" : 0.0001"))
        let runJSON = try String(contentsOf: out.appendingPathComponent("curation/run.json"), encoding: .utf8)
        let taughtHash = try AdapterFingerprint.hash(ofFolder: out.appendingPathComponent("adapters/taught").path).hex
        #expect(runJSON.contains(taughtHash), "the curation sub-run does not name the taught model by its content")
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("eval.json")))
        #expect(report.eval?.systems.count == 4)

        let second = try await S2DProcess.run(arguments)
        #expect(second.status == 0)
        for stage in ["teach", "curate", "train", "eval"] { #expect(second.stderr.contains("\(stage): already done, skipped")) }
        // The same directory under LoRA is refused, naming the field.
        let lora = try await S2DProcess.run(Self.tinyRun + ["--run", out.path])
        #expect(lora.status != 0 && lora.stderr.contains("tuning: \"full\" → \"lora\""), "\(lora.stderr)")
    }
}
