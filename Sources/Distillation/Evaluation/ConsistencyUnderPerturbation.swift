/// How often a system's answer survives the task's perturbation of its input: for pairwise
/// judging, the two responses swapped (the BSM paper's "% inconsistent" is `inconsistent`); for
/// multiple choice, the options shuffled. The answer on the perturbed input is mapped back
/// before it is compared; an answer that could not be parsed on either side is inconsistent.
public struct ConsistencyUnderPerturbation: Sendable, Hashable, Codable {
    /// The perturbation, e.g. `swap-responses` or `shuffle-options`.
    public var perturbation: String
    /// Inputs answered the same both ways, with its 95% interval.
    public var consistent: ProportionEstimate

    public init(perturbation: String, consistent: ProportionEstimate) {
        self.perturbation = perturbation
        self.consistent = consistent
    }

    /// Share of inputs answered differently once perturbed.
    public var inconsistent: Double { consistent.total == 0 ? 0 : 1 - consistent.rate }

    /// `12.5% of 16 (swap-responses)`.
    public var formatted: String {
        String(format: "%.1f%% of %d (%@)", inconsistent * 100, consistent.total, perturbation)
    }

    /// The kind of a perturbation's name: `shuffle-options[2,0,1]` is `shuffle-options`.
    static func kind(of name: String) -> String { String(name.prefix { $0 != "[" }) }
}
