import Distillation
import Foundation
import Inference
import TestSupport
import Testing

/// A real crash: the s2d-store-stress executable writes requests through a CachingLanguageModel
/// as fast as it can and is SIGKILLed mid-stream; the store must reopen sound, hold everything
/// the child reported committed, and answer it again with no model call.
@Suite struct RunStoreKillSafetyTests {
    /// The stress executable, built beside the test binary (the test target depends on it).
    private func stressExecutable() throws -> URL {
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the test binary sits inside an .xctest bundle: climb out of it.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        candidates.append(directory.appendingPathComponent("s2d-store-stress"))
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["release", "debug"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(configuration)/s2d-store-stress"))
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw StressError("s2d-store-stress not found; looked at \(candidates.map(\.path))")
        }
        return found
    }

    /// Starts the stress executable writing (practically) without end into `directory`.
    private func startStress(in directory: URL) throws -> (Process, Pipe) {
        let child = Process()
        child.executableURL = try stressExecutable()
        child.arguments = [directory.path, "1000000"]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        return (child, output)
    }

    struct StressError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// While another process holds a run directory, opening it here is refused, naming that
    /// process; once it is killed (SIGKILL: no clean-up of its own), the directory opens again.
    @Test(.timeLimit(.minutes(5)))
    func aRunDirectoryHeldByAnotherProcessIsRefusedUntilItDies() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (child, output) = try startStress(in: directory)
        // Its first "done" line: it holds the store. Blocking reads and waits run off the
        // cooperative pool, which the other tests of the process share.
        await onOwnThread { _ = output.fileHandleForReading.availableData }
        #expect {
            _ = try RunStore(directory: directory)
        } throws: { error in
            guard case RunStoreError.directoryInUse(_, let holder) = error else { return false }
            return holder == child.processIdentifier && "\(error)".contains(directory.path)
        }
        kill(child.processIdentifier, SIGKILL)
        await onOwnThread { child.waitUntilExit() }
        let store = try RunStore(directory: directory)
        // Within one process the lock is shared: a second store on the directory opens.
        let second = try RunStore(directory: directory)
        #expect(try await store.integrityCheck() == ["ok"] && second.directory == store.directory)
    }

    @Test(.timeLimit(.minutes(5)))
    func storeKilledMidWriteReopensSoundAndServesCommittedWorkWithoutCalls() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (child, output) = try startStress(in: directory)

        // Read progress until a random point past 50 committed requests, then SIGKILL: the child
        // is in the middle of its write loop when it dies.
        let killAfter = Int.random(in: 50...150)
        var text = ""
        var done = 0
        let reading = output.fileHandleForReading
        while done < killAfter {
            let chunk = await onOwnThread { reading.availableData }
            if chunk.isEmpty { break }  // the child died on its own
            text += String(decoding: chunk, as: UTF8.self)
            done = text.split(separator: "\n").count
        }
        kill(child.processIdentifier, SIGKILL)
        await onOwnThread { child.waitUntilExit() }
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)
        text += String(decoding: await onOwnThread { reading.readDataToEndOfFile() }, as: UTF8.self)
        let reported = text.split(separator: "\n").compactMap { line in line.hasPrefix("done ") ? Int(line.dropFirst(5)) : nil }
        try #require(reported.count >= killAfter)
        #expect(reported == Array(0..<reported.count))

        let store = try RunStore(directory: directory)
        #expect(try await store.integrityCheck() == ["ok"])
        // Each request's 4 samples commit in one transaction, its item in the next: at most one
        // request can have samples but no item, and none can have an item without its samples.
        let items = try await store.itemCount(stage: "stress")
        let calls = try await store.callCount()
        #expect(items >= reported.count && items <= reported.count + 1)
        #expect(calls == 4 * items || calls == 4 * items + 4)

        // Everything the child reported is answered from the store, unchanged, with no call.
        let base = CountingModel(tag: "fresh ")
        let model = CachingLanguageModel(wrapping: base, store: store)
        for i in 0..<reported.count {
            let request = GenerationRequest(prompt: .text("item \(i)"), n: 4, parameters: SamplingParameters(seed: UInt64(i) * 10))
            let texts = try await model.generate(request).completions.map(\.text)
            #expect(texts == (0..<4).map { echo("item \(i)", seed: UInt64(i) * 10, index: $0) })
            #expect(try await store.item([String].self, stage: "stress", key: "item-\(i)") == texts)
        }
        #expect(base.requests.isEmpty)
        #expect(model.statistics.modelCalls == 0)

        // Resuming past the kill point calls the model only for what was never committed.
        let resumeTo = reported.count + 3
        for i in 0..<resumeTo {
            let request = GenerationRequest(prompt: .text("item \(i)"), n: 4, parameters: SamplingParameters(seed: UInt64(i) * 10))
            _ = try await model.generate(request)
        }
        #expect(model.statistics.modelCalls == resumeTo - calls / 4)
        #expect(try await store.callCount() == 4 * resumeTo)
    }
}
