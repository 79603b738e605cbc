import Foundation
import Inference

/// The `.internalize` schedule of the train stage: one fine-tune per stage of an
/// `InternalizationSchedule`, each a stage of its own in the run store, so a killed run resumes
/// at the stage where it stopped and finished stages are skipped.
extension EndToEndRun {
    /// The store's name of internalization stage `k`.
    public static func internalizationStageName(_ k: Int) -> String { "train-stage-\(k)" }

    /// Where stage `k`'s training set is written (chat-messages JSONL, one line per curated input).
    public func internalizationDataURL(stage k: Int) -> URL {
        directory.appendingPathComponent("internalize/stage-\(k).jsonl")
    }

    /// The adapter stage `k` writes: `stage-k`, and `distilled` for the last stage (the one evaluated).
    func internalizationAdapter(stage k: Int, of schedule: InternalizationSchedule) -> String {
        k == schedule.lastStage ? Self.distilledAdapter : "stage-\(k)"
    }

    /// Trains `distilled` through every stage of `schedule` (resolved for the curated rationales) on them, starting
    /// from `distillationStart` (by default `taught` when there is one, else a fresh adapter).
    /// Each stage is its own fine-tune (a fresh optimizer) from the previous stage's adapter.
    func trainInStages(_ schedule: InternalizationSchedule) async throws -> TrainStats {
        let start = ContinuousClock.now
        let calls0 = modelCalls
        let rationales = try CuratedRationale.read(from: rationalesURL)
        let schedule = schedule.resolved(for: rationales, method: method)
        let internalization = try await internalize(
            rationales, schedule: schedule, stageName: Self.internalizationStageName, data: internalizationDataURL(stage:),
            adapter: { internalizationAdapter(stage: $0, of: schedule) })
        let combined = internalization.combinedFineTune!
        return TrainStats(
            records: rationales.count, fineTune: combined,
            cost: cost("train", since: start, callsBefore: calls0, tokens: combined.trainedTokens), internalization: internalization)
    }

    /// The stages of `schedule` (resolved) on `rationales` from `distillationStart`: stage k is run-store
    /// stage `stageName(k)`, trains on `data(k)` and writes adapter `adapter(k)`; the last
    /// stage's adapter is the result.
    func internalize(
        _ rationales: [CuratedRationale], schedule: InternalizationSchedule, stageName: (Int) -> String, data: (Int) -> URL,
        adapter: (Int) -> String
    ) async throws -> InternalizationStats {
        try schedule.validate()
        guard !rationales.isEmpty else { throw EndToEndError.nothingAccepted(inputs: configuration.unlabeledInputs) }
        log("\(stageName(0).replacingOccurrences(of: "-stage-0", with: "")): stepwise internalization of \(rationales.count) curated \(method.name) outputs in \(schedule.stageCount) stages of "
            + "\(schedule.epochsPerStage) epoch\(schedule.epochsPerStage == 1 ? "" : "s") (the answer-only one \(schedule.finalStageEpochs)), "
            + "\(schedule.stepsPerStage) step\(schedule.stepsPerStage == 1 ? "" : "s") more removed per stage, from \(distillationStart == nil ? "the base model" : "taught")")
        try FileManager.default.createDirectory(at: data(0).deletingLastPathComponent(), withIntermediateDirectories: true)
        var previous: URL? = distillationStart
        var stages: [InternalizationStageStats] = []
        for k in 0..<schedule.stageCount {
            let name = stageName(k)
            let output = adapterURL(adapter(k))
            let initial = previous
            let stats: InternalizationStageStats = try await stage(name) {
                let stageStart = ContinuousClock.now
                let examples = schedule.examples(stage: k, rationales: rationales, method: method, seed: configuration.seed)
                let file = data(k)
                try AtomicFile.writeLines(try examples.map { try $0.record.jsonLine() }, to: file)
                let answerOnly = examples.filter(\.target.answerOnly).count
                let removal = schedule.stepsRemoved(atStage: k).map { "first \($0) steps removed (+ smoothing offsets)" } ?? "the answer alone"
                log("\(name): \(examples.count) targets, \(removal); \(answerOnly) answer-only; from \(initial.map { "adapter \($0.lastPathComponent)" } ?? "the base model")")
                let report = try await fineTune(data: file, output: output, initial: initial, epochs: schedule.epochs(atStage: k), label: name)
                return InternalizationStageStats(
                    stage: k, stepsRemoved: schedule.stepsRemoved(atStage: k), epochs: schedule.epochs(atStage: k), examples: examples.count,
                    answerOnly: answerOnly, withOffset: examples.filter { $0.target.offset > 0 }.count,
                    meanStepsRemoved: Double(examples.reduce(0) { $0 + $1.target.stepsRemoved }) / Double(examples.count),
                    initialAdapter: initial?.lastPathComponent, fineTune: report,
                    cost: StageCost(stage: name, seconds: Evaluator.seconds(since: stageStart), modelCalls: 0, tokens: report.trainedTokens))
            }
            stages.append(stats)
            previous = output
        }
        return InternalizationStats(schedule: schedule, stages: stages)
    }
}
