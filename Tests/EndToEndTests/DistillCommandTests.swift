import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill` as a user runs it: the built executable on a few examples with the embedded
/// model, SIGKILLed after its first stage, then run again: it must skip the finished stage and
/// finish every other one, writing eval.json, report.md and report.html.
@Suite struct DistillCommandTests {
    static let tinyRun = [
        "distill", "--task", "coin-flip", "--teach", "4", "--inputs", "3", "--samples", "2", "--min-agreement", "0.5",
        "--test", "3", "--max-tokens", "24", "--teach-epochs", "1", "--distill-epochs", "1", "--batch", "4", "--max-flips", "2",
    ]

    @Test(.timeLimit(.minutes(3)))
    func distillRunsEveryStageAndResumesAfterAKill() throws {
        _ = try TestFiles.smolLM2()
        let out = try TestFiles.temporaryDirectory("s2d-distill")
        defer { try? FileManager.default.removeItem(at: out) }
        let s2d = try TestFiles.s2dExecutable()

        // First run: kill it as soon as the teach stage has finished and curation has begun.
        let first = Process()
        first.executableURL = s2d
        first.arguments = Self.tinyRun + ["--out", out.path]
        let errors = Pipe()
        first.standardError = errors
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        var log = ""
        while !log.contains("curate:") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        try #require(log.contains("curate:"), "the first run ended before curating: \(log)")
        #expect(first.terminationReason == .uncaughtSignal)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/taught/adapter_model.safetensors").path))

        // Second run: resumes, skipping teach.
        let second = Process()
        second.executableURL = s2d
        second.arguments = Self.tinyRun + ["--out", out.path]
        let errors2 = Pipe(), output2 = Pipe()
        second.standardError = errors2
        second.standardOutput = output2
        try second.run()
        let log2 = String(decoding: errors2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: output2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "second run failed: \(log2)")
        #expect(log2.contains("teach: already done, skipped"))
        #expect(!log2.contains("teach: 4 gold"))
        #expect(printed.contains("| Distilled System 1 |"))
        for file in ["eval.json", "report.md", "report.html", "distill.jsonl", "adapters/distilled/adapter_model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        // Generate + curate ran as the pipeline's own stages in the curation/ sub-run, whose
        // exports are the ones training used.
        for file in ["curation/run.json", "curation/stats.json", "curation/distill.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(try Data(contentsOf: out.appendingPathComponent("curation/distill.jsonl")) == Data(contentsOf: out.appendingPathComponent("distill.jsonl")))
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: out.appendingPathComponent("eval.json")))
        #expect(report.eval?.systems.count == 4)
        #expect(report.eval?.agreementRouter?.isEmpty == false)
        #expect(report.eval?.systems.allSatisfy { $0.accuracy.total == 3 } == true)

        // Third run: everything is done; nothing runs again.
        let third = Process()
        third.executableURL = s2d
        third.arguments = Self.tinyRun + ["--out", out.path]
        let errors3 = Pipe()
        third.standardError = errors3
        third.standardOutput = FileHandle.nullDevice
        try third.run()
        let log3 = String(decoding: errors3.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)
        for stage in ["teach", "curate", "train", "eval"] { #expect(log3.contains("\(stage): already done, skipped")) }
    }
}
