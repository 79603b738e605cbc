import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill --teacher`: a separate teacher behind an OpenAI-compatible server (a real
/// `s2d serve` process on 127.0.0.1) answers by System 2; the embedded student is distilled.
/// Killed during evaluation and resumed after the server is gone: the teacher's calls (curation
/// and evaluation) must come from the run's cache, or the resume could not finish.
@Suite struct TeacherDistillCommandTests {
    static func run(teacher: String, _ out: URL) -> [String] {
        [
            "distill", "--task", "coin-flip", "--teacher", teacher, "--inputs", "4", "--samples", "2", "--min-agreement", "0.5",
            "--test", "3", "--max-tokens", "24", "--distill-epochs", "1", "--batch", "4", "--max-flips", "2", "--run", out.path,
        ]
    }

    @Test(.timeLimit(.minutes(8)))
    func aServedTeacherIsDistilledIntoTheStudentAndTheRunResumesWithoutIt() async throws {
        _ = try TestFiles.smolLM2()
        let root = try TestFiles.temporaryDirectory("s2d-teacher")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("run")
        let (server, serverOut, serverErr, url) = try await S2DProcess.startServer()
        let teacher = "openai:\(url)#smollm2-135m"

        let taught = try await S2DProcess.run(Self.run(teacher: teacher, out) + ["--teach", "4"])
        #expect(taught.status != 0 && taught.stderr.contains("--teach"), "a teach count beside --teacher was accepted: \(taught.stderr)")

        // Standalone `s2d eval --teacher`: System 2 on the served teacher, System 1 on the student;
        // every call cached in --out, so the same evaluation runs again once the server is gone.
        let evaluation = ["eval", "--task", "coin-flip", "--method", "cot", "--teacher", teacher, "--test", "2", "--max-tokens", "24",
                          "--max-flips", "2", "--out", root.appendingPathComponent("eval").path]
        let evaluated = try await S2DProcess.run(evaluation)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        for row in ["| Student System 1 |", "| Teacher System 2 (cot) |"] { #expect(evaluated.stdout.contains(row), "\(row) missing: \(evaluated.stdout)") }

        let first = try await S2DProcess.kill(Self.run(teacher: teacher, out), whenStderrContains: "eval: Teacher System 2")
        kill(server.processIdentifier, SIGTERM)
        let stopped = await S2DProcess.finish(server, serverOut, serverErr)
        try #require(first.stderr.contains("eval: Teacher System 2"), "the run ended before evaluating the teacher: \(first.stderr)")
        #expect(first.killed)
        #expect(!first.stderr.contains("teach:"), "a run with a teacher taught: \(first.stderr)")
        #expect(stopped.status == 0, "s2d serve did not stop cleanly: \(stopped.stderr)")

        let evaluatedAgain = try await S2DProcess.run(evaluation)
        #expect(evaluatedAgain.status == 0 && evaluatedAgain.stdout.contains("model calls in this invocation: 0"), "\(evaluatedAgain.stderr)")
        // Same systems, accuracies and tokens (the seconds differ: the answers now come from the cache).
        func accuracies(_ stdout: String) -> [[Substring]] {
            stdout.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("System") }.map { Array($0.split(separator: "|").prefix(3)) }
        }
        #expect(accuracies(evaluatedAgain.stdout) == accuracies(evaluated.stdout) && accuracies(evaluated.stdout).count == 2)

        let resumed = try await S2DProcess.run(Self.run(teacher: teacher, out))
        #expect(resumed.status == 0, "the resume without the teacher's server failed: \(resumed.stderr)")
        #expect(resumed.stderr.contains("curate: already done, skipped"))
        for row in ["| Student System 1 |", "| Teacher System 2 (cot) |", "| Distilled System 1 |"] {
            #expect(resumed.stdout.contains(row), "\(row) missing: \(resumed.stdout)")
        }
        let config = try #require(try EndToEndRun.configurationFile(in: out).read())
        #expect(config.teacher == teacher)
        #expect(config.teachExamples == 0)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("adapters/taught").path))
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8).contains("the teacher `\(teacher)`"))
        // The curation sub-run records the teacher as the model that answered.
        let settings = try String(contentsOf: out.appendingPathComponent("curation/run.json"), encoding: .utf8)
        #expect(settings.contains(url), "curation/run.json does not name the teacher: \(settings)")

        // The same directory without the teacher is another run: refused, naming the field.
        let selfTaught = try await S2DProcess.run(Array(Self.run(teacher: teacher, out).filter { $0 != "--teacher" && $0 != teacher }))
        #expect(selfTaught.status != 0 && selfTaught.stderr.contains("teacher"), "\(selfTaught.stderr)")
    }
}
