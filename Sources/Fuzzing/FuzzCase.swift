import Inference

/// One kind of input the fuzzer mutates, with what it checks.
protocol FuzzCase {
    /// The real inputs mutations start from, each with the name errors must mention.
    var seeds: [FuzzSeed] { get }
    /// A mutated copy of `seed`.
    func mutate(_ seed: FuzzSeed, random: inout RandomSource) -> [UInt8]
    /// Reads (and, where it applies, runs) `input` as the project does. `cpuTimeElsewhere`:
    /// CPU time the work took on a thread other than the caller's (the sandbox runs programs
    /// on one of its own), which the hang check adds to the caller's.
    func check(_ input: [UInt8], name: String, cpuTimeElsewhere: inout Duration) -> FuzzVerdict
}

/// A real input to mutate.
struct FuzzSeed {
    var name: String
    var bytes: [UInt8]
}

/// What one mutated input did.
enum FuzzVerdict: Equatable {
    /// Read (or ran) without error.
    case accepted
    /// Refused with an error that names the input (`message`).
    case rejected(String)
    /// Refused with an error that does not say which input was at fault, or an error of a
    /// kind the reader should never throw: a defect.
    case unclearError(String)

    /// Refused with `message`: clear when it mentions `name`.
    static func error(_ message: String, naming name: String) -> FuzzVerdict {
        message.contains(name) ? .rejected(message) : .unclearError(message)
    }
}
