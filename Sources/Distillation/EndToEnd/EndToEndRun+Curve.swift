import Foundation
import Inference

/// The accuracy-against-data curve: distilled System 1 trained again on the first N curated
/// inputs, for each requested size and schedule, from the same start as the train stage.
/// Each point is a run-store stage of its own (`curve-direct-N`, `curve-internalize-N-HASH`), so
/// a killed run resumes at the point where it stopped; the curve's sizes are not part of
/// config.json, so it can be added to a finished run.
extension EndToEndRun {
    /// The store's name of the curve point (schedule, size). An internalize point's name ends in
    /// its stage schedule's hash: points made under other internalization flags are other stages.
    public static func curveStageName(_ schedule: DistillationSchedule, _ inputs: Int, internalization: InternalizationSchedule) -> String {
        switch schedule {
        case .direct: "curve-direct-\(inputs)"
        case .internalize: "curve-internalize-\(inputs)-\(internalization.signature)"
        }
    }

    /// The points for `sizes` × `schedules`, internalize points under `internalization`; sizes at
    /// or above the number of curated inputs become one point at that number, which for the
    /// run's own schedule (and stage schedule) is the train stage's result (`eval`'s distilled
    /// System 1) rather than a second training.
    public func curve(
        sizes: [Int], schedules: [DistillationSchedule], internalization: InternalizationSchedule, eval: EvalStats, train: TrainStats
    ) async throws -> CurveStats {
        let rationales = try CuratedRationale.read(from: rationalesURL)
        let test = try configuration.splits().test
        var points: [CurvePoint] = []
        for schedule in schedules {
            for inputs in Set(sizes.map { min($0, rationales.count) }).sorted() where inputs > 0 {
                let sameAsTrainStage = schedule == configuration.schedule && (schedule == .direct || configuration.internalization == internalization)
                if inputs == rationales.count, sameAsTrainStage, let distilled = eval.systems.last {
                    points.append(CurvePoint(
                        schedule: schedule, inputs: inputs, accuracy: distilled.accuracy, meanGeneratedTokens: distilled.meanGeneratedTokens,
                        trainSeconds: train.cost.seconds, evalSeconds: distilled.wallSeconds, fromTrainStage: true,
                        internalization: train.internalization?.schedule))
                    continue
                }
                let name = Self.curveStageName(schedule, inputs, internalization: internalization)
                points.append(try await stage(name) {
                    try await curvePoint(name: name, schedule: schedule, internalization: internalization, rationales: Array(rationales.prefix(inputs)), test: test)
                })
            }
        }
        return CurveStats(points: points)
    }

    /// Trains and evaluates one point, run-store stage `name`.
    func curvePoint(
        name: String, schedule: DistillationSchedule, internalization: InternalizationSchedule, rationales: [CuratedRationale],
        test: [TaskExample]
    ) async throws -> CurvePoint {
        let folder = directory.appendingPathComponent("curve/\(name.dropFirst("curve-".count))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let start = ContinuousClock.now
        var resolved: InternalizationSchedule?
        switch schedule {
        case .direct:
            log("\(name): \(rationales.count) curated answers, \(configuration.distillEpochs) epochs, from \(distillationStart == nil ? "the base model" : "taught")")
            let data = folder.appendingPathComponent("distill.jsonl")
            try AtomicFile.writeLines(try rationales.map { try TrainingRecord(messages: $0.messages).jsonLine() }, to: data)
            _ = try await fineTune(data: data, output: adapterURL(name), initial: distillationStart, epochs: configuration.distillEpochs, label: name)
        case .internalize:
            let schedule = internalization.resolved(for: rationales, method: method)
            resolved = schedule
            _ = try await internalize(
                rationales, schedule: schedule, stageName: { "\(name)-stage-\($0)" },
                data: { folder.appendingPathComponent("stage-\($0).jsonl") },
                adapter: { $0 == schedule.lastStage ? name : "\(name)-stage-\($0)" })
        }
        let trainSeconds = Evaluator.seconds(since: start)
        try await model.loadAdapter(named: name, from: adapterURL(name))
        let system1 = MethodLibrary.system1(for: task.answerKind)
        let result = try await Evaluator(task: task, seed: configuration.seed &+ 99).evaluate(
            EvaluationSystem(name: "Distilled System 1 (\(schedule.rawValue), \(rationales.count) inputs)", method: system1, adapter: name, maxTokens: 48),
            on: test, model: cached)
        log("\(name): \(result.accuracy.formatted), \(String(format: "%.1f", result.meanGeneratedTokens)) tokens/input")
        return CurvePoint(
            schedule: schedule, inputs: rationales.count, accuracy: result.accuracy, meanGeneratedTokens: result.meanGeneratedTokens,
            trainSeconds: trainSeconds, evalSeconds: result.wallSeconds, fromTrainStage: false, internalization: resolved)
    }
}
