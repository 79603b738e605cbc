import Foundation

/// The BSM paper's merge for pairwise judging: each criterion's evaluation scores both
/// responses ("Response A: 4/5, Response B: 2/5"), the scores are summed per response, and the
/// larger sum wins; equal sums are a tie. Arithmetic, where `bsm` asks the model to merge.
public enum ScoreSum {
    /// The verdict ("A", "B" or "tie") of the criterion evaluations `outputs`, or nil when no
    /// output states both scores. An evaluation that scores only one response is left out.
    public static func verdict(_ outputs: [String]) -> String? {
        var a = 0.0, b = 0.0, scored = 0
        for output in outputs {
            guard let scoreA = score(of: "A", in: output), let scoreB = score(of: "B", in: output) else { continue }
            a += scoreA
            b += scoreB
            scored += 1
        }
        guard scored > 0 else { return nil }
        return a > b ? "A" : b > a ? "B" : "tie"
    }

    /// The last score an output gives response `letter`: the number after "Response A:" (or
    /// "Response A -", "A:"), as in "Response A: 4/5" or "Response A: 4".
    static func score(of letter: String, in output: String) -> Double? {
        let pattern = #"(?:Response\s+|\b)"# + letter + #"\s*[:=\-]\s*\**\s*([0-9]+(?:\.[0-9]+)?)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return nil }
        let range = NSRange(output.startIndex..., in: output)
        guard let match = regex.matches(in: output, range: range).last, let r = Range(match.range(at: 1), in: output) else { return nil }
        return Double(output[r])
    }
}
