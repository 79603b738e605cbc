import Foundation
import Inference

/// The accuracy-against-data curve: distilled System 1 trained again on the first N curated
/// inputs, for each requested size and schedule, from the same start as the train stage.
/// Each point is a run-store stage of its own (`curve-SCHEDULE-N`), so a killed run resumes at
/// the point where it stopped; the curve's sizes are not part of config.json, so it can be added
/// to a finished run.
extension EndToEndRun {
    /// The store's name of the curve point (schedule, size).
    public static func curveStageName(_ schedule: DistillationSchedule, _ inputs: Int) -> String { "curve-\(schedule.rawValue)-\(inputs)" }

    /// The points for `sizes` × `schedules`; sizes at or above the number of curated inputs
    /// become one point at that number, which for the run's own schedule is the train stage's
    /// result (`eval`'s distilled System 1) rather than a second training.
    public func curve(sizes: [Int], schedules: [DistillationSchedule], eval: EvalStats, train: TrainStats) async throws -> CurveStats {
        let rationales = try CuratedRationale.read(from: rationalesURL)
        let test = try configuration.splits().test
        var points: [CurvePoint] = []
        for schedule in schedules {
            for inputs in Set(sizes.map { min($0, rationales.count) }).sorted() where inputs > 0 {
                if inputs == rationales.count, schedule == configuration.schedule, let distilled = eval.systems.last {
                    points.append(CurvePoint(
                        schedule: schedule, inputs: inputs, accuracy: distilled.accuracy, meanGeneratedTokens: distilled.meanGeneratedTokens,
                        trainSeconds: train.cost.seconds, evalSeconds: distilled.wallSeconds, fromTrainStage: true))
                    continue
                }
                points.append(try await stage(Self.curveStageName(schedule, inputs)) {
                    try await curvePoint(schedule: schedule, rationales: Array(rationales.prefix(inputs)), test: test)
                })
            }
        }
        return CurveStats(points: points)
    }

    /// Trains and evaluates one point.
    func curvePoint(schedule: DistillationSchedule, rationales: [CuratedRationale], test: [TaskExample]) async throws -> CurvePoint {
        let name = Self.curveStageName(schedule, rationales.count)
        let folder = directory.appendingPathComponent("curve/\(schedule.rawValue)-\(rationales.count)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let start = ContinuousClock.now
        switch schedule {
        case .direct:
            log("\(name): \(rationales.count) curated answers, \(configuration.distillEpochs) epochs, from \(distillationStart == nil ? "the base model" : "taught")")
            let data = folder.appendingPathComponent("distill.jsonl")
            try AtomicFile.writeLines(try rationales.map { try TrainingRecord(messages: $0.messages).jsonLine() }, to: data)
            _ = try await fineTune(data: data, output: adapterURL(name), initial: distillationStart, epochs: configuration.distillEpochs, label: name)
        case .internalize:
            let schedule = configuration.internalization ?? InternalizationSchedule()
            _ = try await internalize(
                rationales, schedule: schedule, stageName: { "\(name)-stage-\($0)" },
                data: { folder.appendingPathComponent("stage-\($0).jsonl") },
                adapter: { $0 == schedule.lastStage ? name : "\(name)-stage-\($0)" })
        }
        let trainSeconds = Evaluator.seconds(since: start)
        try await model.loadAdapter(named: name, from: adapterURL(name))
        let system1 = try MethodLibrary.builtin.method(named: "system1")
        let result = try await Evaluator(task: task, seed: configuration.seed &+ 99).evaluate(
            EvaluationSystem(name: "Distilled System 1 (\(schedule.rawValue), \(rationales.count) inputs)", method: system1, adapter: name, maxTokens: 48),
            on: test, model: cached)
        log("\(name): \(result.accuracy.formatted), \(String(format: "%.1f", result.meanGeneratedTokens)) tokens/input")
        return CurvePoint(
            schedule: schedule, inputs: rationales.count, accuracy: result.accuracy, meanGeneratedTokens: result.meanGeneratedTokens,
            trainSeconds: trainSeconds, evalSeconds: result.wallSeconds, fromTrainStage: false)
    }
}
