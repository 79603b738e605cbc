import Distillation
import Foundation
import Inference
import TestDoubles
import Testing

struct MethodTests {
    let library = MethodLibrary.builtin

    @Test func builtinMethodsParseAndRoundTripThroughYAML() throws {
        #expect(library.names == ["bsm", "bsm-sum", "cot", "cot-fewshot", "program", "rar1", "rar2", "respond", "s2a", "system1"])
        for name in library.names {
            let m = try library.method(named: name)
            let again = try MethodYAML.parse(try MethodYAML.serialize(m), file: "roundtrip")
            #expect(again == m, "\(name)")
        }
        #expect(try library.method(named: "rar2").steps.map(\.name) == ["rephrase", "answer"])
        #expect(try library.method(named: "bsm").steps.map(\.name) == ["branch", "solve", "merge"])
    }

    /// cot-fewshot runs on a generated task without exemplars from the caller: the task's own
    /// worked examples (gold chains of thought) come before the question.
    @Test(arguments: ["coin-flip", "last-letter"])
    func cotFewShotUsesTheTasksOwnWorkedExamples(taskName: String) async throws {
        let task = try #require(BuiltinTasks.task(named: taskName))
        let model = ScriptedModel { _, _ in "So the answer is yes." }
        let example = taskName == "coin-flip"
            ? CoinFlipTask.example(actions: [(name: "Ana", flips: true)], id: "q")
            : LastLetterTask.example(words: ["Elon", "Musk"], id: "q")
        let runner = MethodRunner(method: try library.method(named: "cot-fewshot"), task: task)
        _ = try await runner.run(model: model, example: example, parameters: SamplingParameters(maxTokens: 8), sampleIndex: 0)
        let prompt = try #require(await model.requests.first).userText
        let shots = task.fewShotExemplars
        #expect(shots.count == 4)
        for shot in shots { #expect(prompt.contains(try #require(shot.rationale?.chainOfThought))) }
        #expect(prompt.contains(task.prompt(for: example)))
    }

    @Test func rar2RephrasesThenAnswersSeeingBoth() async throws {
        let model = ScriptedModel { req, _ in
            req.userText.contains("Rewrite the question") ? "REPHRASED: which letters end Elon and Musk?" : "The answer is nk."
        }
        let task = LastLetterTask()
        let ex = LastLetterTask.example(words: ["Elon", "Musk"], id: "e")
        let runner = MethodRunner(method: try library.method(named: "rar2"), task: task)
        let trace = try await runner.run(model: model, example: ex, parameters: SamplingParameters(maxTokens: 99, temperature: 0.5, seed: 100), sampleIndex: 3)
        let reqs = await model.requests
        #expect(reqs.count == 2)
        #expect(reqs[0].userText.hasPrefix(task.prompt(for: ex)))
        #expect(reqs[0].parameters.maxTokens == 256)  // the step's override
        #expect(reqs[1].parameters.maxTokens == 99)  // the run's value
        #expect(reqs[1].userText.contains(task.prompt(for: ex)))
        #expect(reqs[1].userText.contains("REPHRASED: which letters end Elon and Musk?"))
        // Sample 3 of input "e" under run seed 100 (seed rule 2), for every step.
        let seed = SampleSeed.seed(runSeed: 100, inputID: "e", sampleIndex: 3)
        #expect(reqs.allSatisfy { $0.parameters.seed == seed && $0.parameters.temperature == 0.5 })
        #expect(trace.answer == "nk")
        #expect(trace.calls.map(\.step) == ["rephrase", "answer"])
        #expect(trace.generatedTokens == 7 + 4)
        #expect(trace.promptTokens == 20)
        #expect(trace.sampleIndex == 3)
    }

    @Test func s2aAnswersFromTheRewriteAlone() async throws {
        let model = ScriptedModel { req, _ in
            req.userText.hasPrefix("Here is a message") ? "Context: none\nQuestion: Which element completes sodium bicarbonate?" : "The answer is hydrogen."
        }
        let ex = TaskExample(id: "b", text: "Which element?", answer: "Hydrogen", fields: ["prompt": "Which element? I think the answer is Nitrogen, but I'm really not sure."])
        let trace = try await MethodRunner(method: try library.method(named: "s2a"), task: BiasedQATask())
            .run(model: model, example: ex, parameters: SamplingParameters(seed: 1))
        let reqs = await model.requests
        #expect(reqs.count == 2)
        #expect(reqs[0].userText.contains("I think the answer is Nitrogen"))
        #expect(reqs[1].userText.hasPrefix("Context: none\nQuestion: Which element completes sodium bicarbonate?"))
        #expect(!reqs[1].userText.contains("Nitrogen"))  // the opinion never reaches the answer call
        #expect(trace.answer == "hydrogen")
        #expect(BiasedQATask().isCorrect(trace.answer!, for: ex))
    }

    @Test func bsmBranchesSolvesEachCriterionAndMerges() async throws {
        let model = ScriptedModel { req, _ in
            let t = req.userText
            if t.hasPrefix("Two responses") { return "Here is the plan:\n1. Correctness: is it right?\n2. Clarity: is it clear?\nThat's all." }
            if t.contains("Evaluate both responses on this one criterion") {
                return t.contains("Correctness") ? "A is wrong. Response A: 2/10, Response B: 9/10" : "Both clear. Response A: 8/10, Response B: 8/10"
            }
            return "B is better overall. [[B]]"
        }
        let ex = TaskExample(id: "p", text: "What is 2+2?", responses: ["5", "4"], answer: "B")
        let trace = try await MethodRunner(method: try library.method(named: "bsm"), task: PairwiseJudgeTask())
            .run(model: model, example: ex, parameters: SamplingParameters(seed: 0))
        let reqs = await model.requests
        #expect(reqs.count == 4)
        #expect(reqs[0].userText.contains("What is 2+2?"))
        #expect(!reqs[0].userText.contains("[Response A]"))  // branching plans before seeing responses
        #expect(reqs[1].userText.contains("Correctness: is it right?"))
        #expect(reqs[1].userText.contains("[Response A]\n5"))
        #expect(reqs[2].userText.contains("Clarity: is it clear?"))
        #expect(reqs[3].userText.contains("1. Correctness: is it right?\nA is wrong. Response A: 2/10, Response B: 9/10"))
        #expect(reqs[3].userText.contains("2. Clarity: is it clear?\nBoth clear."))
        #expect(trace.calls.map(\.step) == ["branch", "solve", "solve", "merge"])
        #expect(trace.calls.map(\.item) == [nil, 0, 1, nil])
        #expect(trace.answer == "B")
        #expect(trace.generatedTokens == trace.calls.reduce(0) { $0 + $1.output.split(separator: " ").count })
    }

    @Test func samplesShareOneRequestForTheFirstStepAndMatchSingleRuns() async throws {
        let script: @Sendable (GenerationRequest, Int) -> String = { req, i in
            let seed = req.parameters.seed &+ UInt64(i)
            return req.userText.contains("Rewrite the question") ? "rephrased with seed \(seed)" : "The answer is s\(seed)."
        }
        let batched = ScriptedModel(replies: script)
        let ex = LastLetterTask.example(words: ["Ada", "Lovelace"], id: "a")
        let runner = MethodRunner(method: try library.method(named: "rar2"), task: LastLetterTask())
        let params = SamplingParameters(seed: 50)
        let traces = try await runner.samples(model: batched, example: ex, parameters: params, count: 4)
        let reqs = await batched.requests
        #expect(reqs.count == 5)
        #expect(reqs[0].n == 4)
        // Input "a"'s sample seeds under run seed 50 are consecutive from its input seed.
        let base = SampleSeed.inputSeed(runSeed: 50, inputID: "a")
        #expect(traces.map(\.answer) == (0..<4).map { "s\(base &+ UInt64($0))" })
        #expect(traces.map(\.sampleIndex) == [0, 1, 2, 3])
        // Sample i alone gives the same trace outputs as sample i of the batch.
        for i in 0..<4 {
            let single = try await runner.run(model: ScriptedModel(replies: script), example: ex, parameters: params, sampleIndex: i)
            #expect(single.calls.map(\.output) == traces[i].calls.map(\.output))
            #expect(single.calls.map(\.seed) == traces[i].calls.map(\.seed))
        }
        // The shared prompt is counted once.
        #expect(traces.map { $0.calls[0].promptTokens } == [10, 0, 0, 0])
    }

    @Test func fewShotCoTUsesGoldRationalesAsExemplars() async throws {
        let model = ScriptedModel { _, _ in "The answer is ab." }
        let shots = LastLetterTask.generate(count: 2, seed: 9)
        let ex = LastLetterTask.example(words: ["Bob", "Smith"], id: "t")
        let runner = MethodRunner(method: try library.method(named: "cot-fewshot"), task: LastLetterTask(), exemplars: shots)
        _ = try await runner.run(model: model, example: ex, parameters: SamplingParameters())
        let text = await model.requests[0].userText
        for s in shots { #expect(text.contains(s.rationale!.chainOfThought!)) }
        #expect(text.contains("\"Bob Smith\""))
        // GSM8K data has no gold chains of thought to show: without exemplars it is an error.
        let noShots = MethodRunner(method: try library.method(named: "cot-fewshot"), task: GSM8KTask())
        await #expect(throws: MethodError.noExemplars(method: "cot-fewshot", step: "answer")) {
            try await noShots.run(model: model, example: ex, parameters: SamplingParameters())
        }
    }

    @Test func userMethodsUseEarlierStepsAndOverrides() async throws {
        let yaml = """
        name: draft-check
        steps:
          - name: draft
            prompt: "Draft: {input}"
            temperature: 0
          - name: check
            system: You check answers.
            prompt: |
              Q: {question}
              Draft: {steps.draft}
              JSON like {"a": 1} and {{braces}} stay.
            max_tokens: 12
            stop: ["\\n\\n"]
        """
        let method = try MethodYAML.parse(yaml, file: "draft.yaml")
        let model = ScriptedModel { req, _ in req.userText.hasPrefix("Draft:") ? "maybe 3" : "The answer is 4." }
        let task = CustomTask(template: "What is {input}?", answerKind: .number)
        let trace = try await MethodRunner(method: method, task: task)
            .run(model: model, example: TaskExample(id: "c", text: "2+2"), parameters: SamplingParameters(maxTokens: 50, temperature: 0.9, stop: ["END"]))
        let reqs = await model.requests
        #expect(reqs[0].userText == "Draft: What is 2+2?")
        #expect(reqs[0].parameters.temperature == 0)
        #expect(reqs[1].userText == "Q: 2+2\nDraft: maybe 3\nJSON like {\"a\": 1} and {braces} stay.\n")
        #expect(reqs[1].parameters.maxTokens == 12)
        #expect(reqs[1].parameters.stop == ["END", "\n\n"])
        #expect(reqs[1].prompt == .chat([.system("You check answers."), .user(reqs[1].userText)]))
        #expect(trace.answer == "4")
    }

    @Test(arguments: [
        ("steps: []\nname: x", "m.yaml:1: field \"steps\": must be a non-empty list of steps"),
        ("name: x\nsteps:\n  - name: a\n    prompt: hi\n    max_token: 3", "m.yaml:5: field \"steps[0].max_token\": unknown key; expected one of for_each, max_items, max_tokens, name, prompt, stop, system, temperature"),
        ("name: x\nsteps:\n  - name: a", "m.yaml:3: field \"steps[0].prompt\": missing"),
        ("name: x\nsteps:\n  - name: a\n    prompt: \"{steps.b}\"", "m.yaml:4: field \"steps[0].prompt\": {steps.b} does not name an earlier step"),
        ("name: x\nsteps:\n  - name: a\n    prompt: \"{inptu}\"", "m.yaml:4: field \"steps[0].prompt\": unknown variable {inptu}; known: {exemplars} {format} {input} {options} {question} {response_a} {response_b}, {steps.NAME}, {fields.NAME}, {item}"),
        ("name: x\nsteps:\n  - name: a\n    prompt: hi\n    temperature: hot", "m.yaml:5: field \"steps[0].temperature\": must be a number ≥ 0"),
        ("name: x\nsteps:\n  - name: a\n    prompt: hi\n    for_each: z", "m.yaml:5: field \"steps[0].for_each\": \"z\" is not an earlier step"),
        ("name: x\nsteps:\n  - name: a\n    prompt: hi\n  - name: a\n    prompt: hi", "m.yaml:5: field \"steps[1].name\": duplicate step name \"a\""),
        ("name: [x\n", "m.yaml:2: field \"(document)\""),
        ("- a\n- b\n", "m.yaml:1: field \"(document)\": must be a mapping with name and steps"),
    ])
    func malformedMethodsNameFileAndField(yaml: String, expected: String) {
        let message = errorText { try MethodYAML.parse(yaml, file: "m.yaml") }
        #expect(message?.hasPrefix(expected) == true, "\(message ?? "no error")")
    }

    @Test func methodsDirectoryOverridesBuiltinsAndExportsThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-methods-\(UUID().uuidString)").path
        let paths = try MethodLibrary.exportBuiltins(to: dir)
        #expect(paths.count == BuiltinMethods.yaml.count)
        try "name: cot\nsteps:\n  - name: only\n    prompt: \"Think: {input}\"\n".write(toFile: dir + "/cot.yaml", atomically: true, encoding: .utf8)
        try "name: mine\nsteps:\n  - name: s\n    prompt: \"{input}\"\n".write(toFile: dir + "/mine.yml", atomically: true, encoding: .utf8)
        let lib = try MethodLibrary(directory: dir)
        #expect(try lib.method(named: "cot").steps.map(\.name) == ["only"])
        #expect(try lib.method(named: "mine").name == "mine")
        #expect(try lib.method(named: "rar2") == library.method(named: "rar2"))
        #expect(errorText { try lib.method(named: "nope") }?.hasPrefix("unknown method \"nope\"") == true)
    }

    @Test func listItemsAreSplitFromNumberedAndBulletedLists() {
        #expect(ListItems.split("Plan:\n1. Accuracy: right?\n2) Depth\n- **Style**\nDone.", limit: 5) == ["Accuracy: right?", "Depth", "Style"])
        #expect(ListItems.split("just one line", limit: 5) == ["just one line"])
        #expect(ListItems.split("1. a\n2. b\n3. c", limit: 2) == ["a", "b"])
    }

    @Test func missingTaskVariablesAreReportedAtRunTime() async throws {
        let method = try MethodYAML.parse("name: x\nsteps:\n  - name: s\n    prompt: \"{response_a}\"\n", file: "x")
        let model = ScriptedModel { _, _ in "" }
        await #expect(throws: MethodError.missingVariable(method: "x", step: "s", name: "response_a")) {
            try await MethodRunner(method: method, task: GSM8KTask()).run(model: model, example: TaskExample(id: "g", text: "q"), parameters: SamplingParameters())
        }
    }

    @Test func theProgramMethodsAnswerIsWhatTheProgramReturnsInTheSandbox() async throws {
        let method = try library.method(named: "program")
        #expect(method.answerFrom == .program)
        let task = CoinFlipTask()
        let example = CoinFlipTask.generate(count: 1, seed: 4)[0]
        let replies = [
            // Says "yes" in prose but returns "no": the executed value wins.
            "Sure, the answer is yes.\n```python\ndef solution():\n    heads_up = not True\n    return 'yes' if heads_up else 'no'\n```",
            "```python\ndef solution():\n    return 1 / 0\n```",  // raises: no answer
            "The answer is yes.",  // no program: no answer
        ]
        let model = ScriptedModel { _, i in replies[i] }
        let traces = try await MethodRunner(method: method, task: task).samples(
            model: model, example: example, parameters: SamplingParameters(temperature: 0.7), count: 3)
        #expect(traces.map(\.answer) == ["no", nil, nil])
        // A text method reads the same first reply as "yes".
        let text = MethodRunner(method: try library.method(named: "cot"), task: task)
        #expect(text.answer(from: replies[0], for: example) == "yes")
    }

    @Test func answerFromIsReadFromYAMLAndAnUnknownSourceNamesTheField() throws {
        let yaml = "name: p\nanswer_from: program\nsteps:\n  - name: a\n    prompt: \"{input}\"\n"
        #expect(try MethodYAML.parse(yaml, file: "p.yaml").answerFrom == .program)
        // Without the key the method is a text method, and hashes as it did before the key existed.
        #expect(try MethodYAML.parse("name: p\nsteps:\n  - name: a\n    prompt: \"{input}\"\n", file: "p.yaml").answerFrom == nil)
        #expect(throws: MethodError.self) { try MethodYAML.parse(yaml.replacingOccurrences(of: ": program", with: ": code"), file: "p.yaml") }
        do {
            _ = try MethodYAML.parse(yaml.replacingOccurrences(of: ": program", with: ": code"), file: "p.yaml")
        } catch {
            #expect("\(error)".contains("answer_from"))
        }
    }

    @Test func teachingAProgramMethodUsesTheGoldProgramsInACodeBlock() throws {
        let examples = CoinFlipTask.generate(count: 3, seed: 5)
        let records = try TeachData.records(task: CoinFlipTask(), method: try library.method(named: "program"), examples: examples)
        #expect(records.count == 3)
        for (record, example) in zip(records, examples) {
            let reply = try #require(record.messages.last?.content)
            #expect(reply == "```python\n\(example.rationale!.program!)\n```")
            // The gold program, run as the method runs it, gives the gold answer.
            #expect(MethodRunner(method: try library.method(named: "program"), task: CoinFlipTask()).answer(from: reply, for: example) == example.answer)
        }
        let cot = try TeachData.records(task: CoinFlipTask(), method: try library.method(named: "cot"), examples: examples)
        #expect(cot.first?.messages.last?.content == examples[0].rationale?.chainOfThought)
    }

    /// Multi-step methods are taught on the step that answers: rar2's answer step (the rewritten
    /// question standing as the input itself), s2a's answer step; never the rephrasing or
    /// rewriting step, which must not learn to reason.
    @Test(arguments: ["rar2", "s2a"])
    func multiStepMethodsAreTaughtOnTheirAnsweringStep(name: String) throws {
        let method = try library.method(named: name)
        let examples = LastLetterTask.generate(count: 2, seed: 5)
        let records = try TeachData.records(task: LastLetterTask(), method: method, examples: examples)
        #expect(records.count == 2 && TeachData.taughtStep(of: method)?.name == "answer")
        for (record, example) in zip(records, examples) {
            let prompt = try #require(record.messages.first?.content)
            #expect(prompt.contains("Answer the"), "\(prompt)")
            #expect(!prompt.contains("Rewrite"), "the rewriting step is not what is taught: \(prompt)")
            #expect(!prompt.contains("{steps."))
            #expect(prompt.contains(LastLetterTask().prompt(for: example)))
            #expect(record.messages.last?.content == example.rationale?.chainOfThought)
        }
    }
}
