import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` SIGKILLed at random moments (mid-teach, mid-curation, mid-train, mid-evaluation,
/// mid-write) and resumed after each kill must end with what one uninterrupted run makes: the
/// same training data, the same adapter bytes, the same predictions, and no more stored model
/// calls. `S2D_KILL_POINTS=20` (and `S2D_KILL_SEED`) runs the long version.
@Suite struct DistillKillPointsTests {
    static let run = DistillCommandTests.tinyRun

    /// The files a resumed run must write byte for byte as the uninterrupted one.
    static let sameBytes = [
        "teach.jsonl", "distill.jsonl", "rejected.jsonl", "rationales.jsonl", "curation/distill.jsonl",
        "adapters/taught/adapter_model.safetensors", "adapters/distilled/adapter_model.safetensors",
    ]

    @Test(.timeLimit(.minutes(10)))
    func aRunKilledAtRandomMomentsAndResumedEqualsAnUninterruptedRun() async throws {
        _ = try TestFiles.smolLM2()
        let root = try TestFiles.temporaryDirectory("s2d-kill-points")
        defer { try? FileManager.default.removeItem(at: root) }
        let environment = ProcessInfo.processInfo.environment
        let points = environment["S2D_KILL_POINTS"].flatMap(Int.init) ?? 3
        let seed = environment["S2D_KILL_SEED"].flatMap(UInt64.init) ?? 7

        let whole = root.appendingPathComponent("whole")
        let started = Date()
        let uninterrupted = try await S2DProcess.run(Self.run + ["--run", whole.path])
        let wall = Date().timeIntervalSince(started)
        try #require(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        // Kill moments drawn by the seed, each between 0.2 s and half the uninterrupted run's wall
        // time after its invocation starts: a resumed invocation skips what is done, so later
        // kills land further into the run.
        var random = SeededGenerator(seed: seed)
        let delays = (0..<points).map { _ in 0.2 + Double(random.int(in: 0...1000)) / 1000 * wall / 2 }
        let killed = root.appendingPathComponent("killed")
        var kills = 0
        var lastLines: [String] = []
        for delay in delays {
            let arguments = Self.run + ["--run", killed.path]
            let r = try await S2DProcess.kill(arguments, after: delay)
            if r.killed { kills += 1 } else { #expect(r.status == 0, "the run before the kill at \(delay) s failed: \(r.stderr)") }
            lastLines.append(r.stderr.split(separator: "\n").last.map(String.init) ?? "(nothing yet)")
        }
        let last = try await S2DProcess.run(Self.run + ["--run", killed.path])
        #expect(last.status == 0, "the final resume failed: \(last.stderr)")
        #expect(kills >= 1, "no kill landed (seed \(seed), delays \(delays))")
        let chosen = zip(delays, lastLines).map { String(format: "%.1f s (%@)", $0, $1) }
        print("kill points (seed \(seed), uninterrupted \(String(format: "%.1f", wall)) s): \(kills) of \(points) landed; last lines before each: \(chosen)")

        for file in Self.sameBytes {
            let a = try Data(contentsOf: whole.appendingPathComponent(file)), b = try Data(contentsOf: killed.appendingPathComponent(file))
            #expect(a == b, "\(file) differs after kills at \(chosen)")
        }
        let reports = try [whole, killed].map { try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: $0.appendingPathComponent("eval.json"))) }
        let predictions = reports.map { $0.eval?.systems.map { $0.predictions.map { [$0.exampleID, $0.answer ?? "-", "\($0.generatedTokens)"] } } }
        #expect(predictions[0] != nil && predictions[0] == predictions[1], "predictions differ after kills at \(chosen)")
        // Every stored model call once: no call was stored twice, none is missing.
        for sub in ["", "curation"] {
            let counts = try await [whole, killed].asyncMap { try await RunStore(directory: $0.appendingPathComponent(sub)).callCount() }
            #expect(counts[0] == counts[1] && counts[0] > 0, "\(sub.isEmpty ? "run" : sub) store: \(counts)")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
