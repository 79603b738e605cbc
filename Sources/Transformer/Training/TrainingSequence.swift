/// One training example: token ids and which tokens the loss learns.
///
/// `lossMask[t]` says whether token t is a target, predicted from position t − 1 (so
/// `lossMask[0]` never counts). For chat data only the assistant's answer tokens are targets.
public struct TrainingSequence: Sendable, Hashable, Codable {
    public var tokens: [Int]
    public var lossMask: [Bool]

    public init(tokens: [Int], lossMask: [Bool]) {
        precondition(tokens.count == lossMask.count, "tokens and loss mask differ in length")
        self.tokens = tokens
        self.lossMask = lossMask
    }

    /// Every token after the first is a target.
    public init(tokens: [Int]) {
        self.init(tokens: tokens, lossMask: tokens.indices.map { $0 > 0 })
    }

    /// Number of tokens the loss counts.
    public var targetCount: Int { lossMask.dropFirst().filter { $0 }.count }
}
