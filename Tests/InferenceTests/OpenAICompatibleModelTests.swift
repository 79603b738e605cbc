import Foundation
import Inference
import Testing

/// A client pointed at `baseURL`, with fast retries so failure tests stay quick.
private func client(_ baseURL: String, environment: [String: String] = [:], maxAttempts: Int = 4,
                    sampling: OpenAIClientConfiguration.SampleStrategy = .serverSide) -> OpenAICompatibleModel {
    let configuration = OpenAIClientConfiguration(
        baseURL: baseURL + "/", model: "test-model", apiKeyVariable: "S2D_TEST_KEY", maxConcurrentRequests: 2,
        // Generous: under the full suite's load (engine tests on both cores) a 10 s timeout fired
        // and retried, and these tests count requests. The timeout test sets its own.
        requestTimeout: 120, retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.01, maxDelay: 0.05), sampling: sampling)
    return OpenAICompatibleModel(configuration: configuration, environment: environment)
}

private let chatRequest = GenerationRequest(
    prompt: .chat([.system("Be brief."), .user("Capital of France?")]), n: 3,
    parameters: SamplingParameters(maxTokens: 32, temperature: 0.8, topP: 0.9, seed: 100, stop: ["\n\n"]))

@Suite struct OpenAICompatibleModelTests {
    /// The key never leaves in clear text for another machine: plain http to a non-loopback host
    /// fails before any connection, naming the variable; https, loopback and the explicit
    /// opt-in pass the check (they then fail only to connect, to a port nothing listens on).
    @Test func anAPIKeyIsNotSentOverPlainHTTPToAnotherMachine() async throws {
        let key = ["S2D_TEST_KEY": "sk-secret"]
        await #expect {
            _ = try await client("http://192.0.2.1:9", environment: key, maxAttempts: 1).generate(chatRequest)
        } throws: { error in
            guard case OpenAIClientError.keyOverPlainHTTP(_, let variable) = error else { return false }
            return variable == "S2D_TEST_KEY" && !"\(error)".contains("sk-secret")
        }
        let optIn = key.merging([OpenAICompatibleModel.plainHTTPKeyVariable: "1"]) { $1 }
        for (url, environment) in [("https://api.example.com/v1", key), ("http://127.0.0.1:8000/v1", key), ("http://[::1]:8000/v1", key),
                                   ("http://localhost:8000/v1", key), ("http://192.0.2.1:8000/v1", optIn)] {
            #expect(OpenAICompatibleModel.mayCarryKey(baseURL: url, environment: environment), "\(url)")
        }
        #expect(!OpenAICompatibleModel.mayCarryKey(baseURL: "http://localhost.attacker.example/v1", environment: key))
    }

    /// A server's token counts are input: absurd ones neither trap the sums nor go negative.
    @Test(arguments: [(Int.max, Int.max), (-5, -7), (Int.max, 3)])
    func absurdTokenCountsFromTheServerAreBounded(prompt: Int, completion: Int) async throws {
        try await withOpenAITestServer(.usage(prompt: prompt, completion: completion)) { base, _ in
            let response = try await client(base).generate(chatRequest)
            var total = Usage()
            for _ in 0..<4 { total = total + response.usage }
            #expect((0...(1 << 32)).contains(response.usage.promptTokens) && (0...(1 << 32)).contains(response.usage.completionTokens))
            #expect(total.totalTokens >= 0 && response.completions.allSatisfy { (0...(1 << 32)).contains($0.generatedTokens) })
        }
    }

    @Test func chatPromptPostsChatCompletionsWithAllSamplingFieldsAndReadsEveryChoice() async throws {
        try await withOpenAITestServer(.normal) { base, log in
            let model = client(base)
            let response = try await model.generate(chatRequest)
            #expect(response.completions.map(\.text) == (0..<3).map { "seed=\(100 + $0) chat: Capital of France?" })
            #expect(response.completions.allSatisfy { $0.finishReason == .stop && $0.logprobs == nil })
            #expect(response.usage == Usage(promptTokens: "Capital of France?".count, completionTokens: 6))
            #expect(response.completions.map(\.generatedTokens).reduce(0, +) == 6)
            #expect(response.model == "openai:\(base)#test-model")
            let seen = await log.requests
            #expect(seen.count == 1)
            #expect(seen[0].path == "/v1/chat/completions")
            let body = seen[0].json
            #expect(body["model"] as? String == "test-model")
            #expect(body["n"] as? Int == 3)
            #expect(body["seed"] as? Int == 100)
            #expect(body["temperature"] as? Double == 0.8)
            #expect(body["top_p"] as? Double == 0.9)
            #expect(body["max_tokens"] as? Int == 32)
            #expect(body["stop"] as? [String] == ["\n\n"])
            #expect(body["logprobs"] == nil)
            let messages = body["messages"] as? [[String: String]]
            #expect(messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Capital of France?"]])
        }
    }

    @Test func textPromptPostsCompletionsAndMapsLengthFinishAndLogprobs() async throws {
        try await withOpenAITestServer(.normal) { base, log in
            let request = GenerationRequest(
                prompt: .text("Once upon"), n: 2,
                parameters: SamplingParameters(maxTokens: 2, temperature: 0, seed: 7, logprobs: true, topLogprobs: 2),
                adapter: "my-lora")
            let response = try await client(base).generate(request)
            #expect(response.completions.map(\.text) == ["seed=7 text: Once upon", "seed=8 text: Once upon"])
            #expect(response.completions.allSatisfy { $0.finishReason == .length })
            let logprobs = try #require(response.completions[1].logprobs)
            #expect(logprobs.map(\.token) == ["seed", "=8"])
            #expect(logprobs[0].logprob == -0.25)
            #expect(logprobs[0].top == [.init(token: "alt0", logprob: -1), .init(token: "alt1", logprob: -2)])
            #expect(response.completions.map(\.generatedTokens) == [2, 2])
            let body = try #require(await log.requests.first).json
            #expect(await log.requests.first?.path == "/v1/completions")
            #expect(body["prompt"] as? String == "Once upon")
            #expect(body["logprobs"] as? Int == 2)
            #expect(body["model"] as? String == "my-lora")
        }
    }

    @Test func chatLogprobsAreRequestedAndParsed() async throws {
        try await withOpenAITestServer(.normal) { base, log in
            var request = chatRequest
            request.n = 1
            request.parameters.topLogprobs = 1
            let response = try await client(base).generate(request)
            let logprobs = try #require(response.completions[0].logprobs)
            #expect(logprobs.map(\.token) == ["seed", "=100"])
            #expect(logprobs[1].top == [.init(token: "alt0", logprob: -1)])
            let body = try #require(await log.requests.first).json
            #expect(body["logprobs"] as? Bool == true)
            #expect(body["top_logprobs"] as? Int == 1)
        }
    }

    @Test(arguments: [500, 429, 503])
    func transientFailuresAreRetriedUntilTheServerRecovers(status: Int) async throws {
        try await withOpenAITestServer(.failFirst(times: 2, status: status, retryAfter: status == 429 ? "0" : nil)) { base, log in
            let response = try await client(base).generate(chatRequest)
            #expect(response.completions.count == 3)
            #expect(response.completions[2].text == "seed=102 chat: Capital of France?")
            #expect(await log.requests.count == 3)
        }
    }

    @Test func retryAfterHeaderSetsTheWait() async throws {
        try await withOpenAITestServer(.failFirst(times: 1, status: 429, retryAfter: "1")) { base, log in
            // The policy's own delays are 10-50 ms; the server's Retry-After of 1 s wins (capped at maxDelay 2 s).
            let configuration = OpenAIClientConfiguration(
                baseURL: base, model: "m", apiKeyVariable: "S2D_TEST_KEY",
                retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 2))
            let started = ContinuousClock.now
            _ = try await OpenAICompatibleModel(configuration: configuration, environment: [:]).generate(chatRequest)
            #expect(ContinuousClock.now - started >= .milliseconds(950))
            #expect(await log.requests.count == 2)
        }
    }

    @Test func persistentFailuresGiveUpAfterMaxAttemptsWithTheLastError() async throws {
        try await withOpenAITestServer(.failFirst(times: 100, status: 502, retryAfter: nil)) { base, log in
            do {
                _ = try await client(base, maxAttempts: 3).generate(chatRequest)
                Issue.record("expected an error")
            } catch let error as OpenAIClientError {
                guard case .retriesExhausted(let attempts, _, _) = error else { Issue.record("\(error)"); return }
                #expect(attempts == 3)
                #expect(error.description.contains("HTTP 502"))
                #expect(error.description.contains("overloaded, try again"))
            }
            #expect(await log.requests.count == 3)
        }
    }

    @Test func badRequestThrowsTheServerMessageWithoutRetrying() async throws {
        try await withOpenAITestServer(.badRequest(message: "max_tokens is too large: 99999")) { base, log in
            do {
                _ = try await client(base).generate(chatRequest)
                Issue.record("expected an error")
            } catch let error as OpenAIClientError {
                guard case .rejected(let status, let url, let message, let type) = error else { Issue.record("\(error)"); return }
                #expect(status == 400)
                #expect(url == base + "/chat/completions")
                #expect(message == "max_tokens is too large: 99999")
                #expect(type == "invalid_request_error")
                #expect(error.description.contains("HTTP 400"))
                #expect(error.description.contains("max_tokens is too large: 99999"))
            }
            #expect(await log.requests.count == 1)
        }
    }

    @Test func missingSamplesFromServersThatIgnoreNAreFetchedWithTheirOwnSeeds() async throws {
        try await withOpenAITestServer(.ignoresN) { base, log in
            var request = chatRequest
            request.n = 4
            let response = try await client(base).generate(request)
            #expect(response.completions.map(\.text) == (0..<4).map { "seed=\(100 + $0) chat: Capital of France?" })
            #expect(response.usage.completionTokens == 8)
            let seen = await log.requests
            #expect(seen.count == 4)
            #expect(seen[0].json["n"] as? Int == 4)
            #expect(Set(seen.dropFirst().map { $0.json["seed"] as? Int ?? -1 }) == [101, 102, 103])
            #expect(seen.dropFirst().allSatisfy { $0.json["n"] as? Int == 1 })
        }
    }

    @Test func onePerRequestStrategySendsEverySampleAlone() async throws {
        try await withOpenAITestServer(.normal) { base, log in
            let response = try await client(base, sampling: .onePerRequest).generate(chatRequest)
            #expect(response.completions.map(\.text) == (0..<3).map { "seed=\(100 + $0) chat: Capital of France?" })
            let seen = await log.requests
            #expect(seen.count == 3)
            #expect(seen.allSatisfy { $0.json["n"] as? Int == 1 })
        }
    }

    @Test func apiKeyIsSentAsBearerAndNeverAppearsInErrors() async throws {
        let key = "sk-test-SECRET-0123456789"
        try await withOpenAITestServer(.normal) { base, log in
            let model = client(base, environment: ["S2D_TEST_KEY": key])
            #expect(model.hasAPIKey)
            _ = try await model.generate(chatRequest)
            #expect(await log.requests.first?.authorization == "Bearer \(key)")
            #expect(!"\(model)".contains(key))
        }
        try await withOpenAITestServer(.unauthorizedEchoingKey) { base, log in
            do {
                _ = try await client(base, environment: ["S2D_TEST_KEY": key]).generate(chatRequest)
                Issue.record("expected an error")
            } catch {
                #expect(await log.requests.first?.authorization == "Bearer \(key)")
                #expect("\(error)".contains("HTTP 401"))
                #expect("\(error)".contains("Incorrect API key provided"))
                #expect(!"\(error)".contains(key))
                #expect(!String(reflecting: error).contains(key))
            }
        }
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        try await withOpenAITestServer(.normal) { base, log in
            let model = client(base, environment: ["OPENAI_API_KEY": "sk-not-this-one"])
            #expect(!model.hasAPIKey)
            _ = try await model.generate(chatRequest)
            #expect(await log.requests.first?.authorization == nil)
        }
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        // Bind and close a server to find a port nobody listens on.
        let deadBase = try await withOpenAITestServer(.normal) { base, _ in base }
        // A refused connection is an answer, not a wait: a client that sat out the 10 s connect
        // timeout fails the bound. Alone this takes ~30 ms; under the full suite's load the
        // cooperative pool once stretched it to 5 s, so the bound is the timeout, not a guess.
        let started = ContinuousClock.now
        defer { #expect(ContinuousClock.now - started < .seconds(10)) }
        do {
            _ = try await client(deadBase, maxAttempts: 2).generate(chatRequest)
            Issue.record("expected an error")
        } catch let error as OpenAIClientError {
            guard case .retriesExhausted(let attempts, _, _) = error else { Issue.record("\(error)"); return }
            #expect(attempts == 2)
        }
    }

    @Test func requestThatOutlivesItsTimeoutIsRetried() async throws {
        try await withOpenAITestServer(.stallFirst(seconds: 20)) { base, log in
            let configuration = OpenAIClientConfiguration(
                baseURL: base, model: "m", apiKeyVariable: "S2D_TEST_KEY", requestTimeout: 3,
                retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05))
            // Had the client waited out the stall, the first request would have answered and the
            // server would have seen one request: more than one proves the timeout fired and a
            // retry answered. The timeout is seconds, not a fraction of one: under the full
            // suite's CPU load every attempt once outlived a 0.3 s timeout; the count is a lower
            // bound for the same reason.
            let response = try await OpenAICompatibleModel(configuration: configuration, environment: [:]).generate(chatRequest)
            #expect(response.completions.count == 3)
            #expect(await log.requests.count >= 2)
        }
    }

    @Test func concurrencyLimitCapsRequestsInFlight() async throws {
        try await withOpenAITestServer(.slow(seconds: 0.05)) { base, log in
            let model = client(base)  // maxConcurrentRequests: 2
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await model.generate(chatRequest).completions.count } }
                for try await count in group { #expect(count == 3) }
            }
            #expect(await log.requests.count == 8)
            #expect(await log.peakInFlight == 2)
        }
    }

    @Test func configurationFromAnOpenAIURI() throws {
        let uri = try ModelURI(parsing: "openai:http://127.0.0.1:8000/v1#llama")
        let configuration = try #require(OpenAIClientConfiguration(uri))
        #expect(configuration.baseURL == "http://127.0.0.1:8000/v1")
        #expect(configuration.model == "llama")
        #expect(OpenAICompatibleModel(configuration: configuration, environment: [:]).identifier == uri.description)
        #expect(OpenAIClientConfiguration(.embedded(name: "x")) == nil)
    }
}
