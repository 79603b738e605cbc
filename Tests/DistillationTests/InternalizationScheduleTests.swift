import Distillation
import Foundation
import Inference
import Testing

/// Stepwise internalization's targets: reasoning steps, removal per stage, removal smoothing.
@Suite struct InternalizationScheduleTests {
    let coinFlipRationale = "The coin starts heads up. Ana flips the coin, so it is now tails up. Bob does not flip the coin, "
        + "so it stays tails up. The coin is tails up, so the answer is no."

    @Test func proseIsCutIntoSentences() {
        let steps = ReasoningSteps(coinFlipRationale, unit: .sentence)
        #expect(steps.steps == [
            "The coin starts heads up.", "Ana flips the coin, so it is now tails up.", "Bob does not flip the coin, so it stays tails up.",
            "The coin is tails up, so the answer is no.",
        ])
        // Decimals, quotes after the dot, several terminators and line breaks.
        let mixed = ReasoningSteps("It costs 3.5 dollars. The last letter of \"Elon\" is \"n\". Really?! Yes\nNext line", unit: .sentence)
        #expect(mixed.steps == ["It costs 3.5 dollars.", "The last letter of \"Elon\" is \"n\".", "Really?!", "Yes", "Next line"])
        #expect(ReasoningSteps("  \n ", unit: .sentence).count == 0)
        #expect(ReasoningSteps("No terminator at all", unit: .sentence).steps == ["No terminator at all"])
    }

    @Test func programsAreCutIntoNonBlankLinesKeepingIndentation() {
        let program = "def solution():\n    heads_up = True\n\n    # Ana flips\n    heads_up = not heads_up\n    return \"no\"\n"
        let steps = ReasoningSteps(program, unit: .line)
        #expect(steps.count == 5)
        #expect(steps.removingFirst(2) == "    # Ana flips\n    heads_up = not heads_up\n    return \"no\"")
        // A program method's output is cut into the lines of the program in it, fences dropped.
        let output = "Here is the code:\n```python\n" + program + "```\nDone."
        let method = try! MethodLibrary.builtin.method(named: "program")
        #expect(ReasoningSteps(rationaleOf: output, method: method).count == 5)
        #expect(ReasoningSteps(rationaleOf: coinFlipRationale, method: try! MethodLibrary.builtin.method(named: "cot")).unit == .sentence)
    }

    @Test func removingStepsLeavesTheRestOfTheTextAsWritten() {
        let steps = ReasoningSteps(coinFlipRationale, unit: .sentence)
        #expect(steps.removingFirst(0) == coinFlipRationale)
        for k in 0..<steps.count {
            let rest = steps.removingFirst(k)
            #expect(coinFlipRationale.hasSuffix(rest))
            #expect(ReasoningSteps(rest, unit: .sentence).steps == Array(steps.steps.dropFirst(k)))
        }
        #expect(steps.removingFirst(steps.count).isEmpty)
        #expect(steps.removingFirst(steps.count + 3).isEmpty)
    }

    /// Once at most the last step (the one that states the answer) would be left, the target is
    /// the answer alone, as in the calibration's schedule.
    @Test func stageKRemovesKStepsPlusItsOffsetAndTheLastStageIsTheAnswerAlone() {
        let schedule = InternalizationSchedule(stages: 4, stepsPerStage: 1, epochsPerStage: 1, smoothing: RemovalSmoothing(lambda: 1))
        let steps = ReasoningSteps(coinFlipRationale, unit: .sentence)
        #expect((0..<4).map { schedule.stepsRemoved(atStage: $0) } == [0, 1, 2, nil])
        var offsets = 0
        for i in 0..<200 {
            let id = "input-\(i)"
            for k in 0..<3 {
                let target = schedule.target(stage: k, rationale: steps, answer: "No", exampleID: id, seed: 5)
                let offset = schedule.offset(stage: k, exampleID: id, seed: 5)
                #expect(target.offset == offset)
                offsets += offset > 0 ? 1 : 0
                if k + offset < steps.count - 1 {
                    #expect(target.stepsRemoved == k + offset)
                    #expect(!target.answerOnly)
                    #expect(target.text == steps.removingFirst(k + offset))
                } else {
                    #expect(target == InternalizationTarget(text: "No", stepsRemoved: steps.count, offset: offset, answerOnly: true))
                }
            }
            #expect(schedule.target(stage: 3, rationale: steps, answer: "No", exampleID: id, seed: 5)
                == InternalizationTarget(text: "No", stepsRemoved: steps.count, offset: 0, answerOnly: true))
        }
        #expect(offsets > 0)  // with λ = 1 about 37% of draws are offsets
        // Two steps per stage.
        let wider = InternalizationSchedule(stages: 3, stepsPerStage: 2, smoothing: RemovalSmoothing(lambda: 50))
        #expect(wider.target(stage: 1, rationale: steps, answer: "No", exampleID: "x", seed: 0).text == steps.removingFirst(2))
    }

    @Test func offsetsAreDeterministicUnderTheSeedAndFollowTheExponentialLaw() {
        let schedule = InternalizationSchedule(smoothing: RemovalSmoothing(lambda: 1))
        let ids = (0..<20_000).map { "x\($0)" }
        let draws = ids.map { schedule.offset(stage: 0, exampleID: $0, seed: 1) }
        #expect(draws == ids.map { schedule.offset(stage: 0, exampleID: $0, seed: 1) })
        #expect(draws != ids.map { schedule.offset(stage: 0, exampleID: $0, seed: 2) })
        #expect(draws != ids.map { schedule.offset(stage: 1, exampleID: $0, seed: 1) })
        // P(o = k) = (1 − e^−λ) e^−λk: 0.632, 0.233, 0.086 for λ = 1 (±0.015 is over 4 standard errors).
        for k in 0..<3 {
            let share = Double(draws.filter { $0 == k }.count) / Double(draws.count)
            #expect(abs(share - schedule.smoothing.probability(ofOffset: k)) < 0.015, "offset \(k): \(share)")
        }
        // The paper's λ = 4: about 98% of examples get no offset.
        let paper = InternalizationSchedule()
        let zero = Double(ids.filter { paper.offset(stage: 0, exampleID: $0, seed: 1) == 0 }.count) / Double(ids.count)
        #expect(abs(zero - (1 - exp(-4.0))) < 0.005)
    }

    @Test func eachStageTrainsTheSystem1PromptOnItsTarget() throws {
        let system1 = [ChatMessage.user("A coin is heads up. Ana flips the coin. Bob does not flip the coin. Is the coin still heads up?"), .assistant("No")]
        let curated = [
            CuratedRationale(index: 0, id: "a", sampleIndex: 1, messages: system1, rationale: coinFlipRationale),
            CuratedRationale(index: 2, id: "b", sampleIndex: 0, messages: system1, rationale: "It is tails up, so no."),
        ]
        let schedule = InternalizationSchedule(stages: 2, smoothing: RemovalSmoothing(lambda: 50))
        let cot = try MethodLibrary.builtin.method(named: "cot")
        let first = schedule.examples(stage: 0, rationales: curated, method: cot, seed: 0)
        #expect(first.map(\.id) == ["a", "b"])
        // b's rationale is one step, the one that states the answer: the answer alone from the start.
        #expect(first.map(\.record.messages) == [[system1[0], .assistant(coinFlipRationale)], system1])
        let last = schedule.examples(stage: 1, rationales: curated, method: cot, seed: 0)
        #expect(last.allSatisfy { $0.record.messages == system1 && $0.target.answerOnly })
    }

    @Test func impossibleSchedulesAreRefusedNamingTheFlag() {
        #expect(throws: PipelineError.self) { try InternalizationSchedule(stages: 1).validate() }
        do {
            try InternalizationSchedule(stages: 3, stepsPerStage: 0).validate()
            Issue.record("0 steps per stage was accepted")
        } catch {
            #expect("\(error)".hasPrefix("--steps-per-stage:"))
        }
        #expect(throws: PipelineError.self) { try InternalizationSchedule(epochsPerStage: 0).validate() }
        #expect(throws: PipelineError.self) { try InternalizationSchedule(finalStageEpochs: 0).validate() }
        #expect(throws: PipelineError.self) { try InternalizationSchedule(smoothing: RemovalSmoothing(lambda: 0)).validate() }
        #expect(throws: PipelineError.self) { try InternalizationSchedule(stepsPerStage: Int.max).validate() }
        #expect(throws: PipelineError.self) { try InternalizationSchedule(stages: Int.max).validate() }
        // A tiny λ gives huge offsets, capped rather than trapping.
        #expect(RemovalSmoothing(lambda: 1e-300).offset(seed: 1) == RemovalSmoothing.maximumOffset)
        #expect(throws: Never.self) { try InternalizationSchedule().validate() }
    }

    /// Without a stage count, every step of the longest rationale gets a stage of its own before
    /// the answer-only stage, which trains its own epochs.
    @Test func anUnsetStageCountIsResolvedFromTheLongestRationale() throws {
        let system1 = [ChatMessage.user("Q"), .assistant("No")]
        let curated = [
            CuratedRationale(index: 0, id: "a", sampleIndex: 0, messages: system1, rationale: coinFlipRationale),
            CuratedRationale(index: 1, id: "b", sampleIndex: 0, messages: system1, rationale: "It is tails up, so no."),
        ]
        let cot = try MethodLibrary.builtin.method(named: "cot")
        let auto = InternalizationSchedule(epochsPerStage: 1, finalStageEpochs: 3)
        #expect(auto.stages == nil)
        let resolved = auto.resolved(for: curated, method: cot)
        #expect(resolved.stageCount == 5)  // 4 steps, then the answer
        #expect((0..<5).map { resolved.stepsRemoved(atStage: $0) } == [0, 1, 2, 3, nil])
        #expect((0..<5).map { resolved.epochs(atStage: $0) } == [1, 1, 1, 1, 3])
        #expect(InternalizationSchedule(stepsPerStage: 3).resolved(forLongest: 4).stageCount == 3)
        #expect(InternalizationSchedule(stages: 9).resolved(forLongest: 4).stageCount == 9)
        #expect(auto.resolved(forLongest: 0).stageCount == 2)
        // The schedule's name for curve points changes with any setting.
        #expect(auto.signature != InternalizationSchedule(epochsPerStage: 1, finalStageEpochs: 2).signature)
        #expect(auto.signature != resolved.signature && auto.signature == InternalizationSchedule(epochsPerStage: 1, finalStageEpochs: 3).signature)
    }

    /// A schedule saved in config.json before the final stage had its own epochs trains it like the others.
    @Test func aScheduleSavedWithoutFinalStageEpochsKeepsItsOldMeaning() throws {
        let old = #"{"stages":4,"stepsPerStage":1,"epochsPerStage":3,"smoothing":{"lambda":4}}"#
        let schedule = try JSONDecoder().decode(InternalizationSchedule.self, from: Data(old.utf8))
        #expect(schedule == InternalizationSchedule(stages: 4, stepsPerStage: 1, epochsPerStage: 3, finalStageEpochs: 3))
        let new = try JSONDecoder().decode(InternalizationSchedule.self, from: JSONEncoder().encode(InternalizationSchedule()))
        #expect(new == InternalizationSchedule() && new.stages == nil)
    }
}
