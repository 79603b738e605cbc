import Distillation
import Inference
import ProgramAided
import ProgramSandbox

/// Python programs from the project's own corpus (the built-in tasks' gold programs and the
/// math exemplars) plus hostile ones, mutated the way a small model breaks code, run in the
/// sandbox under tight limits: each must end with a value or an error Python (or the sandbox)
/// names, within the limits.
struct SandboxFuzzCase: FuzzCase {
    let seeds: [FuzzSeed]
    let limits = SandboxLimits(steps: 200_000, memoryElements: 1_000_000, cpuTime: .seconds(2))

    static let pieces = ["(", ")", "[", "]", ":", "\n", "    ", "**", "//", "-", "0", "'", "\"", "f'{", "}", ",", "=", "lambda", "for",
                         "in", "if", "else", "*", "%", "1e400", "2**99", "not", "None", ".", "def", "\\", "while True:", "10**9", "import os"]

    static let hostile = [
        "def solution():\n    return len((\"a\" * 1000000).replace(\"\", \"b\" * 8000000))\n",
        "def solution():\n    s = \"x\" * 9000000\n    return len(str([s] * 1000))\n",
        "def solution():\n    x = 1\n    while True:\n        x = x * 2\n",
        "def solution():\n    return solution()\n",
    ]

    init() {
        var programs = CoinFlipTask.generate(count: 3, seed: 2).compactMap { $0.rationale?.program }
        programs += LastLetterTask.generate(count: 3, seed: 2).compactMap { $0.rationale?.program }
        programs += ProgramExemplars.math.compactMap { $0.rationale?.program }
        programs += Self.hostile
        seeds = programs.enumerated().map { FuzzSeed(name: "program \($0.offset)", bytes: Array($0.element.utf8)) }
    }

    func mutate(_ seed: FuzzSeed, random: inout RandomSource) -> [UInt8] {
        ByteMutator(pieces: Self.pieces).mutate(seed.bytes, random: &random)
    }

    /// Programs are judged by their ending, not by a file name: a value, or an error of a kind
    /// Python or the sandbox names.
    func check(_ input: [UInt8], name: String, cpuTimeElsewhere: inout Duration) -> FuzzVerdict {
        let outcome = ProgramSandbox.run(source: String(decoding: input, as: UTF8.self), limits: limits)
        cpuTimeElsewhere = outcome.cpuTime
        guard let error = outcome.error else { return .accepted }
        let message = "\(error.name): \(error.message)"
        return ProgramError.knownNames.contains(error.name) ? .rejected(message) : .unclearError(message)
    }
}
