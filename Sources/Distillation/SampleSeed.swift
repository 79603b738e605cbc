/// The seed each sample of a run is drawn with (seed rule 2): sample `j` of input `x` uses
/// `inputSeed(run seed, x.id) + j`, where the input seed is the top 62 bits of the first 8 bytes
/// (big-endian) of SHA-256 of the UTF-8 text `"<run seed>:<input id>"`.
///
/// Why per input: under rule 1 (`run seed + j` for every input) the j-th samples of all inputs
/// shared one random stream, so a model whose answers barely depend on the input drew the same
/// answers everywhere, and votes across inputs were not independent. Why `+ j` within an input:
/// the samples of one input keep consecutive seeds, so they can still be drawn in one
/// `n`-request that shares the prompt (sample `i` of a request with seed `s` uses `s + i`, the
/// `SamplingParameters` contract). SplitMix64 streams of neighbouring seeds are unrelated.
///
/// A fixed text format and SHA-256 keep the rule reproducible anywhere (the tests check it
/// against Python's hashlib); two inputs share seeds only if they share an id. 62 bits, so that
/// every sample's seed stays below 2^63: OpenAI's `seed` is a signed 64-bit integer, and the
/// client sends only non-negative ones, so a run through an OpenAI-compatible server draws the
/// same samples as the embedded engine.
public enum SampleSeed {
    /// The rule's number, recorded in run.json (`seed_rule`) and config.json: a run directory
    /// without it was made under rule 1 and is refused rather than mixed with this rule.
    public static let rule = 2

    /// The seed of sample 0 of input `inputID` in a run seeded `runSeed` (62 bits).
    public static func inputSeed(runSeed: UInt64, inputID: String) -> UInt64 {
        let digest = SHA256.hash(Array("\(runSeed):\(inputID)".utf8))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 2
    }

    /// The seed of sample `sampleIndex` of input `inputID` in a run seeded `runSeed`.
    public static func seed(runSeed: UInt64, inputID: String, sampleIndex: Int) -> UInt64 {
        inputSeed(runSeed: runSeed, inputID: inputID) &+ UInt64(sampleIndex)
    }

    /// Why a run directory made under another rule is refused, naming its settings file.
    public static func refusal(file: String, storedRule: Int?) -> String {
        let stored = storedRule ?? 1
        let why = stored == 1
            ? "seed rule 1 (sample j of every input drew with seed + j, so the j-th samples of all inputs shared one random stream)"
            : "seed rule \(stored)"
        return "\(file): this run was made under \(why); this s2d derives each sample's seed from (seed, input id, j) "
            + "(seed rule \(rule)) and will not mix two rules in one run: start a new run directory with another --run"
    }
}
