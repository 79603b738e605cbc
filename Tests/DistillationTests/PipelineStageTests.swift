import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

/// The generate and curate stages on a deterministic scripted model: exports, resumption,
/// zero-call re-runs, budget stops and settings checks.
@Suite struct PipelineStageTests {
    let task = CoinFlipTask()
    let inputs = CoinFlipTask.generate(count: 10, seed: 7)
    let method = MethodLibrary.builtin.methods["cot"]!

    /// Says "yes" for sample seeds with `seed % 4 < userText.count % 5`, else "no": per input
    /// anything from a clear "no" through a tie to a clear "yes".
    func model() -> ScriptedModel {
        ScriptedModel { request, i in
            let seed = request.parameters.seed &+ UInt64(i)
            return seed % 4 < UInt64(request.userText.count % 5) ? "So the answer is yes." : "So the answer is no."
        }
    }

    func settings(samples: Int = 4, adaptive: Bool = false, seed: UInt64 = 0, minAgreement: Double = 0.6) -> RunSettings {
        RunSettings(
            task: "coin-flip", dataSeed: 7, method: method, samples: samples, model: "scripted",
            parameters: SamplingParameters(maxTokens: 32, temperature: 0.7, seed: seed), adaptive: adaptive, adaptiveChunk: 1,
            minAgreement: minAgreement)
    }

    func exports(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in [CurateStage.distillFileName, CurateStage.rejectedFileName, CurateStage.statsFileName] {
            out[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return out
    }

    @Test func generateThenCurateWritesExportsInInputOrder() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try DistillationRun(directory: directory, settings: settings())
        let m = model()
        let report = try await GenerateStage(run: run, task: task, method: method, concurrency: 3).generate(inputs: inputs, model: m)
        #expect(report.complete)
        #expect(report.generatedNow == 10)
        #expect(report.modelCalls == 10)  // one n=4 request per input
        #expect(report.samplesGenerated == 40)

        let curated = try await CurateStage(run: run).curate()
        let stats = curated.stats
        #expect(stats.inputs == 10)
        #expect(stats.accepted + stats.rejected == 10)
        #expect(curated.modelCalls == 0)

        // Each input's expected verdict, from the model's rule: yes-votes = userText.count % 5.
        var expectedAccepted: [String] = []
        var expectedRejected: [String] = []
        for example in inputs {
            let prompt = try MethodRunner(method: method, task: task).prompt(for: method.steps[0], variables: task.templateVariables(for: example))
            guard case .chat(let messages) = prompt else { Issue.record("not a chat"); return }
            let yes = messages.last!.content.count % 5
            switch yes {
            case 0, 1: expectedAccepted.append("No")
            case 3, 4: expectedAccepted.append("Yes")
            default: expectedRejected.append(example.id)
            }
        }
        let distill = String(decoding: try Data(contentsOf: run.file(CurateStage.distillFileName)), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(distill.count == expectedAccepted.count)
        let records = try distill.map { try JSONDecoder().decode(TrainingRecord.self, from: Data($0.utf8)) }
        #expect(records.map { $0.messages.last!.content } == expectedAccepted)
        // The user message is the System 1 prompt: the bare question, no reasoning request.
        #expect(records.allSatisfy { $0.messages.first { $0.role == .user }!.content.hasPrefix("A coin is heads up.") })
        let rejected = String(decoding: try Data(contentsOf: run.file(CurateStage.rejectedFileName)), as: UTF8.self)
            .split(separator: "\n")
        #expect(rejected.count == expectedRejected.count)
        // Two yes, two no: the top answer has 2 votes where 3 are needed.
        #expect(rejected.allSatisfy { $0.contains("\"kind\":\"below-threshold\"") && $0.contains("\"vote\":") })
        #expect(stats.rejectionReasons == (expectedRejected.isEmpty ? [:] : ["below-threshold": expectedRejected.count]))
        #expect(stats.stages["generate"]?.samplesDrawn == 40)
    }

    @Test func rerunningAFinishedRunMakesNoModelCallAndWritesTheSameBytes() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try DistillationRun(directory: directory, settings: settings())
        _ = try await GenerateStage(run: run, task: task, method: method).generate(inputs: inputs, model: model())
        _ = try await CurateStage(run: run).curate()
        let first = try exports(directory)

        let again = try DistillationRun(directory: directory, settings: settings())
        let m = model()
        let report = try await GenerateStage(run: again, task: task, method: method).generate(inputs: inputs, model: m)
        #expect(report.modelCalls == 0)
        #expect(report.alreadyDone == 10)
        #expect(await m.requests.isEmpty)
        _ = try await CurateStage(run: again).curate()
        #expect(try exports(directory) == first)
    }

    @Test func resumingWithDifferentSettingsIsRefusedNamingTheField() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try DistillationRun(directory: directory, settings: settings())
        let samples = failure { _ = try DistillationRun(directory: directory, settings: settings(samples: 5)) }
        #expect(samples.contains("run.json") && samples.contains("samples: 4 → 5"), "\(samples)")
        do {
            _ = try DistillationRun(directory: directory, settings: settings(samples: 6, seed: 9))
            Issue.record("a different seed was accepted")
        } catch let mismatch as RunSettingsMismatch {
            // Every field that differs, in declaration order.
            #expect(mismatch.differences == [
                SettingDifference(field: "samples", stored: "4", requested: "6"), SettingDifference(field: "seed", stored: "0", requested: "9"),
            ])
        }
        // Curation's threshold is free for a plain run...
        _ = try DistillationRun(directory: directory, settings: settings(minAgreement: 0.9))
    }

    @Test func budgetStopThenResumeGivesTheSameExportsAsOneRun() async throws {
        let whole = temporaryRunDirectory()
        let split = temporaryRunDirectory()
        defer {
            try? FileManager.default.removeItem(at: whole)
            try? FileManager.default.removeItem(at: split)
        }
        let oneRun = try DistillationRun(directory: whole, settings: settings())
        _ = try await GenerateStage(run: oneRun, task: task, method: method).generate(inputs: inputs, model: model())
        _ = try await CurateStage(run: oneRun).curate()

        // Each input costs 4 samples × 5 words = 20 tokens: a budget of 30 stops after 2 inputs (one at a time).
        let partRun = try DistillationRun(directory: split, settings: settings())
        let stopped = try await GenerateStage(run: partRun, task: task, method: method, concurrency: 1, tokenBudget: 30)
            .generate(inputs: inputs, model: model())
        #expect(stopped.stoppedByBudget)
        #expect(!stopped.complete)
        #expect(stopped.generatedNow == 2)
        #expect(stopped.generatedTokens == 40)
        #expect(try await partRun.store.isStageFinished(GenerateStage.name) == false)

        let resumed = try await GenerateStage(run: partRun, task: task, method: method, concurrency: 4)
            .generate(inputs: inputs, model: model())
        #expect(resumed.complete)
        #expect(resumed.alreadyDone == 2)
        #expect(resumed.modelCalls == 8)
        _ = try await CurateStage(run: partRun).curate()
        #expect(try exports(split) == exports(whole))
    }

    @Test func adaptiveRunRecordsSamplesSavedAndFixesTheThreshold() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try DistillationRun(directory: directory, settings: settings(samples: 8, adaptive: true))
        let report = try await GenerateStage(run: run, task: task, method: method).generate(inputs: inputs, model: model())
        #expect(report.samplesSaved > 0)
        #expect(report.samplesGenerated == 80 - report.samplesSaved)
        let stats = try await CurateStage(run: run).curate().stats
        #expect(stats.stages["generate"]?.samplesSaved == report.samplesSaved)
        #expect(throws: RunSettingsMismatch.self) { _ = try CurateStage(run: run, minAgreement: 0.9) }
        #expect(failure { _ = try DistillationRun(directory: directory, settings: settings(samples: 8, adaptive: true, minAgreement: 0.9)) }
            .contains("min-agreement"))
    }

    @Test func estimateCountsCallsAndTokensAndSkipsDoneInputs() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try DistillationRun(directory: directory, settings: settings())
        let stage = try GenerateStage(run: run, task: task, method: method)
        let before = try await stage.estimate(inputs: inputs)
        #expect(before.remaining == 10)
        #expect(before.modelCalls == 10)
        #expect(before.sampleCalls == 40)
        #expect(before.maxGeneratedTokens == 40 * 32)
        #expect(before.approximatePromptTokens > 10 * 10)
        _ = try await stage.generate(inputs: Array(inputs.prefix(3)), model: model())
        let after = try await stage.estimate(inputs: inputs)
        #expect(after.alreadyDone == 3)
        #expect(after.modelCalls == 7)
    }

    @Test func taskInputsNameTheProblem() throws {
        #expect(failure { _ = try TaskInputs(task: "coin-flips", count: 3) }.contains("known tasks: last-letter, coin-flip"))
        #expect(failure { _ = try TaskInputs(task: "gsm8k", count: 3) }.contains("needs --data FILE"))
        #expect(failure { _ = try TaskInputs(task: "coin-flip") }.contains("--count N"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-bad-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"question\": \"A coin is heads up. Ka flips the coin. Is the coin still heads up?\"}\n{\"question\": 3}\n".utf8).write(to: file)
        let bad = failure { _ = try TaskInputs(task: "coin-flip", data: file.path) }
        #expect(bad.contains("\(file.path):2") && bad.contains("question"), "\(bad)")
        #expect(try TaskInputs(task: "coin-flip", count: 5, seed: 1, limit: 2).examples == CoinFlipTask.generate(count: 2, seed: 1))
    }
}

/// The description of the error `body` throws; empty when it throws none.
func failure(_ body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return "\(error)"
    }
}
