import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill --schedule internalize` as a user runs it, on the embedded model: a few inputs,
/// three stages of one epoch (0 steps removed, 1 step removed, the answer alone), killed as the
/// last stage starts, then run again.
@Suite struct InternalizeCommandTests {
    /// No teach stage (the stages start from the base model), one sample per input so that any
    /// readable answer is curated, and adaptive voting stored in the run's configuration.
    static let tinyRun = [
        "distill", "--task", "coin-flip", "--teach", "0", "--inputs", "4", "--samples", "1", "--min-agreement", "1",
        "--test", "2", "--max-tokens", "40", "--batch", "4", "--max-flips", "2", "--adaptive",
        "--schedule", "internalize", "--stages", "3", "--stage-epochs", "1", "--final-stage-epochs", "1",
    ]

    func lines<T: Decodable>(_ url: URL, as type: T.Type) throws -> [T] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try decoder.decode(T.self, from: Data($0.utf8)) }
    }

    @Test(.timeLimit(.minutes(8)))
    func stagesTrainOnTheCuratedRationaleWithStepsRemovedAndResumeAtTheStageThatStopped() async throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-internalize")
        defer { try? FileManager.default.removeItem(at: out) }

        // First run: killed as soon as stage 2 (the answer-only stage) starts.
        let first = try await S2DProcess.kill(Self.tinyRun + ["--run", out.path], whenStderrContains: "train-stage-2: ")
        try #require(first.stderr.contains("train-stage-2: "), "the first run ended before stage 2: \(first.stderr)")
        #expect(first.killed)
        #expect(first.stderr.contains("train-stage-1: step"))

        // Second run: finished stages are skipped; stage 2 runs again from stage 1's adapter.
        let second = try await S2DProcess.run(Self.tinyRun + ["--run", out.path])
        #expect(second.status == 0, "second run failed: \(second.stderr)")
        for stage in ["curate", "train-stage-0", "train-stage-1"] { #expect(second.stderr.contains("\(stage): already done, skipped")) }
        #expect(!second.stderr.contains("train-stage-0: step") && !second.stderr.contains("train-stage-1: step"))
        #expect(second.stderr.contains("train-stage-2: step"))

        // The targets: stage k < 2 is each curated rationale with its first k steps (plus its
        // smoothing offset) removed, or the answer once at most the answer's own step is left;
        // stage 2 the answer alone; all under the System 1 prompt.
        let rationales = try CuratedRationale.read(from: out.appendingPathComponent("rationales.jsonl"))
        let distill = try lines(out.appendingPathComponent("distill.jsonl"), as: TrainingRecord.self)
        let stages = try (0..<3).map { try lines(out.appendingPathComponent("internalize/stage-\($0).jsonl"), as: TrainingRecord.self) }
        try #require(!rationales.isEmpty)
        #expect(rationales.map(\.messages) == distill.map(\.messages))
        #expect(stages.allSatisfy { $0.count == rationales.count })
        let schedule = InternalizationSchedule(stages: 3, epochsPerStage: 1, finalStageEpochs: 1)
        for (i, r) in rationales.enumerated() {
            #expect(!r.messages[0].content.contains("step by step"))  // the System 1 prompt
            #expect(stages[2][i].messages == r.messages)  // the answer alone, as direct distillation trains
            let steps = ReasoningSteps(r.rationale, unit: .sentence)
            for k in 0..<2 {
                #expect(stages[k][i].messages.dropLast() == r.messages.dropLast())
                let removed = k + schedule.offset(stage: k, exampleID: r.id, seed: 0)
                let target = stages[k][i].messages.last!.content
                if removed < steps.count - 1 {
                    #expect(target == steps.removingFirst(removed))
                    #expect(r.rationale.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(target))
                    #expect(ReasoningSteps(target, unit: .sentence).count == steps.count - removed)
                } else {
                    #expect(target == r.answer)
                }
            }
        }

        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("eval.json")))
        let stats = try #require(report.train?.internalization?.stages)
        #expect(stats.map(\.stepsRemoved) == [0, 1, nil])
        #expect(stats.map(\.initialAdapter) == [nil, "stage-0", "stage-1"])
        #expect(stats.map(\.answerOnly).last == rationales.count)
        #expect(stats.allSatisfy { !$0.fineTune.lossCurve.isEmpty && $0.epochs == 1 })
        #expect(report.train?.fineTune.steps == stats.reduce(0) { $0 + $1.fineTune.steps })
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8).contains("### Internalization stages"))
        #expect(try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8).contains("Training loss per internalization stage"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/distilled/adapter_model.safetensors").path))

        // --adaptive is part of the run: in config.json and in the curation sub-run's settings.
        let config = try JSONDecoder().decode(EndToEndConfiguration.self, from: Data(contentsOf: out.appendingPathComponent("config.json")))
        #expect(config.adaptive && config.schedule == .internalize && config.internalization == schedule)
        let settings = try #require(try DistillationRun.storedSettings(in: out.appendingPathComponent("curation")))
        #expect(settings.adaptive && settings.seedRule == SampleSeed.rule)
    }

    @Test func stageFlagsWithoutTheInternalizeScheduleAreRefused() async throws {
        let direct = try await S2DProcess.run(["distill", "--task", "coin-flip", "--stages", "3", "--run", "/nonexistent/never-made"])
        #expect(direct.status != 0)
        #expect(direct.stderr.contains("--stages, --steps-per-stage, --stage-epochs, --final-stage-epochs and --removal-smoothing are for --schedule internalize"))
        // A direct run whose curve internalizes takes them: it gets past validation and stops only
        // at the run directory (a path under a file, which not even root can create).
        let curve = try await S2DProcess.run([
            "distill", "--task", "coin-flip", "--curve", "8", "--curve-schedules", "internalize", "--stages", "3", "--run", "/dev/null/run",
        ])
        #expect(curve.status != 0 && !curve.stderr.contains("are for --schedule internalize") && curve.stderr.contains("/dev/null/run"))
        let both = try await S2DProcess.run(["distill", "--task", "coin-flip", "--run", "/nonexistent/a", "--out", "/nonexistent/b"])
        #expect(both.status != 0 && both.stderr.contains("--out is the former name of --run"))
        let one = try await S2DProcess.run(["distill", "--task", "coin-flip", "--schedule", "internalize", "--stages", "1", "--run", "/nonexistent/never-made"])
        #expect(one.status != 0)
        #expect(one.stderr.contains("--stages: must be ≥ 2"))
    }
}
