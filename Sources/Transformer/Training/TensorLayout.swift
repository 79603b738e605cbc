/// Named tensors packed one after another in a single float buffer: the model's weights,
/// a LoRA adapter, their gradients and AdamW moments all share this shape of storage, so an
/// optimizer step or a checkpoint is one loop over one buffer.
public struct TensorLayout: Sendable, Equatable {
    /// One tensor: its name, shape (rows first, as [outputs, inputs] for a linear weight)
    /// and where it starts in the buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var totalCount = 0
    private var index: [String: Int] = [:]

    public init() {}

    /// Appends a tensor after the last one.
    public mutating func append(_ name: String, shape: [Int]) {
        precondition(index[name] == nil, "tensor \(name) appears twice in a layout")
        index[name] = entries.count
        entries.append(Entry(name: name, shape: shape, offset: totalCount))
        totalCount += shape.reduce(1, *)
    }

    /// The tensor named `name`, or nil.
    public func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Offset of a tensor that must exist (a programming error otherwise).
    public func offset(of name: String) -> Int {
        guard let entry = entry(named: name) else { preconditionFailure("no tensor \(name) in layout") }
        return entry.offset
    }
}
