/// Sequences padded on the right to one length T, with the rows that predict targets.
///
/// Padding, not packing: attention is causal, so pad tokens after a sequence's end never
/// influence its real positions, and masking them out of the loss makes the result exactly
/// that of the unpadded sequences (their gradients are exactly zero). The waste is the pad
/// rows' compute; the trainer batches sequences of similar length to keep it small.
struct TrainingBatch {
    var batch: Int
    var length: Int
    /// [batch · length], pad id 0.
    var tokens: [Int32]
    /// Row r = b·T + t of the hidden states predicts targets[i] = tokens[b][t + 1].
    var rows: [Int]
    var targets: [Int32]
    /// Real (unpadded) tokens.
    var realTokens: Int

    init(_ sequences: [TrainingSequence], vocabularySize: Int, contextLength: Int, label: String) throws(TrainingError) {
        batch = sequences.count
        length = sequences.map(\.tokens.count).max() ?? 0
        tokens = [Int32](repeating: 0, count: batch * length)
        rows = []
        targets = []
        realTokens = 0
        for (b, sequence) in sequences.enumerated() {
            guard !sequence.tokens.isEmpty else { throw .emptySequence(index: b) }
            guard sequence.tokens.count <= contextLength else {
                throw .sequenceTooLong(sequence: b, length: sequence.tokens.count, limit: contextLength)
            }
            for (t, token) in sequence.tokens.enumerated() {
                guard token >= 0, token < vocabularySize else {
                    throw .tokenOutOfRange(sequence: b, position: t, token: token, vocabularySize: vocabularySize)
                }
                tokens[b * length + t] = Int32(token)
                if t > 0, sequence.lossMask[t] {
                    rows.append(b * length + t - 1)
                    targets.append(Int32(token))
                }
            }
            realTokens += sequence.tokens.count
        }
        guard !targets.isEmpty else { throw .noTargetTokens(batch: label) }
    }
}
