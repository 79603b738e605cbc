/// How `s2d distill` trains System 1 on the curated set.
public enum DistillationSchedule: String, Sendable, Hashable, Codable, CaseIterable {
    /// One fine-tune on (System 1 prompt → final answer), continuing from the taught model.
    case direct
    /// Stepwise internalization: stages on the curated System 2 outputs with their first steps
    /// removed, the last on the answer alone (`InternalizationSchedule`).
    case internalize
}
