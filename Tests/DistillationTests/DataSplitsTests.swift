import Distillation
import Foundation
import TestDoubles
import Testing
import TestSupport

/// `s2d distill --data`: a task's examples from a JSONL file, shuffled by the seed and cut into
/// disjoint teach, unlabeled and test splits (or test from `--test-data`), with errors that name
/// the file when it cannot serve the run. Reads the committed samples in examples/data.
struct DataSplitsTests {
    static func sample(_ name: String) -> String { TestFiles.packageRoot.appendingPathComponent("examples/data/\(name)").path }

    static func configuration(
        task: String = "gsm8k", data: String? = sample("gsm8k.jsonl"), testData: String? = nil, teach: Int = 8, inputs: Int = 20,
        test: Int = 10, seed: UInt64 = 0, custom: CustomTaskSpec? = nil
    ) -> EndToEndConfiguration {
        EndToEndConfiguration(
            task: task, teachExamples: teach, unlabeledInputs: inputs, testItems: test, seed: seed, data: data, testData: testData,
            customTask: custom)
    }

    @Test func theSplitsAreDisjointShuffledBySeedAndCoverTheRequestedSizes() throws {
        let all = try TaskInputs(task: "gsm8k", data: Self.sample("gsm8k.jsonl")).examples
        let splits = try Self.configuration().splits()
        #expect(splits.teach.count == 8 && splits.unlabeled.count == 20 && splits.test.count == 10)
        let ids = (splits.teach + splits.unlabeled + splits.test).map(\.id)
        #expect(Set(ids).count == 38 && Set(ids).isSubset(of: Set(all.map(\.id))))
        #expect(ids != Array(all.prefix(38)).map(\.id), "the file's order is shuffled")
        #expect(try Self.configuration().splits().test.map(\.id) == splits.test.map(\.id), "the same seed, the same cut")
        #expect(try Self.configuration(seed: 1).splits().test.map(\.id) != splits.test.map(\.id))
        #expect(splits.teach.allSatisfy { $0.rationale?.chainOfThought != nil }, "GSM8K solutions are the gold rationales")
        #expect(try Self.configuration().resolvedTask().name == "gsm8k")
    }

    @Test func aTestFileGivesTheTestSplitInFileOrder() throws {
        let test = Self.sample("custom-prime.jsonl")
        let custom = CustomTaskSpec(answerKind: .yesNo)
        let splits = try Self.configuration(task: "custom", data: test, testData: test, teach: 0, inputs: 40, test: 5, custom: custom).splits()
        let file = try TaskInputs(task: "custom", data: test, custom: custom).examples
        #expect(splits.test.map(\.id) == file.prefix(5).map(\.id))
        #expect(splits.unlabeled.count == 40)
    }

    @Test func aFileThatCannotServeTheRunIsAnErrorNamingIt() throws {
        let gsm = Self.sample("gsm8k.jsonl")
        #expect(throws: EndToEndError.self) { try Self.configuration(inputs: 45).splits() }
        do {
            _ = try Self.configuration(inputs: 45).splits()
        } catch {
            #expect("\(error)".contains(gsm) && "\(error)".contains("48 examples"), "\(error)")
        }
        // biased-qa examples carry no chain of thought: teaching needs --teach 0.
        let qa = Self.sample("biased-qa.jsonl")
        do {
            _ = try Self.configuration(task: "biased-qa", data: qa, teach: 4, inputs: 10, test: 10).splits()
            Issue.record("teaching on examples without rationales was accepted")
        } catch {
            #expect("\(error)".contains(qa) && "\(error)".contains("--teach 0"), "\(error)")
        }
        #expect(try Self.configuration(task: "biased-qa", data: qa, teach: 0, inputs: 10, test: 10).splits().test.count == 10)
        do {
            _ = try Self.configuration(data: nil).resolvedTask()
            Issue.record("gsm8k without --data was accepted")
        } catch {
            #expect("\(error)".contains("--data"), "\(error)")
        }
    }

    @Test func theDataFilesHashIsPartOfTheSettings() throws {
        let directory = try TestFiles.temporaryDirectory("s2d-data-hash")
        let copy = directory.appendingPathComponent("gsm8k.jsonl")
        try FileManager.default.copyItem(atPath: Self.sample("gsm8k.jsonl"), toPath: copy.path)
        let before = try Self.configuration(data: copy.path).fingerprintingData()
        #expect(before.dataHash?.count == 64)
        try Data("{\"question\": \"1+1?\", \"answer\": \"1 + 1 = 2.\\n#### 2\"}\n".utf8).write(to: copy, options: .atomic)
        let after = try Self.configuration(data: copy.path).fingerprintingData()
        #expect(after.dataHash != before.dataHash && after != before)
    }
}

/// Unlabeled pairs to distil on, labeled MT-bench judgments to test on (the README's BSM example).
struct UnlabeledPairSplitTests {
    @Test func unlabeledPairsAreTheUnlabeledSplitAndLabeledJudgmentsTheTest() throws {
        let c = EndToEndConfiguration(
            task: "pairwise-judge", method: "bsm-sum", teachExamples: 0, unlabeledInputs: 12, testItems: 16,
            data: DataSplitsTests.sample("pairwise-pairs.jsonl"), testData: DataSplitsTests.sample("pairwise-judge.jsonl"))
        let splits = try c.splits()
        #expect(splits.unlabeled.count == 12 && splits.unlabeled.allSatisfy { $0.answer == nil })
        #expect(splits.test.count == 16 && splits.test.allSatisfy { $0.answer != nil })
    }
}

/// `cot-fewshot` on a task read from a file: its worked examples come from the teach split.
struct DataExemplarTests {
    @Test func aFewShotMethodShowsTeachExamplesNeverTestOnes() throws {
        let directory = try TestFiles.temporaryDirectory("s2d-exemplars")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = EndToEndConfiguration(
            task: "gsm8k", method: "cot-fewshot", teachExamples: 8, unlabeledInputs: 8, testItems: 8,
            data: DataSplitsTests.sample("gsm8k.jsonl"))
        let run = try EndToEndRun(
            directory: directory, configuration: configuration, model: ScriptedModel { _, _ in "" }, fineTuner: RecordingFineTuner())
        let splits = try configuration.splits()
        let shown = run.task.fewShotExemplars.map(\.id)
        #expect(shown.count == TaskWithExemplars.count)
        #expect(Set(shown).isSubset(of: Set(splits.teach.map(\.id))))
        #expect(Set(shown).isDisjoint(with: Set(splits.test.map(\.id))))
        let plain = try EndToEndRun(
            directory: directory.appendingPathComponent("cot"), configuration: EndToEndConfiguration(
                task: "gsm8k", teachExamples: 8, unlabeledInputs: 8, testItems: 8, data: DataSplitsTests.sample("gsm8k.jsonl")),
            model: ScriptedModel { _, _ in "" }, fineTuner: RecordingFineTuner())
        #expect(plain.task.fewShotExemplars.isEmpty, "a method without {exemplars} leaves the task as it is")
    }
}
