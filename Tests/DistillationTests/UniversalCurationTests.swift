import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

/// `CurateStage` in universal self-consistency mode: the model picks the most consistent
/// response; its calls go through the run store; stats.json records it.
@Suite struct UniversalCurationTests {
    let task = CoinFlipTask()
    let inputs = CoinFlipTask.generate(count: 8, seed: 3)
    let method = MethodLibrary.builtin.methods["cot"]!

    /// Whether the model's cot samples on `text` (the cot user message) all agree.
    static func unanimous(_ text: String) -> Bool { text.count % 3 == 0 }

    /// cot samples: "yes" on even seeds, "no" on odd ones, or always "yes" on unanimous inputs.
    /// Selection prompts are answered with `choice`.
    func model(choice: String = "The most consistent response is Response 2.") -> ScriptedModel {
        ScriptedModel { request, i in
            let text = request.userText
            if text.contains("most consistent") { return choice }
            let seed = request.parameters.seed &+ UInt64(i)
            return Self.unanimous(text) || seed % 2 == 0 ? "So the answer is yes." : "So the answer is no."
        }
    }

    func generatedRun(_ directory: URL, perturb: Bool = false) async throws -> DistillationRun {
        let settings = RunSettings(
            task: "coin-flip", dataSeed: 3, method: method, samples: 4, model: "scripted",
            parameters: SamplingParameters(maxTokens: 32, temperature: 0.7, seed: 0), perturb: perturb)
        let run = try DistillationRun(directory: directory, settings: settings)
        _ = try await GenerateStage(run: run, task: task, method: method).generate(inputs: inputs, model: model())
        return run
    }

    /// Whether `example`'s cot samples all agree, by the model's rule.
    func isUnanimous(_ example: TaskExample) throws -> Bool {
        let prompt = try MethodRunner(method: method, task: task).prompt(for: method.steps[0], variables: task.templateVariables(for: example))
        guard case .chat(let messages) = prompt else { return false }
        return Self.unanimous(messages.last!.content)
    }

    /// Inputs whose cot samples all agree, by the model's rule.
    func unanimousCount() throws -> Int {
        try inputs.filter(isUnanimous).count
    }

    @Test func theModelsChoiceIsAcceptedAndUnanimousInputsNeedNoCall() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await generatedRun(directory)
        let unanimous = try unanimousCount()
        #expect(unanimous > 0 && unanimous < inputs.count, "the fixture should mix both kinds of input")

        let m = model()
        let report = try await CurateStage(run: run, mode: .usc).curate(model: m)
        let stats = report.stats
        // Split inputs: Response 2 is sample 1, whose answer its seed's parity decides (seed rule 2:
        // the input's own seed + 1). Unanimous ones → "yes", no call.
        #expect(stats.mode == "usc")
        #expect(stats.accepted == inputs.count)
        #expect(report.modelCalls == inputs.count - unanimous)
        #expect(await m.requests.count == inputs.count - unanimous)
        #expect(await m.requests.allSatisfy { $0.userText.contains("Response 4:") && $0.parameters.temperature == 0 })
        #expect(stats.stages["curate"]?.modelCalls == inputs.count - unanimous)
        #expect(stats.universal == .init(selectionCalls: inputs.count - unanimous, decidedWithoutCall: unanimous, unselected: 0))
        let answers = try String(contentsOf: run.file(CurateStage.distillFileName), encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(TrainingRecord.self, from: Data($0.utf8)).messages.last!.content }
        let expected = try inputs.map { example in
            try isUnanimous(example) || SampleSeed.seed(runSeed: 0, inputID: example.id, sampleIndex: 1) % 2 == 0 ? "Yes" : "No"
        }
        #expect(answers == expected)
        #expect(Set(expected) == ["Yes", "No"])
        let statsJSON = try String(contentsOf: run.file(CurateStage.statsFileName), encoding: .utf8)
        #expect(statsJSON.contains("\"mode\" : \"usc\""), "\(statsJSON)")

        // Re-run: every selection comes from the run store; same bytes.
        let again = model()
        let rerun = try await CurateStage(run: try DistillationRun(existing: directory), mode: .usc).curate(model: again)
        #expect(rerun.modelCalls == 0)
        #expect(await again.requests.isEmpty)
        #expect(try String(contentsOf: run.file(CurateStage.statsFileName), encoding: .utf8) == statsJSON)
    }

    @Test func aReplyNamingNoResponseRejectsTheInput() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await generatedRun(directory)
        let unanimous = try unanimousCount()
        let stats = try await CurateStage(run: run, mode: .usc).curate(model: model(choice: "They all look fine to me.")).stats
        #expect(stats.accepted == unanimous)
        #expect(stats.rejectionReasons == ["no-selection": inputs.count - unanimous])
        #expect(stats.universal?.unselected == inputs.count - unanimous)
        let rejected = try String(contentsOf: run.file(CurateStage.rejectedFileName), encoding: .utf8)
        #expect(rejected.contains("named no response"))
    }

    @Test func uscNeedsTheRunsModelAndRefusesPerturbedRuns() async throws {
        let directory = temporaryRunDirectory()
        let perturbed = temporaryRunDirectory()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: perturbed)
        }
        let run = try await generatedRun(directory)
        let stage = try CurateStage(run: run, mode: .usc)
        await #expect(throws: PipelineError.self) { _ = try await stage.curate() }
        let other = CountingModel(identifier: "other")
        let wrong = await failureAsync { _ = try await stage.curate(model: other) }
        #expect(wrong.contains("model: scripted → other"), "\(wrong)")
        #expect(failure { _ = try CurateStage(run: run, minAgreement: 0.9, mode: .usc) }.contains("no effect"))
        let p = try await generatedRun(perturbed, perturb: true)
        #expect(failure { _ = try CurateStage(run: p, mode: .usc) }.contains("--perturb"))
    }

    @Test func curatorWithUniversalSelfConsistencyUsesTheChosenSample() async throws {
        let curator = Curator(
            runner: MethodRunner(method: method, task: task), policy: ConsistencyPolicy(samples: 4, minAgreement: 1),
            universal: UniversalSelfConsistency())
        let split = try #require(inputs.first { (try? isUnanimous($0)) == false })
        // A 2–2 split would be a tie for the vote; the model's choice decides: Response 3 is
        // sample 2, whose seed's parity gives its answer.
        let chosen = SampleSeed.seed(runSeed: 0, inputID: split.id, sampleIndex: 2) % 2 == 0 ? "yes" : "no"
        let result = try await curator.curate(
            model: model(choice: "The most consistent response is Response 3."), example: split, parameters: SamplingParameters(seed: 0))
        #expect(result.decision.answer == chosen)
        #expect(result.selection?.step == "usc-select")
        #expect(result.record?.messages.last == .assistant(chosen == "yes" ? "Yes" : "No"))
    }
}

/// Universal self-consistency on free-form responses (`AnswerKind.response`): the vote has
/// nothing to count, the model chooses, and System 1 is trained on the chosen response itself,
/// without the method's earlier steps.
@Suite struct FreeFormCurationTests {
    let spec = CustomTaskSpec(template: "{input}", answerKind: .response)
    let method = MethodLibrary.builtin.methods["rar2"]!
    let inputs = ["Why is the sky blue?", "How do bees make honey?", "What makes bread rise?"].enumerated().map {
        TaskExample(id: "q\($0.offset)", text: $0.element)
    }

    /// rar2's rephrase step gets a rephrasing; its answer step a response that differs with the
    /// sample (its seed), except on the second input, where every sample says the same.
    func model() -> ScriptedModel {
        ScriptedModel { request, i in
            let text = request.userText
            if text.contains("most consistent") { return "The most consistent response is Response 3." }
            if text.contains("Reply with the rewritten question only") { return "Rephrased: \(text.prefix(20))" }
            if text.contains("bees") { return "  Bees turn nectar into honey by evaporating it.\n" }
            return "Answer drawn with seed \(request.parameters.seed &+ UInt64(i)).\n\nIt has two paragraphs."
        }
    }

    func run(_ directory: URL) async throws -> DistillationRun {
        let settings = RunSettings(
            task: "custom", method: method, samples: 4, model: "scripted",
            parameters: SamplingParameters(maxTokens: 64, temperature: 0.7, seed: 5), customTask: spec)
        let run = try DistillationRun(directory: directory, settings: settings)
        let task = try settings.makeTask()
        let stage = try GenerateStage(run: run, task: task, method: method)
        _ = try await stage.generate(inputs: inputs, model: model())
        return run
    }

    @Test func theTargetIsTheChosenResponseItself() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await run(directory)
        let m = model()
        let report = try await CurateStage(run: run, mode: .usc).curate(model: m)
        #expect(report.stats.accepted == 3)
        // The bees input's samples agree word for word: no call for it.
        #expect(report.modelCalls == 2 && report.stats.universal?.decidedWithoutCall == 1)
        let records = try String(contentsOf: run.file(CurateStage.distillFileName), encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(TrainingRecord.self, from: Data($0.utf8)).messages }
        let items = try await run.store.items(GeneratedItem.self, stage: GenerateStage.name).map(\.payload).sorted { $0.index < $1.index }
        for (k, item) in items.enumerated() {
            let expected = item.example.text.contains("bees")
                ? "Bees turn nectar into honey by evaporating it."
                : item.result.traces[2].finalOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            // The System 1 prompt of responses (`respond`: the question and the format, not
            // "the answer only"), then the chosen response: the rephrasing is gone, the
            // response's paragraphs are kept.
            #expect(records[k].first { $0.role == .user }?.content == item.example.text + "\nAnswer in full.")
            #expect(records[k].last == .assistant(expected), "\(records[k])")
            #expect(!records[k].last!.content.contains("Rephrased"))
        }
        #expect(records[0].last!.content.contains("\n\nIt has two paragraphs."))
    }

    @Test func votingOnResponsesIsRefusedNamingTheFlag() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await run(directory)
        #expect(failure { _ = try CurateStage(run: run, mode: .vote) }.contains("--curation usc"))
        let adaptive = RunSettings(
            task: "custom", method: method, samples: 4, model: "scripted", parameters: SamplingParameters(seed: 5), adaptive: true,
            customTask: spec)
        let other = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(failure { _ = try DistillationRun(directory: other, settings: adaptive) }.contains("--adaptive"))
        #expect(!FileManager.default.fileExists(atPath: other.path))
        var configuration = EndToEndConfiguration(task: "custom", data: "x.jsonl", customTask: spec)
        #expect(failure { _ = try configuration.resolvedTask() }.contains("--curation usc"))
        configuration.curation = .usc
        #expect(failure { _ = try configuration.resolvedTask() }.isEmpty)
    }

    @Test func aResponseIsItsOwnAnswer() {
        let kind = AnswerKind.response
        #expect(kind.parse("  First line.\n\nSecond paragraph, with a number 42.\n") == "First line.\n\nSecond paragraph, with a number 42.")
        #expect(kind.parse(" \n ") == nil)
        #expect(kind.matches("Same words.", " Same words.\n") && !kind.matches("Same words.", "same words"))
        #expect(CustomTaskSpec.answerKind(named: "response") == .response)
    }
}

/// The description of the error `body` throws; empty when it throws none.
func failureAsync(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        return ""
    } catch {
        return "\(error)"
    }
}
