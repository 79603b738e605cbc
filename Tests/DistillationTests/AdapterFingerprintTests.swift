import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

/// Adapters are told apart in cache keys by content, not by a fixed name or their path.
@Suite struct AdapterFingerprintTests {
    /// A fake PEFT folder with `weights` as its safetensors bytes.
    func adapter(_ root: URL, _ name: String, weights: String, checkpoint: String? = nil) throws -> String {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"r\": 16}".utf8).write(to: folder.appendingPathComponent("adapter_config.json"))
        try Data(weights.utf8).write(to: folder.appendingPathComponent("adapter_model.safetensors"))
        if let checkpoint { try Data(checkpoint.utf8).write(to: folder.appendingPathComponent("checkpoint")) }
        return folder.path
    }

    @Test func differentWeightsDifferAndCopiesAgree() throws {
        let root = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try adapter(root, "a", weights: "AAAA")
        let b = try adapter(root, "b", weights: "AAAB")
        let copy = try adapter(root, "elsewhere/a", weights: "AAAA", checkpoint: "optimizer state")
        let ha = try AdapterFingerprint.hash(ofFolder: a)
        #expect(ha != (try AdapterFingerprint.hash(ofFolder: b)))
        #expect(ha == (try AdapterFingerprint.hash(ofFolder: copy)))
        #expect(try AdapterFingerprint.requestName(forFolder: a) == "sha256:\(ha.hex)")
        let missing = failure { _ = try AdapterFingerprint.hash(ofFolder: root.appendingPathComponent("none").path) }
        #expect(missing.contains("adapter_config.json") && missing.contains("none"), "\(missing)")
    }

    @Test func runRequestsCarryTheAdaptersContentHashAndAnotherAdapterIsAnotherRun() async throws {
        let root = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let method = MethodLibrary.builtin.methods["cot"]!
        let a = try adapter(root, "a", weights: "AAAA")
        let b = try adapter(root, "b", weights: "BBBB")
        func settings(_ folder: String) throws -> RunSettings {
            RunSettings(
                task: "coin-flip", dataSeed: 1, method: method, samples: 2, model: "scripted", adapter: folder,
                adapterHash: try AdapterFingerprint.hash(ofFolder: folder).hex, parameters: SamplingParameters(maxTokens: 8))
        }
        let directory = root.appendingPathComponent("run")
        let run = try DistillationRun(directory: directory, settings: try settings(a))
        let m = ScriptedModel { _, _ in "So the answer is yes." }
        _ = try await GenerateStage(run: run, task: CoinFlipTask(), method: method)
            .generate(inputs: CoinFlipTask.generate(count: 2, seed: 1), model: m)
        let names = Set(await m.requests.map(\.adapter))
        #expect(names == [try AdapterFingerprint.requestName(forFolder: a)])
        let other = failure { _ = try DistillationRun(directory: directory, settings: try settings(b)) }
        #expect(other.contains("adapter (content hash"), "\(other)")
        // The cache keys of the two adapters' requests differ.
        let request = { (name: String) in GenerationRequest(prompt: .text("x"), adapter: name) }
        #expect(SampleKey(model: "m", request: request(try AdapterFingerprint.requestName(forFolder: a)), sampleIndex: 0).hash
            != SampleKey(model: "m", request: request(try AdapterFingerprint.requestName(forFolder: b)), sampleIndex: 0).hash)
    }
}
