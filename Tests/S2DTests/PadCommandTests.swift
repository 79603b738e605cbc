import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d pad run`, `synthesize` and `distill` as a user runs them (only distill needs the model).
@Suite struct PadCommandTests {
    /// Writes `source` to a fresh file and returns its path.
    static func program(_ source: String) throws -> URL {
        let url = try TestFiles.temporaryDirectory("s2d-pad").appendingPathComponent("program.py")
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func runPrintsWhatTheProgramPrintedAndItsResult() async throws {
        let file = try Self.program("def solution():\n    xs = [3, 4]\n    print('sum', sum(xs))\n    return xs[0] ** 2 + xs[1] ** 2\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let r = try await S2DProcess.run(["pad", "run", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "sum 7\nresult: 25\n")
    }

    @Test func aRaisingProgramPrintsThePythonErrorAndFails() async throws {
        let file = try Self.program("def solution():\n    words = 'a b'.split()\n    return words[5]\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let r = try await S2DProcess.run(["pad", "run", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("IndexError: list index out of range (line 3)"), "\(r.stdout)")
    }

    @Test func jsonReportsResultOrErrorForScripts() async throws {
        let good = try Self.program("result = sorted({'b': 1, 'a': 2})\n")
        defer { try? FileManager.default.removeItem(at: good.deletingLastPathComponent()) }
        let ok = try await S2DProcess.run(["pad", "run", good.path, "--call", "", "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let report = try ok.json()
        #expect(report["ok"] as? Bool == true)
        #expect(report["result"] as? String == "['a', 'b']")
        #expect(report["result_type"] as? String == "list")

        let bad = try Self.program("def solution():\n    return undefined_name + 1\n")
        defer { try? FileManager.default.removeItem(at: bad.deletingLastPathComponent()) }
        let failed = try await S2DProcess.run(["pad", "run", bad.path, "--json"])
        #expect(failed.status == 1)
        let error = try failed.json()["error"] as? [String: Any]
        #expect(error?["name"] as? String == "NameError")
        #expect(error?["line"] as? Int == 2)
    }

    @Test func aMissingFileIsAClearError() async throws {
        let r = try await S2DProcess.run(["pad", "run", "/nonexistent/program.py"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent/program.py"), "\(r.stderr)")
    }

    @Test func padTakesACustomTaskAndSaysWhenTheDataHasNoGoldPrograms() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-pad-custom")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = TestFiles.packageRoot.appendingPathComponent("examples/data/custom-prime.jsonl").path
        let run = try await S2DProcess.run([
            "pad", "synthesize", "--task", "custom", "--data", data, "--template", "{input}", "--answer-kind", "yes-no", "--train", "4",
            "--run", root.appendingPathComponent("run").path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("custom, teacher gold: 4 programs for 4 questions, 0 verified"), "\(run.stdout)")
        #expect(run.stdout.contains("carry no gold programs: give --teacher MODEL_URI"))
        let settings = try String(contentsOf: root.appendingPathComponent("run/pad-settings.json"), encoding: .utf8)
        #expect(settings.contains("custom-task") && settings.contains("yes-no"), "\(settings)")

        let orphan = try await S2DProcess.run(["pad", "synthesize", "--task", "gsm8k", "--test-data", data, "--run", root.appendingPathComponent("x").path])
        #expect(orphan.status != 0 && orphan.stderr.contains("--test-data needs --data"), "\(orphan.stderr)")
        let tooFew = try await S2DProcess.run([
            "pad", "distill", "--task", "custom", "--data", data, "--test-data", data, "--test", "500", "--template", "{input}",
            "--answer-kind", "yes-no", "--run", root.appendingPathComponent("y").path,
        ])
        #expect(tooFew.status != 0 && tooFew.stderr.contains("fewer than --test 500"), "\(tooFew.stderr)")
    }

    @Test func synthesizeWithGoldProgramsWritesArtifactsAndIsResumable() async throws {
        let dir = try TestFiles.temporaryDirectory("s2d-pad-synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["pad", "synthesize", "--task", "coin-flip", "--train", "6", "--test", "0", "--run", dir.path, "--json", "--quiet"]
        let first = try await S2DProcess.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let stats = try first.json()
        #expect(stats["attempts"] as? Int == 6)
        #expect(stats["verified_programs"] as? Int == 6)
        #expect(stats["outcomes"] as? [String: Int] == ["correct": 6])
        for name in ["attempts.jsonl", "programs.jsonl", "run.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
        }
        let programs = try String(contentsOf: dir.appendingPathComponent("programs.jsonl"), encoding: .utf8)
        let again = try await S2DProcess.run(args)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.json()["verified_programs"] as? Int == 6)
        #expect(try String(contentsOf: dir.appendingPathComponent("programs.jsonl"), encoding: .utf8) == programs)

        // Other questions in the same directory would mix two runs' artifacts: refused, naming the flag.
        let changed = try await S2DProcess.run(args.map { $0 == "6" ? "7" : $0 })
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("--train: 6 → 7"), "\(changed.stderr)")
    }

    /// The whole pipeline at its smallest (2 training questions, 1 test question, one step per
    /// adapter, about 20 s in release), then a re-run that finds everything done.
    @Test(.timeLimit(.minutes(5)))
    func distillRunsEveryStageOnTheEmbeddedModelAndResumes() async throws {
        _ = try TestFiles.smolLM2()
        let dir = try TestFiles.temporaryDirectory("s2d-pad-distill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["pad", "distill", "--task", "last-letter", "--train", "2", "--test", "1", "--epochs", "1", "--batch", "2",
                    "--max-length", "192", "--max-tokens", "64", "--solvers", "greedy,cot", "--run", dir.path, "--json"]
        let first = try await S2DProcess.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try first.json()
        #expect(report["verified_programs"] as? Int == 2)
        let evaluations = report["evaluations"] as? [[String: Any]] ?? []
        #expect(evaluations.map { $0["solver"] as? String } == ["pad-greedy", "cot-greedy"])
        #expect(evaluations.allSatisfy { $0["questions"] as? Int == 1 })
        for name in ["programs.jsonl", "sft.jsonl", "cot.jsonl", "adapters/program/adapter_config.json",
                     "adapters/cot/adapter_config.json", "evaluations/pad-greedy.json", "eval.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
        }
        #expect(first.stderr.contains("training the program adapter"), "\(first.stderr)")
        #expect(try await RunStore(directory: dir).itemCount(stage: "pad-synthesize") == 2)

        let again = try await S2DProcess.run(args)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("nothing to do"), "\(again.stderr)")
        #expect(again.stdout == first.stdout)
    }

    /// `--step-scorer trained` at the smallest size: the verifier's data and adapter are made,
    /// beam search asks it, and a re-run under another scorer is refused, naming the flag.
    @Test(.timeLimit(.minutes(5)))
    func aTrainedStepVerifierRanksBeamSearchOnTheEmbeddedModel() async throws {
        _ = try TestFiles.smolLM2()
        let dir = try TestFiles.temporaryDirectory("s2d-pad-verifier")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["pad", "distill", "--task", "last-letter", "--train", "2", "--test", "1", "--epochs", "1", "--batch", "2",
                    "--max-length", "192", "--max-tokens", "64", "--solvers", "beam", "--beam-width", "1", "--beam-candidates", "2",
                    "--step-scorer", "trained", "--run", dir.path, "--json"]
        let first = try await S2DProcess.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try first.json()
        #expect(report["step_scorer"] as? String == "trained")
        let records = try String(contentsOf: dir.appendingPathComponent("verifier.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(report["verifier_records"] as? Int == records.count)
        #expect(records.contains { $0.contains("\"content\":\"no\"") } && records.contains { $0.contains("\"content\":\"yes\"") })
        for name in ["adapters/verifier/adapter_config.json", "evaluations/pad-beam.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
        }
        #expect(first.stderr.contains("step verifier:") && first.stderr.contains("training the step verifier adapter"), "\(first.stderr)")
        // Checked on the test question's gold program prefixes, which it never saw.
        let check = report["verifier_check"] as? [String: Any] ?? [:]
        #expect((check["prefixes"] as? Int ?? 0) >= 2, "\(check)")
        #expect((0...1).contains(check["accuracy"] as? Double ?? -1), "\(check)")

        let other = try await S2DProcess.run(args.map { $0 == "trained" ? "likelihood" : $0 })
        #expect(other.status != 0)
        #expect(other.stderr.contains("--step-scorer: trained → (none)"), "\(other.stderr)")
        let unknown = try await S2DProcess.run(args.map { $0 == "trained" ? "nonsense" : $0 })
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("nonsense"), "\(unknown.stderr)")
        let weight = try await S2DProcess.run(args + ["--step-scorer-weight", "1.5"])
        #expect(weight.status != 0 && weight.stderr.contains("--step-scorer-weight must be in 0...1 (got 1.5)"), "\(weight.stderr)")
    }
}
