import Foundation
import Testing
import TestSupport

/// Training on an existing engine: TRL (SFTTrainer + PEFT) fine-tunes the base model that
/// `s2d export --format hf` wrote on s2d's chat JSONL, and `s2d generate --adapter` loads the
/// PEFT adapter TRL wrote and answers as the PEFT model does in PyTorch. Runs where
/// `S2D_HF_PYTHON` has trl, peft and transformers (skipped, visibly, elsewhere: CI has none).
@Suite struct TRLAdapterTests {
    static let python = pythonWithModules(["trl", "peft", "transformers", "torch", "datasets"])

    static let question = "A coin is heads up. Ana flips the coin. Is the coin still heads up?"

    @Test(.timeLimit(.minutes(10)))
    func anAdapterTrainedByTRLAnswersInS2DAsInPyTorch() async throws {
        guard let python = Self.python else {
            print("TRLAdapterTests: no Python with trl, peft and transformers (set S2D_HF_PYTHON); skipped")
            return
        }
        _ = try TestFiles.smolLM2()
        let root = try TestFiles.temporaryDirectory("s2d-trl")
        defer { try? FileManager.default.removeItem(at: root) }
        let base = root.appendingPathComponent("base-hf"), adapter = root.appendingPathComponent("adapter")
        let export = try await S2DProcess.run(["export", "--format", "hf", "--type", "f32", "--out", base.path])
        try #require(export.status == 0, "\(export.stderr)")

        // The chat JSONL s2d writes: a user turn, the assistant's answer.
        let other = "A coin is heads up. Bo does not flip the coin. Is the coin still heads up?"
        let lines = (0..<8).map { i in
            let (question, answer) = i % 2 == 0 ? (Self.question, "no") : (other, "yes")
            return #"{"messages":[{"role":"user","content":"\#(question)"},{"role":"assistant","content":"\#(answer)"}]}"#
        }
        let data = root.appendingPathComponent("distill.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let trained = try await S2DProcess.runTool(python, [
            TestFiles.packageRoot.appendingPathComponent("scripts/trl-sft.py").path, data.path, base.path, adapter.path,
            "--max-steps", "2", "--batch", "4", "--greedy", Self.question,
        ])
        try #require(trained.status == 0, "TRL failed: \(trained.stderr.suffix(2000))")
        let line = try #require(trained.stdout.split(separator: "\n").last { $0.hasPrefix("{") })
        let pytorch = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["greedy"] as? String

        func s2dAnswer(_ extra: [String]) async throws -> String {
            let r = try await S2DProcess.run(["generate", "--precision", "float32", "--temperature", "0", "--max-tokens", "12", "--chat",
                                              "--prompt", Self.question] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let withAdapter = try await s2dAnswer(["--adapter", adapter.path])
        #expect(withAdapter == pytorch, "s2d with TRL's adapter: \(withAdapter); PyTorch + PEFT: \(pytorch ?? "nil")")
        #expect(try await s2dAnswer([]) != withAdapter, "the adapter changes nothing; the test would prove nothing")
    }
}
