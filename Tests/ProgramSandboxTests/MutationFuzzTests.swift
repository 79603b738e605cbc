import Testing
import ProgramSandbox

/// Mutated programs (the kind of broken code a small model writes) must only ever produce an
/// outcome — a result, or an error named as Python names it (or a sandbox limit) — within the
/// limits: never a crash or a hang of the host process.
@Suite struct MutationFuzzTests {
    @Test func mutatedProgramsEndWithAValueOrANamedErrorWithinTheLimits() {
        var gen = ProgramCorpus(seed: 7)
        var rng = SplitMix(seed: 99)
        let pieces = ["(", ")", "[", "]", ":", "\n", "    ", "**", "//", "-", "0", "'", "\"", "f'{", "}", ",", "=",
                      "lambda", "for", "in", "if", "else", "*", "%", "1e400", "2**99", "not", "None", ".", "def", "\\"]
        let limits = SandboxLimits(steps: 200_000, cpuTime: .seconds(2))
        var endings: [ProgramError.Category?: Int] = [:]
        for program in gen.programs(count: 60) {
            for _ in 0..<5 {
                var chars = Array(program)
                for _ in 0..<rng.below(4) + 1 {
                    let at = rng.below(chars.count)
                    switch rng.below(3) {
                    case 0: chars.remove(at: at)
                    case 1: chars.insert(contentsOf: pieces[rng.below(pieces.count)], at: at)
                    default:
                        let other = rng.below(chars.count)
                        chars.swapAt(at, other)
                    }
                }
                let src = String(chars)
                if let e = ProgramSandbox.check(source: src) {
                    #expect(e.category == .syntax, "check(source:) of\n\(src)\nreturned \(e)")
                }
                let o = ProgramSandbox.run(source: src, limits: limits)
                #expect(o.cpuTime < limits.cpuTime * 2, "\(src)")
                #expect(o.steps <= limits.steps)
                if let e = o.error {
                    #expect(ProgramError.knownNames.contains(e.name), "unknown error \(e) for\n\(src)")
                } else {
                    #expect(o.result != nil, "no error and no result for\n\(src)")
                }
                endings[o.error?.category, default: 0] += 1
            }
        }
        // The mutations must reach every kind of ending, or the fuzzing tests little.
        #expect(endings[nil, default: 0] > 0 && endings[.syntax, default: 0] > 0 && endings[.runtime, default: 0] > 0,
                "endings: \(endings)")
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func below(_ n: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(n, 1)))
    }
}
