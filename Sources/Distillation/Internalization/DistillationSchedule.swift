/// How `s2d distill` trains System 1 on the curated set.
public enum DistillationSchedule: String, Sendable, Hashable, Codable, CaseIterable {
    /// One fine-tune on (System 1 prompt → final answer).
    case direct
    /// Stepwise internalization: stages on the curated System 2 outputs with their first steps
    /// removed, the last on the answer alone (`InternalizationSchedule`).
    case internalize
}

/// The model distilled System 1 starts from. `taught` by default: on coin-flip with LoRA (lr
/// 2e-3, batch 16) a fresh adapter trained on 1024 gold System 1 answers stayed at the loss of
/// a coin toss for 128 steps, while training continued from the taught model reached 73% on
/// 1015 curated answers (README, "What we measured").
public enum DistillationStart: String, Sendable, Hashable, Codable, CaseIterable {
    /// A fresh adapter on the base model: System 1 learns the answers from scratch.
    case base
    /// The taught model (System 2 by teaching), which writes its reasoning even under the
    /// System 1 prompt; the base model when nothing was taught.
    case taught
}
