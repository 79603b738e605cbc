import Foundation
import Kernels
import Testing

@Suite struct ParallelTests {
    /// Every index runs exactly once, serially or across threads.
    @Test(arguments: [1, 2])
    func parallelForRunsEveryJobOnce(threads: Int) {
        var runs = [Int](repeating: 0, count: 37)
        runs.withUnsafeMutableBufferPointer { runs in
            parallelFor(37, threads: threads) { job in runs[job] += 1 }  // disjoint writes
        }
        #expect(runs == [Int](repeating: 1, count: 37))
    }

    /// The ranges cover 0..<total in order, none empty, inner bounds on `align`.
    @Test(arguments: [(100, 2, 16), (1000, 3, 8), (5, 4, 16), (7, 8, 1)])
    func splittingCoversTheRangeWithAlignedNonEmptyParts(_ total: Int, _ parts: Int, _ align: Int) {
        let lock = NSLock()
        var seen: [Range<Int>] = []
        parallelFor(splitting: total, parts: parts, align: align) { range in lock.withLock { seen.append(range) } }
        let ranges = seen.sorted { $0.lowerBound < $1.lowerBound }
        #expect(ranges.count == min(parts, (total + align - 1) / align))
        #expect(ranges.allSatisfy { !$0.isEmpty })
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total)
        for (a, b) in zip(ranges, ranges.dropFirst()) {
            #expect(a.upperBound == b.lowerBound && a.upperBound % align == 0)
        }
    }
}
