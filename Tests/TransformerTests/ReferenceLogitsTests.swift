import Foundation
import Kernels
import Testing
import TestSupport
import Transformer

/// The forward pass agrees with HF transformers' float32 forward (logits.json of each model).
///
/// The forward passes run on a thread of their own (`onOwnThread`), one at a time
/// (`withMemoryHeavyWork`) and single-threaded: seconds of CPU work per case would otherwise
/// hold the cooperative pool or the kernels' worker pool, which on a 2-core machine every test
/// shares, and stall the tests that poll child processes or wait for a server.
@Suite struct ReferenceLogitsTests {
    @Test(arguments: ReferenceModel.allCases)
    func float32LogitsMatchTheReferenceAtEveryPosition(model: ReferenceModel) async throws {
        try await check(model, .float32, path: .active)
    }

    /// The int8 kernels on every variant this CPU can run (AVX-512, AVX2, portable).
    @Test(arguments: ReferenceModel.allCases, KernelPath.supported)
    func quantizedLogitsMatchTheReferenceAtEveryPosition(model: ReferenceModel, path: KernelPath) async throws {
        try await check(model, .quantized, path: path)
    }

    /// How far each path may be from the float32 reference.
    struct Tolerance {
        /// On every logit of the last position, and on each position's largest logit.
        var last: Double, maximum: Double
        /// Where our argmax differs from the reference's, the reference's token must still be
        /// within this of our largest logit (a near-tie flipped by rounding).
        var nearTie: Double

        /// float32 agrees to rounding (Gemma 3: 2e-5, 9e-4 at the 969th position). The int8 path
        /// quantizes activations to 8 bits at every product: SmolLM2 stays within 0.5 with every
        /// argmax equal. Gemma 3's Q5_0, Q4_K and Q6_K weights are repacked exactly, so it stays
        /// within 0.006 on every path with every argmax equal (before they had kernels of their
        /// own they were re-encoded as Q8_0, and the logits drifted by up to 1.06 with argmaxes
        /// flipping at near-ties).
        init(_ model: ReferenceModel, _ precision: Precision) {
            switch (model, precision) {
            case (_, .float32): (last, maximum, nearTie) = (1e-2, 1e-2, 0)
            case (.smolLM2, .quantized): (last, maximum, nearTie) = (0.5, 0.5, 0)
            case (.gemma3, .quantized): (last, maximum, nearTie) = (0.02, 0.02, 0)
            }
        }
    }

    func check(_ reference: ReferenceModel, _ precision: Precision, path: KernelPath) async throws {
        let model = try await onOwnThread { withMemoryHeavyWork { Result { try SharedModels.model(precision, reference) } } }.get()
        let tolerance = Tolerance(reference, precision)
        for (index, expected) in try LogitsCase.all(reference).enumerated() {
            let ids = expected.ids
            // A long prompt (Gemma's 721 tokens, past its 512 window) is checked at every 8th
            // position and its last 16 (the output head over 262,144 tokens at every position
            // is most of its cost), and not on the portable path: ~80 billion multiply-adds there
            // cost ~40 s of CPU, and the window is the model code's, the same on every path (the
            // short prompts check the portable kernels).
            if ids.count > 64 && path == .portable && precision == .quantized { continue }
            let checked = ids.count <= 64 ? Array(ids.indices) : ids.indices.filter { $0 % 8 == 0 || $0 >= ids.count - 16 }
            let wanted = Set(checked)
            let logits = await onOwnThread { withMemoryHeavyWork { prefill(model, ids, kernelPath: path, positions: wanted, threads: 1) } }
            #expect(logits.rowCount == checked.count)
            var worstMaximum = 0.0, mismatches: [Int] = []
            for (row, position) in checked.enumerated() {
                let row = logits.row(row)
                if argmax(row) != expected.argmax[position] {
                    mismatches.append(position)
                    let gap = Double(row.max()! - row[row.startIndex + expected.argmax[position]])
                    #expect(gap <= tolerance.nearTie, "\(reference) case \(index) position \(position): the reference's top token is \(gap) below ours")
                }
                worstMaximum = max(worstMaximum, abs(Double(row.max()!) - expected.maximum[position]))
            }
            #expect(worstMaximum <= tolerance.maximum, "\(reference) case \(index): max logit off by \(worstMaximum)")
            let last = Array(logits.row(checked.count - 1))
            let lastErrors = expected.lastLogits.isEmpty
                ? expected.top20.map { abs(Double(last[$0.0]) - $0.1) }
                : zip(last, expected.lastLogits).map { Double(abs($0 - $1)) }
            let worst = lastErrors.max()!
            print("\(reference) \(precision) \(path) case \(index) (\(expected.ids.count) tokens): max |Δ| of the max logit \(worstMaximum), "
                  + "of the last position \(worst); argmax differs at \(mismatches.count) positions")
            #expect(argmax(last) == expected.top20[0].0, "\(reference) case \(index): last position's top token")
            #expect(worst <= tolerance.last, "\(reference) case \(index): max |Δ| \(worst) over the last-position logits")
        }
    }
}
