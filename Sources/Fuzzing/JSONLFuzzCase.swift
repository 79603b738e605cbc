import Distillation
import Foundation
import Inference

/// JSON Lines the project reads, mutated: chat records for training (`ChatJSONL`, as `s2d
/// train --data` reads them) and task records for each built-in task loader (`s2d generate
/// --task T --data FILE`). Errors must name the file (and, from the readers, the line).
struct JSONLFuzzCase: FuzzCase {
    let seeds: [FuzzSeed]
    /// Where task seeds are written for their loader (the loaders read files).
    let scratch: URL

    static let pieces = ["{", "}", "[", "]", "\"", ",", ":", "\n", "\\", "\\u0000", "\\ud800", "null", "true", "1e999", "-0", "\"role\"",
                         "\"content\"", "\"messages\"", "\"question\"", "\"answer\"", "\"words\"", "\u{FEFF}", "\r\n"]

    init(scratch: URL) {
        self.scratch = scratch
        let coin = CoinFlipTask.generate(count: 3, seed: 1)
        let words = LastLetterTask.generate(count: 3, seed: 1)
        func line(_ object: Any) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let chat = coin.map { e in
            line(["messages": [["role": "system", "content": "Answer."], ["role": "user", "content": e.text], ["role": "assistant", "content": e.answer ?? ""]]])
        }
        let gsm = ["{\"question\": \"Ann has 3 apples and buys 4 more. How many?\", \"answer\": \"3 + 4 = 7\\n#### 7\"}",
                   "{\"question\": \"A box holds 12 eggs. How many in 5 boxes?\", \"answer\": \"12 * 5 = 60\\n#### 60\"}"]
        seeds = [
            FuzzSeed(name: "chat.jsonl", bytes: Array(chat.joined(separator: "\n").utf8)),
            FuzzSeed(name: "coin-flip.jsonl", bytes: Array(coin.map { line(["question": $0.text, "answer": $0.answer ?? ""]) }.joined(separator: "\n").utf8)),
            FuzzSeed(name: "last-letter.jsonl", bytes: Array(words.map { line(["words": $0.text, "answer": $0.answer ?? ""]) }.joined(separator: "\n").utf8)),
            FuzzSeed(name: "gsm8k.jsonl", bytes: Array(gsm.joined(separator: "\n").utf8)),
        ]
    }

    func mutate(_ seed: FuzzSeed, random: inout RandomSource) -> [UInt8] {
        ByteMutator(pieces: Self.pieces).mutate(seed.bytes, random: &random)
    }

    func check(_ input: [UInt8], name: String, cpuTimeElsewhere: inout Duration) -> FuzzVerdict {
        let path = scratch.appendingPathComponent(name).path
        do {
            if name == "chat.jsonl" {
                _ = try ChatJSONL.parse(Data(input), path: path)
            } else {
                try Data(input).write(to: URL(fileURLWithPath: path))
                _ = try BuiltinTasks.load(taskNamed: String(name.dropLast(".jsonl".count)), path: path)
            }
            return .accepted
        } catch {
            return .error("\(error)", naming: path)
        }
    }
}
