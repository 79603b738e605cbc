import Foundation
import Inference

/// One line of rationales.jsonl: an accepted input with its System 1 record (the same line as in
/// distill.jsonl: System 1 prompt → final answer) and the System 2 output whose answer won the
/// vote. Direct distillation needs only the record; stepwise internalization trains on the
/// rationale, with its first steps removed stage by stage.
public struct CuratedRationale: Sendable, Hashable, Codable {
    /// The export's file name in a run directory.
    public static let fileName = "rationales.jsonl"

    /// The input's position in the run.
    public var index: Int
    /// The input's `TaskExample.id`.
    public var id: String
    /// Which sample won (the first whose answer is the accepted one, or the one universal
    /// self-consistency chose).
    public var sampleIndex: Int
    /// System 1 prompt, then the final answer as System 1 should say it.
    public var messages: [ChatMessage]
    /// The winning sample's final output (the answer step's text), as the model wrote it.
    public var rationale: String

    public init(index: Int, id: String, sampleIndex: Int, messages: [ChatMessage], rationale: String) {
        self.index = index
        self.id = id
        self.sampleIndex = sampleIndex
        self.messages = messages
        self.rationale = rationale
    }

    /// The final answer the record ends with.
    public var answer: String { messages.last?.content ?? "" }

    /// The sample whose answer won: the one at `chosen` (universal self-consistency's choice)
    /// when given, else the first whose canonical answer is `answer`.
    public static func winner(of traces: [MethodTrace], answer: String, chosen: Int?, task: any DistillationTask) -> MethodTrace? {
        if let chosen, traces.indices.contains(chosen) { return traces[chosen] }
        return traces.first { $0.answer.map(task.voteKey) == answer }
    }

    /// The records of a rationales.jsonl file; errors name the file and line.
    public static func read(from url: URL) throws -> [CuratedRationale] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DatasetError.unreadable(file: url.path, reason: "no such file or not readable")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var out: [CuratedRationale] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                out.append(try decoder.decode(CuratedRationale.self, from: Data(line.utf8)))
            } catch DecodingError.keyNotFound(let key, _) {
                // The file's keys are snake_case (`AtomicFile.canonicalJSON`).
                let field = key.stringValue.reduce(into: "") { $0 += $1.isUppercase ? "_" + $1.lowercased() : String($1) }
                throw DatasetError.missingField(file: url.path, line: i + 1, field: field)
            } catch {
                throw DatasetError.malformedJSON(file: url.path, line: i + 1, reason: "not a curated rationale (\(error))")
            }
        }
        return out
    }
}
