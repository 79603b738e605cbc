import Foundation
import Inference
import Testing
import TestSupport

/// One binary, every CPU: `S2D_CPU` chooses the kernel variant at run time, every variant the
/// CPU supports gives the same greedy answer, and AVX-512 code stays inside its variant.
@Suite struct KernelPathCommandTests {
    static let prompt = ["generate", "--chat", "--prompt", "Name a color.", "--temperature", "0", "--max-tokens", "8", "--json"]

    @Test func everySupportedKernelPathGivesTheSameGreedyTokens() async throws {
        var texts: [String: String] = [:]
        for path in KernelPath.supported {
            let result = try await S2DProcess.run(Self.prompt, environment: ["S2D_CPU": path.rawValue])
            #expect(result.status == 0, "\(path): \(result.stderr)")
            let samples = try #require(try result.json()["samples"] as? [[String: Any]])
            texts[path.rawValue] = samples.first?["text"] as? String
        }
        #expect(Set(texts.values).count == 1, "greedy text per kernel path: \(texts)")
        #expect(texts.count == KernelPath.supported.count)
    }

    @Test func anUnknownKernelPathIsAnErrorNamingTheVariable() async throws {
        let result = try await S2DProcess.run(Self.prompt, environment: ["S2D_CPU": "sse9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("S2D_CPU"), "\(result.stderr)")
        #expect(result.stderr.contains("portable"), "the error lists the supported paths: \(result.stderr)")
    }

    @Test(.enabled(if: KernelPathCommandTests.hasBinutils, "needs objdump and nm (binutils)"))
    func avx512InstructionsOccurOnlyInsideTheAVX512Variants() throws {
        let (status, output) = try TestFiles.runScript(
            "check-portable-binary.sh", arguments: [try TestFiles.s2dExecutable().path], includingStandardError: true)
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 elsewhere"), "\(output)")
    }

    static var hasBinutils: Bool {
        ["/usr/bin/objdump", "/usr/bin/nm"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
