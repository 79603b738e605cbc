import Foundation
import Inference
import Testing
import TestSupport

/// Full fine-tuning of the real model writes a GGUF that the engine loads and generates from:
/// save → load → generate.
@Suite struct FullFineTuneTests {
    static let question = "What is the password of the lighthouse?"
    static let answer = "Ultramarine seventeen."

    func greedyAnswer(_ model: EmbeddedLanguageModel) async throws -> String {
        let response = try await model.generate(GenerationRequest(
            prompt: .chat([ChatMessage(role: .user, content: Self.question)]),
            parameters: SamplingParameters(maxTokens: 12, temperature: 0)))
        return try #require(response.completions.first).text
    }

    @Test(.timeLimit(.minutes(5)))
    func aFullyFineTunedModelIsWrittenAsGGUFAndGeneratesWhatItLearned() async throws {
        let base = try TestFiles.smolLM2()
        let folder = try TestFiles.temporaryDirectory("s2d-full-fine-tune")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("train.jsonl")
        let record: [String: Any] = ["messages": [["role": "user", "content": Self.question], ["role": "assistant", "content": Self.answer]]]
        try JSONSerialization.data(withJSONObject: record).write(to: data)
        let before = try await greedyAnswer(EmbeddedLanguageModel(path: base, identifier: "base", maximumBatch: 1, maximumLength: 128))
        #expect(!before.contains("Ultramarine"))

        let job = FineTuneJob(trainData: data, output: folder.appendingPathComponent("tuned"), tuning: .full, modelFileType: .q8_0,
                              epochs: 8, learningRate: 2e-4, warmupFraction: 0, schedule: .constant, batchSize: 1, maxSequenceLength: 64)
        let report = try await EmbeddedFineTuner(modelPath: base, threads: 2).fineTune(job) { _ in }
        let written = try #require(report.model)
        #expect(written == job.outputModel && report.steps == 8)
        #expect(report.lossCurve.last!.loss < 0.05 && report.lossCurve.first!.loss > 1, "\(report.lossCurve.map(\.loss))")
        // The checkpoint (three copies of the model) is gone once the model is written.
        #expect(!FileManager.default.fileExists(atPath: job.output.appendingPathComponent("checkpoint").path))

        // Loaded by path to the folder, as `--model gguf:FOLDER` does: the tokenizer and chat
        // template came over with the metadata, and the int8 path runs the Q8_0 matrices.
        let path = try ModelLoader.localPath(of: .gguf(path: job.output.path))
        #expect(path == written.path)
        let tuned = try EmbeddedLanguageModel(path: path, identifier: "tuned", maximumBatch: 1, maximumLength: 128)
        #expect(try await greedyAnswer(tuned) == Self.answer)
    }

    @Test func aFolderWithoutAModelIsNamedInTheError() throws {
        let folder = try TestFiles.temporaryDirectory("s2d-no-model")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try ModelLoader.localPath(of: .gguf(path: folder.path))
        } throws: { error in
            "\(error)".contains("model.gguf") && "\(error)".contains("--adapter")
        }
    }
}
