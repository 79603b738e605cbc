import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d generate --task` and `s2d curate` against an OpenAI-compatible server (nothing in the
/// pipeline is model-specific), and the errors a user sees.
@Suite struct PipelineCommandTests {
    @Test(.timeLimit(.minutes(4)))
    func openAICompatibleServerRunsThePipelineAndRerunsFromTheCache() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-openai")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run")
        try await withOpenAIStubServer { url, counter in
            let generate = ["generate", "--task", "last-letter", "--count", "5", "--method", "cot", "--samples", "3",
                            "--model", "openai:\(url)#stub", "--run", run.path, "--json"]
            let first = try await S2DProcess.run(generate)
            #expect(first.status == 0, "generate failed: \(first.stderr)")
            let report = try first.json()
            #expect(report["model_calls"] as? Int == 5)
            #expect(report["complete"] as? Bool == true)
            #expect(await counter.count == 5)

            let again = try await S2DProcess.run(generate)
            #expect(try again.json()["model_calls"] as? Int == 0)
            #expect(await counter.count == 5)

            // Another sample count on the same run is refused, naming the field.
            let changed = try await S2DProcess.run(generate.map { $0 == "3" ? "4" : $0 })
            #expect(changed.status != 0)
            #expect(changed.stderr.contains("samples: 3 → 4"), "\(changed.stderr)")
            #expect(await counter.count == 5)
        }
        let curate = try await S2DProcess.run(["curate", "--run", run.path, "--min-agreement", "0.6"])
        #expect(curate.status == 0, "curate failed: \(curate.stderr)")
        // Seeds 0, 1, 2: two of three say "yes", but "yes" is not the last letters of two names.
        let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("stats.json"))) as? [String: Any]
        #expect(stats?["inputs"] as? Int == 5)
        #expect(stats?["accepted"] as? Int == 5)
        #expect(stats?["accepted_correct"] as? Int == 0)
    }

    @Test(.timeLimit(.minutes(4)))
    func customJSONLTaskRunsFromTheCommandLineAndCuratesByUniversalSelfConsistency() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-custom")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run")
        let data = root.appendingPathComponent("questions.jsonl")
        try Data("""
            {"input": "Is the sky blue?", "answer": "yes"}
            {"input": "Is fire cold?", "answer": "No"}

            {"input": "Is water wet?", "answer": true}
            """.utf8).write(to: data)
        try await withOpenAIStubServer { url, counter in
            let generate = ["generate", "--task", "custom", "--data", data.path, "--template", "Quiz: {input}", "--answer-kind", "yesno",
                            "--method", "cot", "--samples", "3", "--model", "openai:\(url)#stub", "--run", run.path, "--json"]
            let first = try await S2DProcess.run(generate)
            #expect(first.status == 0, "generate failed: \(first.stderr)")
            #expect(try first.json()["model_calls"] as? Int == 3)
            // Another template is another run.
            let changed = try await S2DProcess.run(generate.map { $0 == "Quiz: {input}" ? "Q: {input}" : $0 })
            #expect(changed.status != 0)
            #expect(changed.stderr.contains("custom task"), "\(changed.stderr)")

            let vote = try await S2DProcess.run(["curate", "--run", run.path, "--min-agreement", "0.6"])
            #expect(vote.status == 0, "curate failed: \(vote.stderr)")
            // Seeds 0, 1, 2 say no, yes, yes: "yes" wins 2 of 3 everywhere; two golds are yes.
            let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("stats.json"))) as? [String: Any]
            #expect(stats?["accepted"] as? Int == 3)
            #expect(stats?["accepted_correct"] as? Int == 2)
            #expect(stats?["mode"] as? String == "vote")
            let distill = try String(contentsOf: run.appendingPathComponent("distill.jsonl"), encoding: .utf8)
            #expect(distill.contains("Quiz: Is fire cold?"), "\(distill)")

            // usc: the stub's reply ("So the answer is yes.") names no response: one call per input, rejected.
            let calls = await counter.count
            let usc = try await S2DProcess.run(["curate", "--run", run.path, "--mode", "usc", "--json"])
            #expect(usc.status == 0, "usc failed: \(usc.stderr)")
            #expect(try usc.json()["model_calls"] as? Int == 3)
            #expect(await counter.count == calls + 3)
            let uscStats = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("stats.json"))) as? [String: Any]
            #expect(uscStats?["mode"] as? String == "usc")
            #expect((uscStats?["rejection_reasons"] as? [String: Int]) == ["no-selection": 3])
            let again = try await S2DProcess.run(["curate", "--run", run.path, "--curation", "usc", "--json"])
            #expect(try again.json()["model_calls"] as? Int == 0)
            #expect(await counter.count == calls + 3)

            // The built-in file loaders are reachable the same way (--task gsm8k --data FILE).
            let gsm = root.appendingPathComponent("gsm8k.jsonl")
            try Data("{\"question\": \"1+1?\", \"answer\": \"1+1=2\\n#### 2\"}\n{\"question\": \"2+2?\", \"answer\": \"#### 4\"}\n".utf8).write(to: gsm)
            let gsmRun = try await S2DProcess.run(
                ["generate", "--task", "gsm8k", "--data", gsm.path, "--samples", "2", "--model", "openai:\(url)#stub",
                 "--run", root.appendingPathComponent("gsm").path, "--json"])
            #expect(gsmRun.status == 0, "\(gsmRun.stderr)")
            #expect(try gsmRun.json()["inputs"] as? Int == 2)
        }
    }

    @Test(.timeLimit(.minutes(4)))
    func standaloneEvalWithoutADistillRunCachesItsCalls() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-eval")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("eval")
        try await withOpenAIStubServer { url, counter in
            let eval = ["eval", "--task", "coin-flip", "--method", "cot", "--test", "4", "--model", "openai:\(url)#stub", "--out", out.path]
            let first = try await S2DProcess.run(eval + ["--json"])
            #expect(first.status == 0, "eval failed: \(first.stderr)")
            let systems = try first.json()["systems"] as? [[String: Any]]
            #expect(systems?.map { $0["name"] as? String } == ["System 1", "System 2 (cot)"])
            #expect(systems?.allSatisfy { ($0["predictions"] as? [Any])?.count == 4 } == true)
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("eval.json").path))
            let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.contains("<h1>Evaluation: coin-flip</h1>") && html.contains("<td>System 2 (cot)</td>") && html.contains("<svg"))
            let calls = await counter.count
            #expect(calls == 8)
            let again = try await S2DProcess.run(eval + ["--route"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("| System 2 (cot) |") && again.stdout.contains("model calls in this invocation: 0"), "\(again.stdout)")
            #expect(again.stdout.contains("router: needs distilled System 1"))
            #expect(await counter.count == calls)
            let adapter = try await S2DProcess.run(eval + ["--adapter", root.path])
            #expect(adapter.status != 0)
        }
        let gsm = try await S2DProcess.run(["eval", "--task", "gsm8k", "--method", "cot", "--model", "openai:http://127.0.0.1:9/v1#x"])
        #expect(gsm.stderr.contains("--data FILE"), "\(gsm.stderr)")
    }

    @Test func badCustomTaskInputIsReportedWithFileAndLine() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-custom-errors")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run").path
        let data = root.appendingPathComponent("q.jsonl")
        try Data("{\"input\": \"2+2?\", \"answer\": 4}\n{\"question\": \"3+3?\"}\n".utf8).write(to: data)
        let missing = try await S2DProcess.run(["generate", "--task", "custom", "--data", data.path, "--answer-kind", "number", "--run", run])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("\(data.path):2") && missing.stderr.contains("input"), "\(missing.stderr)")

        try Data("{\"input\": \"2+2?\", \"answer\": \"four-ish\"}\n".utf8).write(to: data)
        let wrongGold = try await S2DProcess.run(["generate", "--task", "custom", "--data", data.path, "--answer-kind", "number", "--run", run])
        #expect(wrongGold.stderr.contains("\(data.path):1") && wrongGold.stderr.contains("not a number answer"), "\(wrongGold.stderr)")

        let noInput = try await S2DProcess.run(["generate", "--task", "custom", "--data", data.path, "--template", "Solve it.", "--run", run])
        #expect(noInput.stderr.contains("{input}"), "\(noInput.stderr)")
        let notCustom = try await S2DProcess.run(["generate", "--task", "coin-flip", "--count", "2", "--template", "{input}", "--run", run])
        #expect(notCustom.status != 0 && notCustom.stderr.contains("--task custom"), "\(notCustom.stderr)")
        let kind = try await S2DProcess.run(["generate", "--task", "custom", "--data", data.path, "--answer-kind", "colour", "--run", run])
        #expect(kind.stderr.contains("unknown kind"), "\(kind.stderr)")
        // Free-form responses are never counted as votes.
        let adaptive = try await S2DProcess.run(["generate", "--task", "custom", "--data", data.path, "--answer-kind", "response", "--adaptive", "--run", run])
        #expect(adaptive.status != 0 && adaptive.stderr.contains("--adaptive") && adaptive.stderr.contains("response"), "\(adaptive.stderr)")
        let vote = try await S2DProcess.run(["distill", "--task", "custom", "--data", data.path, "--answer-kind", "response", "--teach", "0", "--run", run])
        #expect(vote.status != 0 && vote.stderr.contains("--curation usc"), "\(vote.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    /// Values that used to trap (negative sizes, zero samples, a LoRA target named twice) are
    /// usage errors naming the flag, and nothing is created.
    @Test(arguments: [
        (["distill", "--samples", "0"], "--samples"), (["distill", "--inputs", "-1"], "--inputs"), (["distill", "--teach", "-1"], "--teach"),
        (["teach", "--test", "-1"], "--test"), (["distill", "--words", "-1"], "--words"), (["distill", "--min-agreement", "2"], "--min-agreement"),
        (["distill", "--lr", "0"], "--lr"), (["train", "--data", "x.jsonl", "--targets", "q,q"], "--targets"),
        (["train", "--data", "x.jsonl", "--epochs", "0"], "--epochs"),
        (["distill", "--perturb", "--curation", "usc"], "--perturb"), (["distill", "--curation", "best"], "--curation"),
        (["distill", "--teacher", "openai:ftp://host/v1#m"], "--teacher"),
    ])
    func outOfRangeValuesAreUsageErrors(arguments: [String], flag: String) async throws {
        let root = try TestFiles.temporaryDirectory("s2d-values")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let result = try await S2DProcess.run(arguments + ["--out", out])
        #expect(result.status == 64, "\(arguments): status \(result.status), \(result.stderr)")  // EX_USAGE, not a trap
        #expect(result.stderr.contains(flag), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func badTaskMethodAndDataAreReportedClearly() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-errors")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("run").path

        let task = try await S2DProcess.run(["generate", "--task", "coin-flips", "--count", "2", "--run", run])
        #expect(task.status != 0)
        #expect(task.stderr.contains("unknown task \"coin-flips\""), "\(task.stderr)")

        let method = try await S2DProcess.run(["generate", "--task", "coin-flip", "--count", "2", "--method", "cott", "--run", run])
        #expect(method.status != 0)
        #expect(method.stderr.contains("cott"), "\(method.stderr)")

        let data = root.appendingPathComponent("bad.jsonl")
        try Data("{\"question\": \"A coin is heads up. Ka flips the coin. Is the coin still heads up?\"}\n{\"question\": \"hello\"}\n".utf8)
            .write(to: data)
        let bad = try await S2DProcess.run(["generate", "--task", "coin-flip", "--data", data.path, "--run", run])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\(data.path):2"), "\(bad.stderr)")
        #expect(bad.stderr.contains("\"question\""), "\(bad.stderr)")

        let neither = try await S2DProcess.run(["generate", "--run", run])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("--task"), "\(neither.stderr)")

        let curate = try await S2DProcess.run(["curate", "--run", run])
        #expect(curate.status != 0)
        #expect(curate.stderr.contains("run.json missing"), "\(curate.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    @Test func evalOfAMistypedRunDirectoryFailsWithoutCreatingIt() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-eval-typo")
        defer { try? FileManager.default.removeItem(at: root) }
        let typo = root.appendingPathComponent("typo").path
        let eval = try await S2DProcess.run(["eval", "--run", typo])
        #expect(eval.status != 0)
        #expect(eval.stderr.contains("not a run directory of s2d distill"), "\(eval.stderr)")
        #expect(!FileManager.default.fileExists(atPath: typo))

        try FileManager.default.createDirectory(atPath: typo, withIntermediateDirectories: true)
        try Data("{\"task\": 3}".utf8).write(to: URL(fileURLWithPath: typo).appendingPathComponent("config.json"))
        let broken = try await S2DProcess.run(["eval", "--run", typo])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("config.json: cannot read run settings"), "\(broken.stderr)")
    }
}
