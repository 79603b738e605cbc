import Foundation
import Kernels
import Testing
import TestSupport
import Transformer

/// The forward pass agrees with HF transformers' float32 forward (logits.json).
@Suite struct ReferenceLogitsTests {
    @Test func float32LogitsMatchTheReferenceAtEveryPosition() throws {
        try check(.float32, path: .active)
    }

    /// The int8 kernels on every variant this CPU can run (AVX-512, AVX2, portable).
    @Test(arguments: KernelPath.supported)
    func quantizedLogitsMatchTheReferenceAtEveryPosition(path: KernelPath) throws {
        try check(.quantized, path: path)
    }

    func check(_ precision: Precision, path: KernelPath) throws {
        let model = try SharedModels.model(precision)
        let tolerance: Float = precision == .float32 ? 1e-2 : 0.5
        for (index, reference) in try LogitsCase.all().enumerated() {
            let logits = prefill(model, reference.ids, kernelPath: path)
            #expect(logits.rowCount == reference.ids.count)
            for position in reference.ids.indices {
                let row = logits.row(position)
                #expect(argmax(row) == reference.argmax[position], "case \(index) position \(position)")
                #expect(abs(Double(row.max()!) - reference.maximum[position]) <= Double(tolerance), "case \(index) position \(position) max")
            }
            let last = Array(logits.row(reference.ids.count - 1))
            let worst = zip(last, reference.lastLogits).map { abs($0 - $1) }.max()!
            print("\(precision) \(path) case \(index): max |Δ| over the last position \(worst)")
            #expect(worst <= tolerance, "case \(index): max |Δ| \(worst) over the last-position logits")
        }
    }
}
