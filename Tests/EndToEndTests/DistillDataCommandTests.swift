import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill --data` as a user runs it: a custom task from the committed sample file, on the
/// embedded model, with the test split from `--test-data`; then a re-run after the data file
/// changed is refused with the field that differs.
@Suite struct DistillDataCommandTests {
    @Test(.timeLimit(.minutes(8)))
    func distillRunsOnADataFileAndRefusesTheFileChanged() async throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-distill-data")
        defer { try? FileManager.default.removeItem(at: out) }
        let data = out.appendingPathComponent("primes.jsonl")
        try FileManager.default.copyItem(at: TestFiles.packageRoot.appendingPathComponent("examples/data/custom-prime.jsonl"), to: data)
        let run = [
            "distill", "--task", "custom", "--template", "{input}", "--answer-kind", "yes-no", "--data", data.path,
            "--test-data", data.path, "--teach", "0", "--inputs", "3", "--samples", "2", "--min-agreement", "0.5", "--test", "3",
            "--max-tokens", "16", "--distill-epochs", "1", "--batch", "4", "--run", out.appendingPathComponent("run").path,
        ]
        let first = try await S2DProcess.run(run)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("run/eval.json")))
        #expect(report.configuration.task == "custom" && report.configuration.dataHash?.count == 64)
        #expect(report.eval?.systems.allSatisfy { $0.accuracy.total == 3 } == true)

        try Data("{\"input\": \"Is 4 a prime number?\", \"answer\": \"no\"}\n".utf8).write(to: data, options: .atomic)
        let changed = try await S2DProcess.run(run)
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("config.json") && changed.stderr.contains("dataHash"), "\(changed.stderr)")
    }
}
