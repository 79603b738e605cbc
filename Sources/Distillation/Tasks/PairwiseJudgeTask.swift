/// Pairwise judging (MT-bench human judgments; the BSM experiments): which of two responses
/// to a question is better — "A", "B" or "tie". Swapping the responses must swap the verdict.
public struct PairwiseJudgeTask: DistillationTask {
    public let name = "pairwise-judge"
    public let answerKind = AnswerKind.verdict

    public init() {}

    public func prompt(for example: TaskExample) -> String {
        let a = example.responses.count == 2 ? example.responses[0] : ""
        let b = example.responses.count == 2 ? example.responses[1] : ""
        return """
        Which of the two responses below answers the user's question better? Judge helpfulness, \
        correctness and clarity, not length or the order they are shown in.

        [Question]
        \(example.text)

        [Response A]
        \(a)

        [Response B]
        \(b)
        """
    }

    public func answerFormat(for example: TaskExample) -> String {
        "Give the verdict as [[A]] if Response A is better, [[B]] if Response B is better, or [[C]] for a tie."
    }

    public func formatAnswer(_ answer: String, for example: TaskExample) -> String {
        switch answerKind.normalize(answer) {
        case "A": return "[[A]]"
        case "B": return "[[B]]"
        default: return "[[C]]"
        }
    }

    public func perturbations(of example: TaskExample, seed: UInt64) -> [Perturbation] {
        Perturbation.swappedResponses(of: example).map { [$0] } ?? []
    }

    /// Examples of an MT-bench human-judgment JSONL: `conversation_a` and `conversation_b`
    /// (lists of `{role, content}`), `winner` (`model_a`, `model_b`, `tie`, `tie (bothbad)`),
    /// optional `question` (else the first user message) and `turn` (2 judges the second
    /// exchange: the earlier question is quoted in the question, and each response shows its own
    /// assistant's earlier answers before the reply judged, as MT-bench's turn-2 judge sees them).
    ///
    /// A record may instead be an unlabeled pair, as the BSM paper's OASST2 training pairs are:
    /// `prompt`, `response_a`, `response_b` (and `winner` when it is known).
    public static func loadMTBench(path: String) throws -> [TaskExample] {
        try JSONLReader.records(path: path).map { r in
            if !r.has("conversation_a"), r.has("response_a") {
                let answer = try r.optionalString("winner").map { try verdict(ofWinner: $0, record: r) }
                var fields: [String: String] = [:]
                for key in ["id", "source"] {
                    if let v = try? r.optionalString(key) { fields[key] = v }
                }
                return TaskExample(
                    id: "\(r.file):\(r.line)", text: try r.string("prompt"), responses: [try r.string("response_a"), try r.string("response_b")],
                    answer: answer, fields: fields)
            }
            let conversations = try ["conversation_a", "conversation_b"].map { key in
                try r.objects(key).map { m in (role: try m.string("role"), content: try m.string("content")) }
            }
            let turn = Int(try r.optionalString("turn") ?? "1") ?? 1
            guard turn >= 1 else { throw r.invalid("turn", "must be 1 or more") }
            var responses: [String] = []
            for (key, conversation) in zip(["conversation_a", "conversation_b"], conversations) {
                let replies = conversation.filter { $0.role == "assistant" }.map(\.content)
                guard replies.count >= turn else { throw r.invalid(key, "has no assistant reply for turn \(turn)") }
                let earlier = replies.prefix(turn - 1).enumerated().map { "(Its answer to turn \($0.offset + 1): \($0.element))" }
                responses.append((earlier + [replies[turn - 1]]).joined(separator: "\n"))
            }
            let users = conversations[0].filter { $0.role == "user" }.map(\.content)
            guard users.count >= turn else { throw r.invalid("conversation_a", "has no user message for turn \(turn)") }
            var question = try r.optionalString("question") ?? users[turn - 1]
            if turn > 1, !r.has("question") {
                question = "(Earlier in the conversation the user asked: \(users[turn - 2]))\n" + question
            }
            let answer = try verdict(ofWinner: try r.string("winner"), record: r)
            var fields: [String: String] = [:]
            for key in ["question_id", "model_a", "model_b", "judge", "category"] {
                if let v = try? r.optionalString(key) { fields[key] = v }
            }
            if fields["category"] == nil, let id = fields["question_id"].flatMap(Int.init) { fields["category"] = mtBenchCategory(ofQuestion: id) }
            return TaskExample(id: "\(r.file):\(r.line)", text: question, responses: responses, answer: answer, fields: fields)
        }
    }

    /// MT-bench's 80 questions come ten per category, in this order, from id 81.
    static let mtBenchCategories = ["writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem", "humanities"]

    /// The MT-bench category of question `id` (81...160), nil outside MT-bench's ids.
    public static func mtBenchCategory(ofQuestion id: Int) -> String? {
        (81...160).contains(id) ? mtBenchCategories[(id - 81) / 10] : nil
    }

    /// "A", "B" or "tie" for MT-bench's `winner` (`model_a`, `model_b`, `tie`, `tie (bothbad)`).
    static func verdict(ofWinner winner: String, record r: JSONLRecord) throws -> String {
        switch winner {
        case "model_a": return "A"
        case "model_b": return "B"
        case let w where w.hasPrefix("tie"): return "tie"
        case let w: throw r.invalid("winner", "\"\(w)\" is not model_a, model_b or tie")
        }
    }
}
