import Foundation
import Glibc
import NIOHTTP1
import TestSupport
import Testing

/// Malformed or out-of-range requests get OpenAI-style errors, and the server keeps serving.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var path = "/v1/chat/completions"
        var raw: String
        var status: Int
        var param: String?
        var description: String { name }
    }

    static let chat = #""messages": [{"role": "user", "content": "Hi"}]"#

    static let cases: [Case] = [
        Case(name: "malformed JSON", raw: #"{"messages": [ "#, status: 400),
        Case(name: "body is an array", raw: "[1, 2]", status: 400),
        Case(name: "unknown model", raw: #"{"model": "gpt-17", \#(chat)}"#, status: 404, param: "model"),
        Case(name: "unknown adapter via base+name", raw: #"{"model": "smollm2-135m+nope", \#(chat)}"#, status: 404, param: "model"),
        Case(name: "negative max_tokens", raw: #"{"max_tokens": -5, \#(chat)}"#, status: 400, param: "max_tokens"),
        Case(name: "huge max_tokens", raw: #"{"max_tokens": 100000000, \#(chat)}"#, status: 400, param: "max_tokens"),
        Case(name: "max_tokens beyond the context", raw: #"{"max_tokens": 600, \#(chat)}"#, status: 400, param: "max_tokens"),
        Case(name: "max_tokens as a string", raw: #"{"max_tokens": "10", \#(chat)}"#, status: 400, param: "max_tokens"),
        Case(name: "temperature as a string", raw: #"{"temperature": "hot", \#(chat)}"#, status: 400, param: "temperature"),
        Case(name: "temperature out of range", raw: #"{"temperature": 5, \#(chat)}"#, status: 400, param: "temperature"),
        Case(name: "n zero", raw: #"{"n": 0, \#(chat)}"#, status: 400, param: "n"),
        Case(name: "n fractional", raw: #"{"n": 1.5, \#(chat)}"#, status: 400, param: "n"),
        Case(name: "stream not a boolean", raw: #"{"stream": "yes", \#(chat)}"#, status: 400, param: "stream"),
        Case(name: "stop a number", raw: #"{"stop": 3, \#(chat)}"#, status: 400, param: "stop"),
        Case(name: "stop string too long", raw: #"{"stop": "\#(String(repeating: "x", count: 300))", \#(chat)}"#, status: 400, param: "stop"),
        Case(name: "seed a string", raw: #"{"seed": "abc", \#(chat)}"#, status: 400, param: "seed"),
        Case(name: "messages missing", raw: #"{"model": "smollm2-135m"}"#, status: 400, param: "messages"),
        Case(name: "messages not an array", raw: #"{"messages": "Hi"}"#, status: 400, param: "messages"),
        Case(name: "message role unknown", raw: #"{"messages": [{"role": "robot", "content": "Hi"}]}"#, status: 400, param: "messages[0].role"),
        Case(name: "message content a number", raw: #"{"messages": [{"role": "user", "content": 5}]}"#, status: 400, param: "messages[0].content"),
        Case(name: "prompt longer than the context", raw: #"{"messages": [{"role": "user", "content": "\#(String(repeating: "word ", count: 600))"}]}"#, status: 400, param: "messages"),
        Case(name: "prompt missing", path: "/v1/completions", raw: #"{"max_tokens": 2}"#, status: 400, param: "prompt"),
        Case(name: "prompt a number", path: "/v1/completions", raw: #"{"prompt": 12}"#, status: 400, param: "prompt"),
        Case(name: "completion logprobs too many", path: "/v1/completions", raw: #"{"prompt": "a", "logprobs": 50}"#, status: 400, param: "logprobs"),
        Case(name: "unknown route", path: "/v1/embeddings", raw: #"{"input": "a"}"#, status: 404),
    ]

    @Test func everyBadRequestGetsAnErrorObjectAndTheServerKeepsServing() async throws {
        try await withServer { _, base in
            for bad in Self.cases {
                let answer = try await http(base + bad.path, raw: Data(bad.raw.utf8), headers: ["Content-Type": "application/json"])
                #expect(answer.status == bad.status, "\(bad.name): \(answer.text)")
                let error = answer.error
                #expect(error?["message"] is String, "\(bad.name): \(answer.text)")
                #expect(error?["type"] is String, "\(bad.name)")
                #expect(error?.keys.contains("param") == true && error?.keys.contains("code") == true, "\(bad.name)")
                if let param = bad.param { #expect(error?["param"] as? String == param, "\(bad.name): \(answer.text)") }
            }
            let fine = try await http(base + "/v1/chat/completions", json: ["messages": [["role": "user", "content": "Hi"]], "max_tokens": 2])
            #expect(fine.status == 200)
        }
    }

    /// A prompt whose bytes alone are more tokens than the context holds is refused before it
    /// is tokenized (a megabyte costs the tokenizer about half a second; the body limit of `s2d serve` is 4 MB), in the same words as
    /// one tokenized and found too long.
    @Test func aPromptCertainlyPastTheContextIsRefusedUntokenized() async throws {
        try await withServer { _, base in
            let answer = try await http(base + "/v1/completions", json: ["prompt": String(repeating: "a", count: 200_000), "max_tokens": 1])
            #expect(answer.status == 400)
            #expect(answer.error?["code"] as? String == "context_length_exceeded")
            #expect((answer.error?["message"] as? String)?.contains("prompt's 200000 bytes are at least") == true, "\(answer.text)")
            // Just past the context, tokenized: the exact count.
            let tokenized = try await http(base + "/v1/completions", json: ["prompt": String(repeating: "hello ", count: 600), "max_tokens": 1])
            #expect(tokenized.status == 400 && (tokenized.error?["message"] as? String)?.contains("your prompt has") == true, "\(tokenized.text)")
        }
    }

    @Test func aBodyOverTheLimitGets413() async throws {
        try await withServer(maxBodyBytes: 1000) { _, base in
            let big = #"{"prompt": "\#(String(repeating: "a", count: 5000))"}"#
            let answer = try await http(base + "/v1/completions", raw: Data(big.utf8), headers: ["Content-Type": "application/json"])
            #expect(answer.status == 413)
            #expect(answer.error?["message"] is String)
            let fine = try await http(base + "/v1/completions", json: ["prompt": "Hello", "max_tokens": 2])
            #expect(fine.status == 200)
        }
    }

    /// What a web page could send through a visitor's browser is refused: a "simple" POST with
    /// a form or text body (415), and any request under a foreign Host name, as after DNS
    /// rebinding (403); the refusals are error objects, /health stays open.
    @Test func crossSiteRequestsAreRefused() async throws {
        try await withServer { _, base in
            let body = Data(#"{"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}"#.utf8)
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let answer = try await http(base + "/v1/chat/completions", raw: body, headers: ["Content-Type": type])
                #expect(answer.status == 415, "\(type): \(answer.text)")
                #expect(answer.error?["code"] as? String == "unsupported_media_type")
            }
            let json = try await http(base + "/v1/chat/completions", raw: body, headers: ["Content-Type": "application/json; charset=utf-8"])
            #expect(json.status == 200, "\(json.text)")
            let rebound = try await http(.GET, base + "/v1/models", headers: ["Host": "attacker.example:8080"])
            #expect(rebound.status == 403 && rebound.error?["code"] as? String == "host_not_allowed", "\(rebound.text)")
            let post = try await http(base + "/v1/chat/completions", raw: body, headers: ["Content-Type": "application/json", "Host": "attacker.example"])
            #expect(post.status == 403)
            #expect(try await http(.GET, base + "/health", headers: ["Host": "attacker.example"]).status == 200)
            #expect(try await http(.GET, base + "/v1/models", headers: ["Host": "localhost:1234"]).status == 200)
        }
    }

    /// More samples than the server admits at once get a fast 429 (which clients retry), not a
    /// place in an unbounded queue; the samples are given back when answers are in.
    @Test func samplesBeyondTheAdmissionLimitGet429() async throws {
        try await withServer(maximumQueuedSamples: 64) { server, base in
            let body = Data(#"{"prompt": "Once upon a time", "max_tokens": 48, "n": 40, "temperature": 1.0}"#.utf8)
            let json = ["Content-Type": "application/json"]
            async let first = http(base + "/v1/completions", raw: body, headers: json)
            while server.samplesAdmitted == 0 { try await Task.sleep(nanoseconds: 5_000_000) }
            let second = try await http(base + "/v1/completions", raw: body, headers: json)
            #expect(second.status == 429 && second.error?["code"] as? String == "rate_limit_exceeded", "\(second.text)")
            #expect(try await first.status == 200)
            #expect(server.samplesAdmitted == 0)
            #expect(try await http(base + "/v1/completions", raw: body, headers: json).status == 200)
        }
    }

    /// A client that starts a request and never finishes it (slowloris) is disconnected after
    /// the idle timeout, and the server keeps serving others. The limit is wide: its last request
    /// queues on the engine every server test shares, behind the whole suite's load (138 s once
    /// on 2 cores); the disconnect itself is checked against 45 s: the idle timeout is 1 s, but
    /// under the suite's load the server's event loop once took 16 s to act on it. A server
    /// that held the connection would be seen at the 60 s receive timeout.
    @Test(.timeLimit(.minutes(4)))
    func aClientThatNeverFinishesItsRequestIsDisconnected() async throws {
        try await withServer(idleTimeout: 1) { _, base in
            let port = UInt16(base.split(separator: ":").last!)!
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(connected == 0)
            let partial = Array("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl".utf8)
            _ = partial.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = Date()
            // The blocking read runs off the cooperative pool, which the server's own tasks need.
            let received = await onOwnThread {
                var byte: UInt8 = 0
                return recv(socket, &byte, 1, 0)
            }
            #expect(received == 0, "the server did not close the connection (recv returned \(received))")  // 0: closed by the server
            #expect(Date().timeIntervalSince(started) < 45)
            #expect(try await http(base + "/v1/completions", json: ["prompt": "Hi", "max_tokens": 1]).status == 200)
        }
    }

    @Test func anAPIKeyGuardsEveryEndpointButHealth() async throws {
        try await withServer(apiKey: "sekrit") { _, base in
            #expect(try await http(.GET, base + "/health").status == 200)
            let none = try await http(.GET, base + "/v1/models")
            #expect(none.status == 401)
            #expect(none.error?["code"] as? String == "invalid_api_key")
            #expect(try await http(.GET, base + "/v1/models", headers: ["Authorization": "Bearer wrong"]).status == 401)
            #expect(try await http(base + "/v1/completions", json: ["prompt": "Hi", "max_tokens": 1]).status == 401)
            #expect(try await http(.GET, base + "/v1/models", headers: ["Authorization": "Bearer sekrit"]).status == 200)
            let ok = try await http(base + "/v1/completions", json: ["prompt": "Hi", "max_tokens": 1], headers: ["Authorization": "Bearer sekrit"])
            #expect(ok.status == 200)
        }
    }
}
