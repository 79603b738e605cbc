import Distillation
import Testing

struct SelfConsistencyTests {
    let fiveOfEight = ConsistencyPolicy(samples: 8, minAgreement: 0.625)

    @Test func requiredVotesRoundUp() {
        #expect(fiveOfEight.requiredVotes == 5)
        #expect(ConsistencyPolicy(samples: 8, minAgreement: 0.6).requiredVotes == 5)
        #expect(ConsistencyPolicy(samples: 3, minAgreement: 0.5).requiredVotes == 2)
        #expect(ConsistencyPolicy(samples: 4, minAgreement: 0).requiredVotes == 1)
    }

    @Test func exactlyAtThresholdIsAccepted() {
        let d = SelfConsistency.vote(["a", "a", "a", "a", "a", "b", "b", nil], policy: fiveOfEight)
        #expect(d.answer == "a")
        #expect(d.votes.entries == [.init(answer: "a", votes: 5), .init(answer: "b", votes: 2)])
        #expect(d.votes.unparseable == 1)
        #expect(d.votes.total == 8)
    }

    @Test func oneBelowThresholdIsRejected() {
        let d = SelfConsistency.vote(["a", "a", "a", "a", "b", "b", "c", nil], policy: fiveOfEight)
        #expect(d.rejection == .belowThreshold(top: "a", votes: 4, required: 5))
    }

    @Test func tiesAreRejectedEvenAboveThreshold() {
        let d = SelfConsistency.vote(["a", "b", "a", "b"], policy: ConsistencyPolicy(samples: 4, minAgreement: 0.5))
        #expect(d.rejection == .tie(answers: ["a", "b"], votes: 2))
    }

    @Test func allDifferentAndAllUnparseable() {
        let diff = SelfConsistency.vote(["a", "b", "c", "d"], policy: ConsistencyPolicy(samples: 4, minAgreement: 0.25))
        #expect(diff.rejection == .tie(answers: ["a", "b", "c", "d"], votes: 1))
        let none = SelfConsistency.vote([nil, nil, nil], policy: ConsistencyPolicy(samples: 3, minAgreement: 0.5))
        #expect(none.rejection == .noAnswer)
        #expect(none.votes.unparseable == 3)
    }

    @Test func unparseableSamplesCountTowardN() {
        // 5 of 8 needed: five "a" among eight is enough; four "a" plus four unparseable is not.
        #expect(SelfConsistency.vote(["a", "a", "a", "a", nil, nil, nil, nil], policy: fiveOfEight).rejection
            == .belowThreshold(top: "a", votes: 4, required: 5))
    }

    @Test func votesUseTheTaskCanonicalForm() {
        let d = SelfConsistency.vote(["18", "18.0", "$18", "19"], task: GSM8KTask(), policy: ConsistencyPolicy(samples: 4, minAgreement: 0.75))
        #expect(d.answer == "18")
    }

    /// Every sequence of N ≤ 6 answers over {a, b, c, none} and several thresholds: adaptive
    /// stopping reaches the full vote's decision, and saves samples only when it stops early.
    @Test func adaptiveStoppingAlwaysMatchesTheFullVote() {
        let alphabet: [String?] = ["a", "b", "c", nil]
        var saved = 0
        var cases = 0
        var mismatches: [String] = []
        for n in 1...6 {
            for fraction in [0.0, 0.34, 0.5, 0.6, 0.625, 0.75, 1.0] {
                let policy = ConsistencyPolicy(samples: n, minAgreement: fraction)
                var total = 1
                for _ in 0..<n { total *= alphabet.count }
                for code in 0..<total {
                    var c = code
                    var seq: [String?] = []
                    for _ in 0..<n { seq.append(alphabet[c % alphabet.count]); c /= alphabet.count }
                    let full = SelfConsistency.vote(seq, policy: policy)
                    var adaptive = AdaptiveVote(policy: policy)
                    var decided: CurationDecision? = nil
                    var used = 0
                    for a in seq where decided == nil {
                        decided = adaptive.add(a)
                        used += 1
                    }
                    if decided == nil || decided?.answer != full.answer || adaptive.samplesSaved != n - used {
                        mismatches.append("\(seq) at \(fraction)")
                    }
                    saved += adaptive.samplesSaved
                    cases += 1
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(saved > cases / 4)  // it does stop early in many cases
    }

    @Test func adaptiveVoteStopsAsSoonAsTheOutcomeIsFixed() async {
        // 5 of 8: five "a" in a row fix acceptance (the rest cannot overtake).
        let accept = await AdaptiveVote.run(policy: fiveOfEight) { _ in "a" }
        #expect(accept.decision.answer == "a")
        #expect(accept.samplesDrawn == 5)
        // Five different answers: with three samples left no answer can reach five of eight
        // (after four, "a" could still get all four remaining votes).
        let answers = ["a", "b", "c", "d", "e", "f", "g", "h"]
        let reject = await AdaptiveVote.run(policy: fiveOfEight) { answers[$0] }
        #expect(reject.decision.rejection == .thresholdUnreachable(samplesDrawn: 5, required: 5))
        #expect(reject.samplesDrawn == 5)
    }

    @Test func chunkedAdaptiveVoteDecidesLikeTheFullVote() async {
        let answers: [String?] = ["a", "b", "a", "a", nil, "a", "a", "c"]
        var asked: [Range<Int>] = []
        let r = await AdaptiveVote.run(policy: fiveOfEight, chunk: 3) { range in
            asked.append(range)
            return Array(answers[range])
        }
        #expect(r.decision.answer == SelfConsistency.vote(answers, policy: fiveOfEight).answer)
        // The first call draws the 5 votes an acceptance needs, then chunks of 3; "a" reaches 5
        // at sample 7, so the whole vote is needed.
        #expect(asked == [0..<5, 5..<8])
        #expect(r.samplesDrawn == 8)
        let quick = await AdaptiveVote.run(policy: fiveOfEight, chunk: 4) { range in Array(repeating: "x", count: range.count) }
        #expect(quick.samplesDrawn == 5)  // decided by the first call
        #expect(quick.decision.answer == "x")
        let wide = await AdaptiveVote.run(policy: fiveOfEight, chunk: 6) { range in Array(repeating: "x", count: range.count) }
        #expect(wide.samplesDrawn == 6)  // a chunk larger than the votes needed is drawn whole
    }

    @Test func perturbationConsistencyMapsVerdictsBack() {
        let task = PairwiseJudgeTask()
        let ex = TaskExample(id: "p", text: "q", responses: ["x", "y"])
        let swap = Perturbation.swappedResponses(of: ex)!
        // The judge prefers A, and after the swap prefers B: the same response both times.
        let ok = PerturbationConsistency.check(original: "A", perturbed: [(swap, "B")], task: task)
        #expect(ok.answer == "A")
        // Position bias: it says A both times.
        let biased = PerturbationConsistency.check(original: "A", perturbed: [(swap, "A")], task: task)
        #expect(biased.rejection == .perturbationDisagreement(perturbation: "swap-responses", original: "A", perturbed: "B"))
        let unread = PerturbationConsistency.check(original: "tie", perturbed: [(swap, nil)], task: task)
        #expect(unread.rejection == .perturbationDisagreement(perturbation: "swap-responses", original: "tie", perturbed: nil))
        #expect(PerturbationConsistency.check(original: "tie", perturbed: [(swap, "tie")], task: task).answer == "tie")
    }

    @Test func perturbationConsistencyFollowsShuffledOptions() {
        let task = BiasedQATask()
        let ex = TaskExample(id: "q", text: "Capital?", options: ["London", "Paris", "Rome"], answer: "B")
        let p = Perturbation.shuffledOptions(of: ex, seed: 4)!
        let paris = p.example.answer!
        #expect(PerturbationConsistency.check(original: "B", perturbed: [(p, paris)], task: task).isAccepted)
        let other = ["A", "B", "C"].first { $0 != paris }!
        #expect(!PerturbationConsistency.check(original: "B", perturbed: [(p, other)], task: task).isAccepted)
        let rejectedVote = SelfConsistency.vote(["A", "B"], policy: ConsistencyPolicy(samples: 2, minAgreement: 1))
        #expect(PerturbationConsistency.check(vote: rejectedVote, perturbed: [(p, paris)], task: task) == rejectedVote)
    }
}
