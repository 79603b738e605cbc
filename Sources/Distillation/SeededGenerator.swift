import Inference

/// The generator of task data and shuffles: the project's one SplitMix64, so that a task
/// generator or a shuffle with the same seed gives the same result on every machine and Swift
/// version (the standard library's generator cannot be seeded).
public typealias SeededGenerator = RandomSource

/// Draws computed by our own code, so results do not depend on the standard library's algorithms.
extension SeededGenerator {
    /// A uniform integer in `range`, computed by our own rejection sampling so the result
    /// does not depend on the standard library's algorithm.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        let limit = UInt64.max - UInt64.max % span
        var x = next()
        while x >= limit { x = next() }
        return range.lowerBound + Int(x % span)
    }

    /// A fair coin.
    public mutating func bool() -> Bool { next() & 1 == 1 }

    /// A uniformly chosen element.
    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    /// A Fisher–Yates permutation of `0..<count`.
    public mutating func permutation(_ count: Int) -> [Int] {
        var p = Array(0..<count)
        if count < 2 { return p }
        for i in stride(from: count - 1, to: 0, by: -1) {
            p.swapAt(i, int(in: 0...i))
        }
        return p
    }
}
