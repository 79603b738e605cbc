/// Why training could not go on. Each case says what is wrong with which input.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A batch in which no token is a target: its loss would be 0/0.
    case noTargetTokens(batch: String)
    case emptySequence(index: Int)
    case tokenOutOfRange(sequence: Int, position: Int, token: Int, vocabularySize: Int)
    case sequenceTooLong(sequence: Int, length: Int, limit: Int)
    case invalidConfiguration(String)
    case checkpoint(path: String, reason: String)
    case nonFiniteLoss(step: Int)

    public var description: String {
        switch self {
        case let .noTargetTokens(batch): "batch \(batch) has no target tokens (every label is masked): nothing to learn from it"
        case let .emptySequence(index): "sequence \(index) is empty"
        case let .tokenOutOfRange(sequence, position, token, vocabularySize):
            "sequence \(sequence), position \(position): token id \(token) is outside the vocabulary (0..<\(vocabularySize))"
        case let .sequenceTooLong(sequence, length, limit): "sequence \(sequence) has \(length) tokens, more than the limit \(limit)"
        case let .invalidConfiguration(reason): "invalid training configuration: \(reason)"
        case let .checkpoint(path, reason): "\(path): training checkpoint: \(reason)"
        case let .nonFiniteLoss(step): "the loss became NaN or infinite at step \(step)"
        }
    }
}
