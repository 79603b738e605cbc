/// One system's results on a labeled split: accuracy with its interval and per-input costs.
public struct SystemEvaluation: Sendable, Hashable, Codable {
    /// The row label ("System 1", "System 2 (cot)", "Distilled System 1").
    public var name: String
    public var method: String
    public var adapter: String?
    /// Samples per input (majority vote when > 1).
    public var samples: Int
    public var accuracy: ProportionEstimate
    /// Mean generated tokens per input, intermediate and final.
    public var meanGeneratedTokens: Double
    public var meanCalls: Double
    /// Mean time from a request to its answer, with every input of the split in flight at once
    /// (so it includes queueing behind the others).
    public var meanLatencySeconds: Double
    /// Wall seconds for the whole split (all inputs run concurrently).
    public var wallSeconds: Double
    /// Wall seconds per input with the split batched: the cost of an answer at throughput.
    public var wallSecondsPerInput: Double { wallSeconds / Double(max(1, predictions.count)) }
    /// Inputs whose answer could not be parsed.
    public var unparsed: Int
    public var predictions: [EvaluatedPrediction]
    /// Answers kept under the task's perturbation of each input (nil: the task has none, or it
    /// was not measured).
    public var consistency: ConsistencyUnderPerturbation?
    /// Accuracy on the same questions without what biases them (`DistillationTask.unbiased`;
    /// nil: the task has no such form, or it was not measured).
    public var unbiasedAccuracy: ProportionEstimate?
    /// Accuracy per category of the inputs that name one (`TaskExample.fields["category"]`; for
    /// pairwise judging, the agreement with humans per MT-bench category); nil when none does.
    public var byCategory: [String: ProportionEstimate]?

    /// Summarizes `predictions`.
    public init(
        name: String, method: String, adapter: String?, samples: Int, predictions: [EvaluatedPrediction], wallSeconds: Double
    ) {
        self.name = name
        self.method = method
        self.adapter = adapter
        self.samples = samples
        self.predictions = predictions
        self.wallSeconds = wallSeconds
        let n = Double(max(1, predictions.count))
        accuracy = ProportionEstimate(successes: predictions.filter(\.correct).count, total: predictions.count)
        meanGeneratedTokens = Double(predictions.reduce(0) { $0 + $1.generatedTokens }) / n
        meanCalls = Double(predictions.reduce(0) { $0 + $1.calls }) / n
        meanLatencySeconds = predictions.reduce(0) { $0 + $1.latencySeconds } / n
        unparsed = predictions.filter { $0.answer == nil }.count
    }

    /// One progress line: name, accuracy, tokens per input, and the task's own metrics.
    public var summaryLine: String {
        "\(name): \(accuracy.formatted), \(String(format: "%.1f", meanGeneratedTokens)) tokens/input"
            + (consistency.map { ", inconsistent when perturbed: \($0.formatted)" } ?? "")
            + (unbiasedAccuracy.map { ", without the bias: \($0.formatted)" } ?? "")
    }

    /// With `byCategory` filled from `categories` (the category of each prediction's input, in
    /// order; nil where an input names none).
    public func withCategories(_ categories: [String?]) -> SystemEvaluation {
        guard categories.count == predictions.count, categories.contains(where: { $0 != nil }) else { return self }
        var copy = self
        var tallies: [String: (right: Int, total: Int)] = [:]
        for (category, prediction) in zip(categories, predictions) {
            guard let category else { continue }
            tallies[category, default: (0, 0)].total += 1
            if prediction.correct { tallies[category, default: (0, 0)].right += 1 }
        }
        copy.byCategory = tallies.mapValues { ProportionEstimate(successes: $0.right, total: $0.total) }
        return copy
    }
}
