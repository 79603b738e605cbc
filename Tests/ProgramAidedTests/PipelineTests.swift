import Distillation
import Foundation
import Inference
import TestDoubles
import ProgramAided
import Testing

/// The whole PaD pipeline with the gold teacher, a scripted student and a recording trainer.
@Suite struct PipelineTests {
    /// The student: with the program adapter, sample 0 is right and sample 1 raises; repairs
    /// are right; the chain-of-thought adapter states the answer in words.
    static func student() -> ScriptedModel {
        ScriptedModel { request, i in
            let words = quotedWords(in: request.userText)
            let answer = words.map { String($0.last!).lowercased() }.joined()
            if request.adapter == "pad-cot" { return "The last letters give \"\(answer)\".\nThe answer is \(answer)." }
            if request.userText.contains("This program is wrong") { return "def solution():\n    return '\(answer)'" }
            if request.parameters.temperature > 0, i == 1 { return "def solution():\n    return wordz[-1]" }
            return "```python\ndef solution():\n    return '\(answer)'\n```"
        }
    }

    func configuration() -> PaDConfiguration {
        PaDConfiguration(
            task: LastLetterTask(), train: LastLetterTask.generate(count: 6, seed: 1), test: LastLetterTask.generate(count: 4, seed: 2),
            solvers: [.greedy, .sample, .refine, .chainOfThought])
    }

    @Test func runsEveryStageThenResumesWithoutCalls() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let student = Self.student()
        let tuner = RecordingFineTuner()
        let pipeline = PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration())
        let report = try await pipeline.run()

        #expect(report.verifiedPrograms == 6)
        #expect(report.verifiedQuestions == 6)
        #expect(report.chainOfThoughtRecords == 6)
        #expect(report.refinementPairs == 6)  // sample 1 of every training question raised
        #expect(report.evaluations.map(\.solver) == ["pad-greedy", "pad-sample", "pad-refine", "cot-greedy"])
        #expect(report.evaluations.allSatisfy { $0.accuracy == 1 })
        #expect(report.verdict?.hasPrefix("no difference at this size") == true)
        #expect(try String(contentsOf: pipeline.artifacts.report, encoding: .utf8) == report.markdown + "\n")
        #expect(report.markdown.contains("| pad-greedy | 100.0% (4/4) |") && report.markdown.hasSuffix("verdict: \(report.verdict!)"))
        for name in ["attempts.jsonl", "programs.jsonl", "sft.jsonl", "cot.jsonl", "refine.jsonl", "refine-pairs.jsonl", "eval.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
        }
        let jobs = await tuner.jobs
        #expect(jobs.map(\.output.lastPathComponent) == ["program", "cot", "refine"])
        #expect(jobs[2].initialAdapter == pipeline.artifacts.programAdapter)
        #expect(Set(await student.loadedAdapters) == ["pad-program", "pad-refine", "pad-cot"])
        let sft = try String(contentsOf: pipeline.artifacts.sft, encoding: .utf8).split(separator: "\n")
        #expect(sft.count == 6)
        let refine = try String(contentsOf: pipeline.artifacts.refine, encoding: .utf8)
        #expect(refine.contains("NameError"))
        let calls = await student.requests.count
        #expect(calls > 0)

        // A second run over the same directory reads eval.json: no model, trainer or adapter calls.
        let again = try await PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir,
                                          configuration: configuration()).run()
        #expect(again == report)
        #expect(await student.requests.count == calls)
        #expect(await tuner.jobs.count == 3)
    }

    @Test func theVerdictComparesTheStudentsByTheirIntervals() {
        func verdict(_ pad: Int, _ cot: Int, of n: Int) -> String {
            PaDReport.comparison(pad: ProportionEstimate(successes: pad, total: n), chainOfThought: ProportionEstimate(successes: cot, total: n))
        }
        #expect(verdict(16, 10, of: 16) == "no difference at this size (the intervals overlap)")  // [80.6, 100] vs [38.6, 81.5]
        #expect(verdict(20, 4, of: 20) == "PaD is better than chain-of-thought fine-tuning")
        #expect(verdict(3, 19, of: 20) == "chain-of-thought fine-tuning is better than PaD")
    }

    @Test func aRunStoppedBeforeEvaluationRedoesOnlyTheEvaluation() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tuner = RecordingFineTuner()
        let first = PaDPipeline(student: Self.student(), teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration())
        let report = try await first.run()
        try FileManager.default.removeItem(at: first.artifacts.eval)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("evaluations"))

        let student = Self.student()
        let teacher = ScriptedModel { _, _ in "def solution():\n    return 'never asked'" }
        let second = PaDPipeline(student: student, teacher: .model(teacher, adapter: nil), fineTuner: tuner, runDirectory: dir,
                                 configuration: configuration())
        let again = try await second.run()
        #expect(again == report)
        #expect(await teacher.requests.isEmpty)
        #expect(await tuner.jobs.count == 3)
        // Only evaluation requests: 4 greedy + 4 sampled + 4 refine first attempts + 4 chain of thought.
        let requests = await student.requests
        #expect(requests.count == 16)
        #expect(!requests.contains { $0.userText.contains("This program is wrong") })
    }

    @Test func noVerifiedProgramIsAClearError() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let teacher = ScriptedModel { _, _ in "def solution():\n    return 'zz'" }
        let pipeline = PaDPipeline(student: Self.student(), teacher: .model(teacher, adapter: nil), fineTuner: RecordingFineTuner(),
                                   runDirectory: dir, configuration: configuration())
        await #expect(throws: PaDError.self) { try await pipeline.run() }
        #expect(FileManager.default.fileExists(atPath: pipeline.artifacts.attempts.path))
    }

    @Test func finishedSolverEvaluationsAreNotRedone() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tuner = RecordingFineTuner()
        let first = PaDPipeline(student: Self.student(), teacher: .gold, fineTuner: tuner, runDirectory: dir, configuration: configuration())
        let report = try await first.run()
        // As if killed while evaluating the chain-of-thought student: only its evaluation is missing.
        try FileManager.default.removeItem(at: first.artifacts.eval)
        try FileManager.default.removeItem(at: first.artifacts.evaluation(.chainOfThought))

        let student = Self.student()
        let again = try await PaDPipeline(student: student, teacher: .gold, fineTuner: tuner, runDirectory: dir,
                                          configuration: configuration()).run()
        #expect(again == report)
        let requests = await student.requests
        #expect(requests.count == 4)
        #expect(requests.allSatisfy { $0.adapter == "pad-cot" })
    }

    @Test func synthesisRecordsEveryAttemptInTheRunStore() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(directory: dir)
        let teacher = ScriptedModel { request, i in
            let answer = quotedWords(in: request.userText).map { String($0.last!).lowercased() }.joined()
            return i == 0 ? "def solution():\n    return '\(answer)'" : "def solution():\n    return 1 / 0"
        }
        var config = configuration()
        config.samplesPerQuestion = 2
        let stage = PaDSynthesisStage(configuration: config, teacher: .model(teacher, adapter: nil),
                                      artifacts: PaDPipeline.Artifacts(directory: dir), store: store)
        let result = try await stage.run()
        #expect(result.verified.count == 6)
        let items = try await store.items(ProgramAttempt.self, stage: PaDSynthesisStage.name)
        #expect(items.count == 12)
        #expect(items.filter { $0.payload.check.outcomeClass == "ZeroDivisionError" }.count == 6)
        let stats = try await store.stageStats(PaDSynthesisStage.name, as: PaDSynthesisStage.Statistics.self)
        #expect(stats?.outcomes == ["correct": 6, "ZeroDivisionError": 6])
        #expect(try await store.isStageFinished(PaDSynthesisStage.name))

        // Finished: a second run reads the files back without asking the teacher.
        let calls = await teacher.requests.count
        #expect(try await stage.run() == result)
        #expect(await teacher.requests.count == calls)
    }
}
