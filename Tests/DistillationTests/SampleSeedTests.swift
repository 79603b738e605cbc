import Distillation
import Foundation
import Inference
import Testing
import TestSupport

/// Seed rule 2: sample j of input x draws with a seed derived from (run seed, x's id, j), so the
/// j-th samples of different inputs do not share a random stream, wherever a run samples.
@Suite struct SampleSeedTests {
    @Test func seedsFollowTheDocumentedSHA256Rule() {
        // Independent truth, from Python:
        //   int.from_bytes(hashlib.sha256(f"{seed}:{id}".encode()).digest()[:8], "big") >> 2
        #expect(SampleSeed.inputSeed(runSeed: 0, inputID: "coin-flip-22-0") == 4_141_894_487_387_056_264)
        #expect(SampleSeed.inputSeed(runSeed: 0, inputID: "coin-flip-22-1") == 1_916_343_388_381_131_311)
        #expect(SampleSeed.inputSeed(runSeed: 7, inputID: "coin-flip-22-0") == 4_564_193_587_365_418_036)
        // An input's samples keep consecutive seeds (one n-request can draw them).
        #expect(SampleSeed.seed(runSeed: 7, inputID: "coin-flip-22-0", sampleIndex: 3) == 4_564_193_587_365_418_039)
        // Below 2^62, so any sample's seed fits OpenAI's signed 64-bit seed unchanged.
        #expect((0..<1000).allSatisfy { SampleSeed.inputSeed(runSeed: UInt64($0), inputID: "x\($0)") < 1 << 62 })
    }

    /// The generate stage (curation's samples) on a model that writes the seed it was asked
    /// for: the j-th samples of all inputs have different seeds, hence different text.
    @Test func theJthSamplesOfDifferentInputsDrawDifferentSeedsInGenerate() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let task = CoinFlipTask()
        let method = try MethodLibrary.builtin.method(named: "cot")
        let inputs = CoinFlipTask.generate(count: 5, seed: 3)
        let settings = RunSettings(
            task: "coin-flip", dataSeed: 3, method: method, samples: 3, model: "test:echo",
            parameters: SamplingParameters(maxTokens: 8, temperature: 0.7, seed: 11))
        let run = try DistillationRun(directory: directory, settings: settings)
        _ = try await GenerateStage(run: run, task: task, method: method).generate(inputs: inputs, model: CountingModel())
        let items = try await run.store.items(GeneratedItem.self, stage: GenerateStage.name).map(\.payload).sorted { $0.index < $1.index }
        #expect(items.count == 5)
        for j in 0..<3 {
            let seeds = items.map { $0.result.traces[j].calls[0].seed }
            #expect(Set(seeds).count == 5, "sample \(j): \(seeds)")
            #expect(seeds == inputs.map { SampleSeed.seed(runSeed: 11, inputID: $0.id, sampleIndex: j) })
            // CountingModel writes "seed=<seed> prompt=…": the prompts differ too, so compare the seed part.
            let texts = items.map { $0.result.traces[j].finalOutput.prefix { $0 != " " } }
            #expect(Set(texts).count == 5, "sample \(j): \(texts)")
        }
    }

    /// System 2 by majority at evaluation: the same rule per input.
    @Test func evaluationMajoritySamplesDrawPerInputSeeds() async throws {
        let model = CountingModel()
        let examples = CoinFlipTask.generate(count: 3, seed: 5)
        let system = EvaluationSystem(name: "System 2", method: try MethodLibrary.builtin.method(named: "cot"), samples: 3, maxTokens: 8)
        _ = try await Evaluator(task: CoinFlipTask(), seed: 99).evaluate(system, on: examples, model: model)
        let asked = Set(model.requests.map(\.parameters.seed))
        #expect(asked == Set(examples.map { SampleSeed.inputSeed(runSeed: 99, inputID: $0.id) }))
    }

    /// The embedded model on one question under two ids: under rule 1 both inputs' sample j
    /// drew the same stream on the same prompt, so their texts were identical; now they differ,
    /// while the same id still reproduces its text exactly.
    @Test(.timeLimit(.minutes(4)))
    func theSameQuestionUnderTwoIdsSamplesDifferentTextOnTheEmbeddedModel() async throws {
        let model = try EmbeddedLanguageModel(path: TestFiles.smolLM2(), identifier: "embedded:smollm2-135m", maximumBatch: 8, maximumLength: 512)
        let runner = MethodRunner(method: try MethodLibrary.builtin.method(named: "cot"), task: CoinFlipTask())
        let question = CoinFlipTask.example(actions: [(name: "Ana", flips: true), (name: "Bob", flips: false)], id: "first")
        var twin = question
        twin.id = "second"
        let parameters = SamplingParameters(maxTokens: 32, temperature: 1.0, seed: 0)
        async let first = runner.samples(model: model, example: question, parameters: parameters, count: 2)
        async let second = runner.samples(model: model, example: twin, parameters: parameters, count: 2)
        async let again = runner.samples(model: model, example: question, parameters: parameters, count: 2)
        let (a, b, c) = try await (first, second, again)
        for j in 0..<2 {
            #expect(a[j].calls[0].seed != b[j].calls[0].seed)
            #expect(a[j].finalOutput != b[j].finalOutput, "sample \(j) of both ids: \(a[j].finalOutput)")
            #expect(a[j].finalOutput == c[j].finalOutput)
        }
    }

    @Test func aRunDirectoryFromTheOldSeedRuleIsRefusedNamingItsSettingsFile() throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = RunSettings(
            task: "coin-flip", dataSeed: 1, method: try MethodLibrary.builtin.method(named: "cot"), samples: 2, model: "test:echo",
            parameters: SamplingParameters(seed: 4))
        _ = try DistillationRun(directory: directory, settings: settings)
        // Rewrite run.json as a build before the seed rule wrote it: no seed_rule field.
        let file = directory.appendingPathComponent(DistillationRun.settingsFileName)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(object["seed_rule"] as? Int == SampleSeed.rule)
        object["seed_rule"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: file)

        #expect(throws: PipelineError.seedRuleChanged(file: file.path, stored: nil)) {
            _ = try DistillationRun(directory: directory, settings: settings)
        }
        let message = "\(PipelineError.seedRuleChanged(file: file.path, stored: nil))"
        #expect(message.hasPrefix(file.path + ": this run was made under seed rule 1"))
        #expect(message.contains("start a new run directory with another --run"))
        // Curation only reads the samples already drawn, so the old run stays readable.
        #expect(try DistillationRun(existing: directory).settings.seedRule == nil)
    }

    @Test func anOldConfigJSONDecodesWithoutTheNewFields() throws {
        var object = try #require(
            try JSONSerialization.jsonObject(
                with: JSONEncoder().encode(EndToEndConfiguration(task: "coin-flip", matmulPrecision: .bfloat16))) as? [String: Any])
        #expect(object["matmulPrecision"] as? String == "bfloat16")
        for key in ["seedRule", "adaptive", "schedule", "internalization", "distillFrom", "matmulPrecision"] { object[key] = nil }
        let old = try JSONDecoder().decode(EndToEndConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.seedRule == nil)
        #expect(old.adaptive == false)
        #expect(old.schedule == .direct)
        #expect(old.internalization == nil)
        #expect(old.distillFrom == .taught)  // runs from before the field continued from taught
        #expect(old.matmulPrecision == .float32)  // and trained in float32
        #expect(EndToEndConfiguration(task: "coin-flip").seedRule == SampleSeed.rule)
    }

    /// A re-run refused for other settings names each field that changed, old → new.
    @Test func aChangedConfigurationNamesTheFieldsThatChanged() throws {
        let stored = EndToEndConfiguration(task: "coin-flip", unlabeledInputs: 1024, distillEpochs: 2)
        var now = stored
        #expect(stored.differences(from: now).isEmpty)
        now.unlabeledInputs = 2048
        now.distillFrom = .base
        #expect(stored.differences(from: now).map(\.description) == ["distillFrom: \"taught\" → \"base\"", "unlabeledInputs: 1024 → 2048"])
        // Refused by the run directory's settings file, naming both.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = EndToEndRun.configurationFile(in: directory)
        try file.record(stored)
        #expect(try file.record(stored) == stored)
        do {
            try file.record(now)
            Issue.record("a changed configuration was accepted")
        } catch let mismatch as RunSettingsMismatch {
            #expect("\(mismatch)".contains("config.json: this run was made with other settings (distillFrom: \"taught\" → \"base\"; unlabeledInputs: 1024 → 2048)"))
            #expect("\(mismatch)".contains("another --run directory"))
        }
    }
}
