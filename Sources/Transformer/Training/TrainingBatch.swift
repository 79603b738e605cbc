/// Sequences one after another, without padding: sequence b takes `lengths[b]` rows, after
/// those of the sequences before it.
///
/// The linear layers, norms and the head work row by row; attention (and RoPE's positions)
/// work within each sequence (`TrainingOps.AttentionShape`). So no compute goes to padding,
/// and a sequence's result is that of the sequence alone. (Padding to the longest sequence of
/// the batch wasted 11.9% of the rows of the demo's distillation batches and 19.2% of its
/// teaching batches, at batch 16.)
struct TrainingBatch {
    /// Rows of each sequence.
    var lengths: [Int]
    /// [rowCount]: every sequence's tokens, concatenated.
    var tokens: [Int32]
    /// Row rows[i] of the hidden states predicts targets[i] (the next token of its sequence).
    var rows: [Int]
    var targets: [Int32]

    var rowCount: Int { tokens.count }
    var longest: Int { lengths.max() ?? 0 }
    /// Real tokens: all of them (nothing is padding).
    var realTokens: Int { tokens.count }

    init(_ sequences: [TrainingSequence], vocabularySize: Int, contextLength: Int, label: String) throws(TrainingError) {
        lengths = sequences.map(\.tokens.count)
        tokens = []
        tokens.reserveCapacity(lengths.reduce(0, +))
        rows = []
        targets = []
        for (b, sequence) in sequences.enumerated() {
            guard !sequence.tokens.isEmpty else { throw .emptySequence(index: b) }
            guard sequence.tokens.count <= contextLength else {
                throw .sequenceTooLong(sequence: b, length: sequence.tokens.count, limit: contextLength)
            }
            for (t, token) in sequence.tokens.enumerated() {
                guard token >= 0, token < vocabularySize else {
                    throw .tokenOutOfRange(sequence: b, position: t, token: token, vocabularySize: vocabularySize)
                }
                if t > 0, sequence.lossMask[t] {
                    rows.append(tokens.count - 1)
                    targets.append(Int32(token))
                }
                tokens.append(Int32(token))
            }
        }
        guard !targets.isEmpty else { throw .noTargetTokens(batch: label) }
    }
}
