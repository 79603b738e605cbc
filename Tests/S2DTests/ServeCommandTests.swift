import Foundation
import Testing
import TestSupport

/// `s2d serve` as a user runs it: a real process on 127.0.0.1 that the pipeline's `openai:`
/// backend talks to, stopped by SIGTERM.
@Suite struct ServeCommandTests {
    @Test func distillationThroughTheServerEqualsTheEmbeddedRunAndSigtermStopsIt() async throws {
        let root = try TestFiles.temporaryDirectory("s2d-serve")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, out, err, url) = try await S2DProcess.startServer()
        let common = ["generate", "--task", "coin-flip", "--count", "3", "--method", "cot", "--samples", "3", "--json"]
        let served = root.appendingPathComponent("served")
        let viaServer = try await S2DProcess.run(common + ["--model", "openai:\(url)#smollm2-135m", "--run", served.path])
        kill(server.processIdentifier, SIGTERM)
        let stopped = await S2DProcess.finish(server, out, err)
        #expect(viaServer.status == 0, "generate through the server failed: \(viaServer.stderr)")
        #expect(try viaServer.json()["model_calls"] as? Int == 3)
        #expect(stopped.status == 0 && !stopped.killed, "s2d serve did not stop cleanly: \(stopped.stderr)")
        #expect(stopped.stdout.contains("s2d serve: stopped"))

        let embedded = root.appendingPathComponent("embedded")
        let inProcess = try await S2DProcess.run(common + ["--run", embedded.path])
        #expect(inProcess.status == 0, "\(inProcess.stderr)")
        for run in [served, embedded] {
            let curate = try await S2DProcess.run(["curate", "--run", run.path, "--min-agreement", "0.6"])
            #expect(curate.status == 0, "curate failed: \(curate.stderr)")
        }
        // The server samples with the request's seed exactly as the engine does in process, so
        // the curated training set is the same file byte for byte.
        let servedSet = try Data(contentsOf: served.appendingPathComponent("distill.jsonl"))
        #expect(!servedSet.isEmpty)
        #expect(servedSet == (try Data(contentsOf: embedded.appendingPathComponent("distill.jsonl"))))
    }

    /// `--json`: the listening and stopped lines are JSON objects a script can read.
    @Test func jsonPrintsTheListeningAndStoppedEvents() async throws {
        let (server, out, err, url) = try await S2DProcess.startServer(["--json", "--served-model-name", "base"])
        kill(server.processIdentifier, SIGTERM)
        let stopped = await S2DProcess.finish(server, out, err)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        let events = try stopped.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
        #expect(events.count == 2)
        #expect(events.first?["event"] as? String == "listening" && events.first?["url"] as? String == url)
        #expect(events.first?["models"] as? [String] == ["base"] && events.first?["api_key_required"] as? Bool == false)
        #expect(events.first?["port"] as? Int == Int(url.split(separator: ":").last!.dropLast(3)))
        #expect(events.last?["event"] as? String == "stopped")
    }
}
