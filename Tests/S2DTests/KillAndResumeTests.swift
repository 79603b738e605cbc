import Distillation
import Foundation
import GRDB
import Testing
import TestSupport

/// The real `s2d` binary with the embedded model on a small coin-flip run: an uninterrupted
/// run, a run SIGKILLed at several points and resumed, and a budget-stopped run resumed must
/// all export the same bytes; finished runs re-run and dry runs make no model call.
@Suite(.serialized) struct KillAndResumeTests {
    /// 6 inputs × 4 samples of chain of thought, at most 48 tokens each, one input at a time
    /// (so there are distinct points to kill at).
    func generate(_ run: URL, _ extra: [String] = []) -> [String] {
        ["generate", "--task", "coin-flip", "--count", "6", "--seed", "3", "--method", "cot", "--samples", "4",
         "--max-tokens", "48", "--temperature", "0.5", "--concurrency", "1", "--run", run.path, "--json"] + extra
    }

    func curate(_ run: URL) async throws {
        let r = try await S2DProcess.run(["curate", "--run", run.path, "--min-agreement", "0.6", "--json"])
        #expect(r.status == 0, "curate failed: \(r.stderr)")
        #expect(try r.json()["model_calls"] as? Int == 0)
    }

    /// Waits until `condition` holds for the run's database, then SIGKILLs `process`; returns
    /// whether the kill landed while the child was still working.
    ///
    /// Synchronous on purpose: it polls with plain sleeps and GRDB's blocking reads, so it keeps
    /// watching even when other tests' blocking waits hold every cooperative thread (an async
    /// loop then missed every kill point: the child finished before the loop resumed).
    static func killChild(_ process: Process, when condition: (Database) throws -> Bool, run: URL) throws -> Bool {
        let deadline = Date().addingTimeInterval(60)
        let database = run.appendingPathComponent("run.sqlite")
        var reader: DatabaseQueue?
        while process.isRunning, Date() < deadline {
            // Open the database once the child has made it (run.json is written after its migration).
            if reader == nil, FileManager.default.fileExists(atPath: run.appendingPathComponent("run.json").path) {
                var configuration = Configuration()
                configuration.readonly = true
                reader = try DatabaseQueue(path: database.path, configuration: configuration)
            }
            if let reader, try reader.read(condition) { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        guard process.isRunning else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    @Test(.timeLimit(.minutes(5)))
    func killedBudgetStoppedAndRerunRunsAllExportTheSameBytesAsOneUninterruptedRun() async throws {
        _ = try TestFiles.smolLM2()
        let root = try TestFiles.temporaryDirectory("s2d-kill")
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = ContinuousClock()

        // 1. Uninterrupted.
        let whole = root.appendingPathComponent("whole")
        var started = clock.now
        let first = try await S2DProcess.run(generate(whole))
        let wholeTime = clock.now - started
        #expect(first.status == 0, "generate failed: \(first.stderr)")
        let firstReport = try first.json()
        #expect(firstReport["complete"] as? Bool == true)
        #expect((firstReport["model_calls"] as? Int ?? 0) >= 6)
        try await curate(whole)
        let expected = try exports(of: whole)
        #expect(!expected["stats.json"]!.isEmpty)
        print("uninterrupted generate: \(wholeTime)")

        // 2. Killed at several points, each time resumed by the same command.
        let killed = root.appendingPathComponent("killed")
        func holds(_ sql: String) -> @Sendable (Database) throws -> Bool {
            { db in try Int.fetchOne(db, sql: sql) ?? 0 >= 1 }
        }
        let points: [(String, @Sendable (Database) throws -> Bool)] = [
            ("first samples stored", holds("SELECT COUNT(*) >= 1 FROM calls")),
            ("two inputs done", holds("SELECT COUNT(*) >= 2 FROM items WHERE stage = 'generate'")),
            ("four inputs done", holds("SELECT COUNT(*) >= 4 FROM items WHERE stage = 'generate'")),
        ]
        var kills = 0
        started = clock.now
        for (label, condition) in points {
            let (process, out, err) = try S2DProcess.start(generate(killed))
            // The watch polls with plain sleeps, on a thread of its own (not the cooperative pool).
            let wasKilled = try await onOwnThread { Result { try Self.killChild(process, when: condition, run: killed) } }.get()
            if wasKilled { kills += 1 } else { print("not killed at: \(label)") }
            _ = await S2DProcess.finish(process, out, err)
        }
        #expect(kills >= 2, "the child finished before most kill points")
        let resumed = try await S2DProcess.run(generate(killed))
        #expect(resumed.status == 0, "resume failed: \(resumed.stderr)")
        #expect(try resumed.json()["complete"] as? Bool == true)
        print("killed \(kills) times and resumed: \(clock.now - started)")
        #expect(try await RunStore(directory: killed).integrityCheck() == ["ok"])
        try await curate(killed)
        #expect(try exports(of: killed) == expected)

        // 3. Stopped by the token budget, then resumed.
        let budget = root.appendingPathComponent("budget")
        let stopped = try await S2DProcess.run(generate(budget, ["--max-tokens-budget", "60"]))
        #expect(stopped.status == 0, "budget run failed: \(stopped.stderr)")
        let stoppedReport = try stopped.json()
        #expect(stoppedReport["stopped_by_budget"] as? Bool == true)
        #expect(stoppedReport["complete"] as? Bool == false)
        let rest = try await S2DProcess.run(generate(budget))
        #expect(try rest.json()["complete"] as? Bool == true)
        try await curate(budget)
        #expect(try exports(of: budget) == expected)

        // 4. A finished run re-run: zero model calls, same exports.
        let again = try await S2DProcess.run(generate(whole))
        let againReport = try again.json()
        #expect(againReport["model_calls"] as? Int == 0)
        #expect(againReport["already_done"] as? Int == 6)
        try await curate(whole)
        #expect(try exports(of: whole) == expected)

        // 5. Dry runs: zero calls; a fresh directory is not even created.
        let dry = try await S2DProcess.run(generate(whole, ["--dry-run"]))
        let dryReport = try dry.json()
        #expect(dryReport["model_calls"] as? Int == 0)
        #expect((dryReport["estimate"] as? [String: Any])?["remaining"] as? Int == 0)
        let fresh = root.appendingPathComponent("fresh")
        let dryFresh = try await S2DProcess.run(generate(fresh, ["--dry-run"]))
        let estimate = try dryFresh.json()["estimate"] as? [String: Any]
        #expect(estimate?["model_calls"] as? Int == 6)
        #expect(estimate?["max_generated_tokens"] as? Int == 6 * 4 * 48)
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
    }

    @Test(.timeLimit(.minutes(5)))
    func endToEndCoinFlipRunWritesAllThreeExportsWithHumanSummaries() async throws {
        _ = try TestFiles.smolLM2()
        let root = try TestFiles.temporaryDirectory("s2d-e2e")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run")
        let g = try await S2DProcess.run(["generate", "--task", "coin-flip", "--count", "3", "--samples", "3", "--max-tokens", "32",
                                    "--method", "cot", "--run", run.path])
        #expect(g.status == 0, "generate failed: \(g.stderr)")
        #expect(g.stdout.contains("model calls in this invocation: 3"))
        #expect(g.stderr.contains("generate: "))  // the progress line (plain log lines off a terminal)
        let c = try await S2DProcess.run(["curate", "--run", run.path])
        #expect(c.status == 0, "curate failed: \(c.stderr)")
        #expect(c.stdout.contains("model calls in this invocation: 0"))
        let files = try exports(of: run)
        let stats = try JSONSerialization.jsonObject(with: files["stats.json"]!) as? [String: Any]
        let accepted = stats?["accepted"] as? Int ?? -1
        #expect(accepted + (stats?["rejected"] as? Int ?? -1) == 3)
        let lines = String(decoding: files["distill.jsonl"]!, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == accepted)
        for line in lines {
            let record = try JSONDecoder().decode(TrainingRecord.self, from: Data(line.utf8))
            #expect(["Yes", "No"].contains(record.messages.last?.content))
        }
    }
}
