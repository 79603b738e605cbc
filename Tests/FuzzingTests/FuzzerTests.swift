import Foundation
import Fuzzing
import Testing
import TestSupport

/// A short run of every fuzz target through the real readers (the long one is `s2d fuzz`):
/// nothing may crash, hang or refuse without naming its input, and the mutations must reach
/// both outcomes, or the fuzzing tests little.
@Suite struct FuzzerTests {
    @Test(.timeLimit(.minutes(5)), arguments: [(FuzzTarget.sandbox, 300), (.jsonl, 300), (.template, 300), (.gguf, 40)])
    func everyMutatedInputIsReadOrRefusedNamingIt(target: FuzzTarget, iterations: Int) throws {
        let scratch = try TestFiles.temporaryDirectory("s2d-fuzz")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Twice `s2d fuzz`'s default limit: hangs are judged by CPU time, which the suite's
        // other tests sharing the cores inflate only a little (cache contention).
        let fuzzer = try Fuzzer(target: target, seed: 11, timeLimit: .seconds(20), modelPath: try TestFiles.smolLM2(), scratch: scratch)
        let report = fuzzer.run(iterations: iterations, onStuck: { iteration, input in print("stuck: \(iteration) \(input)") })
        #expect(report.iterations == iterations)
        #expect(report.clean, "\(report.unclearExamples) \(report.hangExamples)")
        #expect(report.slowestSeconds > 0, "no CPU time was measured")
        #expect(report.accepted > 0 && report.rejected > 0, "read \(report.accepted), refused \(report.rejected)")
        #expect(report.distinctErrors > 1)
        // The same seed and iteration give the same input: a run of its second half alone
        // ends the same way as that half did.
        let again = fuzzer.run(iterations: 5, skip: 3, onStuck: { _, _ in })
        let first = fuzzer.run(iterations: 8, onStuck: { _, _ in })
        let tail = fuzzer.run(iterations: 5, skip: 3, onStuck: { _, _ in })
        #expect(again.accepted == tail.accepted && again.commonErrors == tail.commonErrors && first.iterations == 8)
    }
}
