import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

/// Curation keeps the System 2 output whose answer won, for stepwise internalization.
@Suite struct CuratedRationaleTests {
    let task = CoinFlipTask()
    let method = MethodLibrary.builtin.methods["cot"]!

    @Test func curateWritesTheWinningSampleOfEveryAcceptedInput() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = CoinFlipTask.generate(count: 8, seed: 2)
        let settings = RunSettings(
            task: "coin-flip", dataSeed: 2, method: method, samples: 3, model: "scripted",
            parameters: SamplingParameters(maxTokens: 32, temperature: 0.7, seed: 0), minAgreement: 0.6)
        let run = try DistillationRun(directory: directory, settings: settings)
        // Mostly "yes"; every sample's reasoning names its seed, so the rationale tells which sample won.
        let model = ScriptedModel { request, i in
            let seed = request.parameters.seed &+ UInt64(i)
            return "Seed \(seed) thinks. So the answer is \(seed % 3 == 0 ? "no" : "yes")."
        }
        _ = try await GenerateStage(run: run, task: task, method: method).generate(inputs: inputs, model: model)
        let report = try await CurateStage(run: run).curate()
        #expect(report.rationalesFile == run.file(CuratedRationale.fileName).path)

        let rationales = try CuratedRationale.read(from: run.file(CuratedRationale.fileName))
        let distill = try String(contentsOf: run.file(CurateStage.distillFileName), encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(TrainingRecord.self, from: Data($0.utf8)) }
        #expect(rationales.count == report.stats.accepted)
        #expect(rationales.map(\.messages) == distill.map(\.messages))
        let items = try await run.store.items(GeneratedItem.self, stage: GenerateStage.name).map(\.payload)
        for r in rationales {
            let item = try #require(items.first { $0.index == r.index })
            #expect(item.example.id == r.id)
            let winning = try #require(item.result.decision.answer)
            let first = try #require(item.result.traces.first { $0.answer == winning })
            #expect(r.sampleIndex == first.sampleIndex)
            #expect(r.rationale == first.finalOutput)
            #expect(r.answer == task.formatAnswer(winning, for: item.example))
        }
    }

    @Test func universalSelfConsistencysChoiceIsTheWinner() throws {
        let traces = ["yes", "no", "no"].enumerated().map { i, answer in
            MethodTrace(method: "cot", exampleID: "x", sampleIndex: i, calls: [], finalOutput: "sample \(i)", answer: answer)
        }
        #expect(CuratedRationale.winner(of: traces, answer: "no", chosen: nil, task: task)?.sampleIndex == 1)
        #expect(CuratedRationale.winner(of: traces, answer: "no", chosen: 2, task: task)?.sampleIndex == 2)
        #expect(CuratedRationale.winner(of: traces, answer: "maybe", chosen: nil, task: task) == nil)
    }

    @Test func aMalformedLineIsReportedWithFileAndLine() throws {
        let file = temporaryRunDirectory().appendingPathExtension("jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"index\":0}\n".utf8).write(to: file)
        do {
            _ = try CuratedRationale.read(from: file)
            Issue.record("a record without its fields was read")
        } catch {
            #expect("\(error)" == "\(file.path):1: missing field \"id\"")
        }
    }
}
