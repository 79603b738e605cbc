import Foundation
import ModelFiles
import Testing
import TestSupport

/// The embedded models as read by our GGUF reader agree with their gguf_facts.json (SmolLM2:
/// Q4_1, Q8_0; Gemma 3: Q5_0, Q4_K, Q6_K, Q8_0, F32).
@Suite struct GGUFModelFactsTests {
    @Test(arguments: ["smollm2-135m-instruct", "gemma3-270m"])
    func headerTensorsAndWeightsMatchTheReferenceFacts(folder: String) async throws {
        let facts = try TestFiles.referenceJSON("\(folder)/gguf_facts.json")
        let isGemma = folder.hasPrefix("gemma")
        let file = try GGUFFile(path: isGemma ? try TestFiles.gemma3() : try TestFiles.smolLM2())
        #expect(file.file.count == facts["size_bytes"] as? Int)
        #expect(file.tensors.count == facts["tensor_count"] as? Int)
        #expect(try file.string("general.architecture") == (isGemma ? "gemma3" : "llama"))

        let tensors = try #require(facts["tensors"] as? [String: [String: Any]])
        for (name, fact) in tensors {
            let tensor = try file.requireTensor(name)
            #expect(tensor.type.description == fact["type"] as? String, "\(name) type")
            #expect(tensor.dimensions == fact["gguf_shape"] as? [Int], "\(name) shape")
            // Gemma's token_embd alone is 671 MB of floats: decoded under `withMemoryHeavyWork`.
            let values = try await onOwnThread { withMemoryHeavyWork { Result { try file.floats(of: tensor) } } }.get()
            let first16 = try #require(fact["first16"] as? [Double])
            for (index, want) in first16.enumerated() {
                #expect(abs(Double(values[index]) - want) <= 1e-6, "\(name)[\(index)]")
            }
            if let row1 = fact["row1_first8"] as? [Double] {
                for (index, want) in row1.enumerated() {
                    #expect(abs(Double(values[tensor.rowLength + index]) - want) <= 1e-6, "\(name) row 1 [\(index)]")
                }
            }
            let sum = values.reduce(0.0) { $0 + Double($1) }
            let absSum = values.reduce(0.0) { $0 + abs(Double($1)) }
            let wantSum = try #require(fact["sum"] as? Double)
            let wantAbsSum = try #require(fact["abs_sum"] as? Double)
            #expect(abs(sum - wantSum) <= 1e-6 * max(1, abs(wantAbsSum)), "\(name) sum \(sum) vs \(wantSum)")
            #expect(abs(absSum - wantAbsSum) <= 1e-6 * wantAbsSum, "\(name) abs sum")
        }
    }
}
