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

    /// The worker pool under the engine's load pattern: thousands of short regions in a row from
    /// four threads at once (one holds the pool, the others fall back to concurrentPerform), each
    /// region with jobs that themselves call parallelFor (nested regions run without the pool).
    /// Every job of every region runs exactly once: a worker finishing one region must never take
    /// a job of the next.
    @Test func manyShortConcurrentAndNestedRegionsRunEveryJobOnce() {
        let callers = 4, regions = 2000, jobs = 6, inner = 3
        var counts = [Int](repeating: 0, count: callers * regions * jobs * inner)
        counts.withUnsafeMutableBufferPointer { counts in
            let shared = UncheckedSendableCounts(counts)
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                for region in 0..<regions {
                    let base = (caller * regions + region) * jobs * inner
                    parallelFor(jobs) { job in
                        parallelFor(inner) { k in shared.counts[base + job * inner + k] += 1 }
                    }
                }
            }
        }
        #expect(counts.allSatisfy { $0 == 1 }, "\(counts.filter { $0 != 1 }.count) jobs ran other than once")
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

/// The counters the pool test's jobs write (disjoint indices), handed across threads unchecked.
private struct UncheckedSendableCounts: @unchecked Sendable {
    let counts: UnsafeMutableBufferPointer<Int>
    init(_ counts: UnsafeMutableBufferPointer<Int>) { self.counts = counts }
}
