import Foundation
import Distillation
import Inference

/// PaD's step scorer: a model asked whether a partly written program is right so far. Stepwise
/// beam search ranks its beams by this score instead of (or mixed with) the student's own
/// likelihood. The model is either a small verifier trained on verified and failed program
/// prefixes (`StepVerifierData`, an adapter of the student's base model) or any model the user
/// names, asked the same question zero-shot.
///
/// The score is log P(yes) / (P(yes) + P(no)) over the first token of the answer, read from
/// its top alternatives: a verdict, not a likelihood of the program's text, so it does not
/// prefer short or common lines.
public struct StepVerifier: Sendable {
    /// The scoring model.
    public var model: any LanguageModel
    /// Its adapter (the trained verifier), nil for the model itself.
    public var adapter: String?
    /// The task whose questions are asked.
    public var task: any DistillationTask
    /// The program request's wording (the question the program answers).
    public var prompting: ProgramPrompting
    /// Alternatives read for the verdict token (OpenAI servers allow up to 20).
    public var alternatives: Int

    /// The two answers the verifier is trained on and asked for.
    public static let yes = "yes"
    public static let no = "no"

    public init(model: any LanguageModel, adapter: String?, task: any DistillationTask,
                prompting: ProgramPrompting = ProgramPrompting(), alternatives: Int = 10) {
        self.model = model
        self.adapter = adapter
        self.task = task
        self.prompting = prompting
        self.alternatives = max(2, alternatives)
    }

    /// The user message asking whether `programSoFar` (header and the lines written so far) is
    /// right for `example`; the same text trains the verifier and asks it.
    public static func request(prompting: ProgramPrompting, task: any DistillationTask, example: TaskExample, programSoFar: String) -> String {
        """
        \(prompting.programRequest(task: task, example: example))
        The program so far:
        ```python
        \(programSoFar)
        ```
        Is every line so far right? Answer yes or no.
        """
    }

    /// A training record: the request for `programSoFar` answered by its label.
    public static func record(prompting: ProgramPrompting, task: any DistillationTask, example: TaskExample,
                              programSoFar: String, isRight: Bool) -> TrainingRecord {
        TrainingRecord(messages: [.user(request(prompting: prompting, task: task, example: example, programSoFar: programSoFar)),
                                  .assistant(isRight ? yes : no)])
    }

    /// One verdict: the score and the tokens the call generated.
    public struct Verdict: Sendable, Hashable {
        /// log P(yes) / (P(yes) + P(no)); log ½ when neither answer is among the alternatives.
        public var logprob: Double
        public var generatedTokens: Int
    }

    /// Scores `programSoFar` for `example` (whose gold answer is never sent).
    public func score(example: TaskExample, programSoFar: String) async throws -> Verdict {
        let text = Self.request(prompting: prompting, task: task, example: example, programSoFar: programSoFar)
        let parameters = SamplingParameters(maxTokens: 1, temperature: 0, logprobs: true, topLogprobs: alternatives)
        let response = try await model.generate(GenerationRequest(prompt: .chat([.user(text)]), n: 1, parameters: parameters, adapter: adapter))
        guard let completion = response.completions.first else {
            throw PaDError.missingCompletions(model: model.identifier, expected: 1, got: 0)
        }
        guard let first = completion.logprobs?.first else { throw PaDError.missingLogprobs(model: model.identifier) }
        return Verdict(logprob: Self.verdictLogprob(first), generatedTokens: completion.generatedTokens)
    }

    /// log P(yes) / (P(yes) + P(no)) from a token's alternatives (the sampled token counts too
    /// when a server leaves it out of its alternatives); answers are matched without case or
    /// surrounding spaces, and spellings of one answer are summed.
    public static func verdictLogprob(_ token: TokenLogprob) -> Double {
        var candidates = token.top.map { ($0.token, $0.logprob) }
        if !candidates.contains(where: { $0.0 == token.token }) { candidates.append((token.token, token.logprob)) }
        var yesMass = 0.0, noMass = 0.0
        for (text, logprob) in candidates {
            switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
            case yes: yesMass += exp(logprob)
            case no: noMass += exp(logprob)
            default: break
            }
        }
        guard yesMass + noMass > 0 else { return log(0.5) }
        // A floor keeps a certain "no" comparable with another certain "no" (log 0 = −∞ ties).
        return log(max(yesMass / (yesMass + noMass), 1e-12))
    }
}

/// How well a step verifier tells right prefixes from wrong ones it was not trained on.
public struct StepVerifierCheck: Sendable, Hashable, Codable {
    /// Prefixes scored (half right, half wrong when there are enough of both).
    public var prefixes: Int
    /// Share whose verdict (P(yes) > ½) matches the label.
    public var accuracy: Double
    /// Mean P(yes) over the right prefixes and over the wrong ones.
    public var meanYesRight: Double
    public var meanYesWrong: Double

    public init(labels: [Bool], verdicts: [Double]) {
        precondition(labels.count == verdicts.count, "one verdict per label")
        prefixes = labels.count
        let p = verdicts.map { exp($0) }
        accuracy = labels.isEmpty ? 0 : Double(zip(labels, p).filter { ($1 > 0.5) == $0 }.count) / Double(labels.count)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        meanYesRight = mean(zip(labels, p).filter { $0.0 }.map(\.1))
        meanYesWrong = mean(zip(labels, p).filter { !$0.0 }.map(\.1))
    }
}
