import Foundation
import NIOHTTP1
import Inference
import Server
import Testing

/// Each endpoint against a real server on 127.0.0.1, checked against the engine in-process.
@Suite struct EndpointTests {
    @Test func healthAndModelsListTheBaseModelAndEachAdapter() async throws {
        try await withServer { _, base in
            let health = try await http(.GET, base + "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let models = try await http(.GET, base + "/v1/models")
            #expect(models.status == 200)
            #expect(models.json["object"] as? String == "list")
            let data = try #require(models.json["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["smollm2-135m", "noisy"])
            #expect(data.allSatisfy { $0["object"] as? String == "model" && $0["owned_by"] is String && $0["created"] is Int })
            let one = try await http(.GET, base + "/v1/models/noisy")
            #expect(one.status == 200 && one.json["id"] as? String == "noisy")
            #expect(try await http(.GET, base + "/v1/models/nope").status == 404)
        }
    }

    @Test func chatCompletionHasOpenAIShapeAndEqualsTheEngineInProcess() async throws {
        let messages: [ChatMessage] = [.system("Be brief."), .user("What is the capital of France?")]
        let expected = try await Shared.model().generate(
            GenerationRequest(prompt: .chat(messages), parameters: SamplingParameters(maxTokens: 12, temperature: 0.8, seed: 42)))
        try await withServer { _, base in
            let answer = try await http(base + "/v1/chat/completions", json: [
                "model": "smollm2-135m", "max_tokens": 12, "temperature": 0.8, "seed": 42,
                "messages": messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            ])
            #expect(answer.status == 200)
            let json = answer.json
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(json["object"] as? String == "chat.completion")
            #expect(json["created"] is Int)
            #expect(json["model"] as? String == "smollm2-135m")
            let choices = try #require(json["choices"] as? [[String: Any]])
            #expect(choices.count == 1)
            #expect(choices[0]["index"] as? Int == 0)
            let message = try #require(choices[0]["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == expected.completions[0].text)
            #expect(choices[0]["finish_reason"] as? String == expected.completions[0].finishReason.rawValue)
            #expect(choices[0]["logprobs"] is NSNull)
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == expected.usage.promptTokens)
            #expect(usage["completion_tokens"] as? Int == expected.usage.completionTokens)
            #expect(usage["total_tokens"] as? Int == expected.usage.totalTokens)
        }
    }

    @Test func textCompletionWithLogprobsHasTheLegacyShape() async throws {
        try await withServer { _, base in
            let answer = try await http(base + "/v1/completions", json: [
                "model": "smollm2-135m", "prompt": "The quick brown fox", "max_tokens": 6, "temperature": 0, "logprobs": 2,
            ])
            #expect(answer.status == 200)
            #expect(answer.json["object"] as? String == "text_completion")
            #expect((answer.json["id"] as? String)?.hasPrefix("cmpl-") == true)
            let choice = try #require((answer.json["choices"] as? [[String: Any]])?.first)
            let text = try #require(choice["text"] as? String)
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            let tokens = try #require(logprobs["tokens"] as? [String])
            let tokenLogprobs = try #require(logprobs["token_logprobs"] as? [Double])
            let top = try #require(logprobs["top_logprobs"] as? [[String: Double]])
            let offsets = try #require(logprobs["text_offset"] as? [Int])
            #expect(tokens.count == 6 && tokenLogprobs.count == 6 && top.count == 6 && offsets.count == 6)
            #expect(tokens.joined() == text)
            #expect(tokenLogprobs.allSatisfy { $0 <= 0 })
            // Greedy: the chosen token is the most likely alternative.
            for (i, token) in tokens.enumerated() {
                #expect(top[i].count >= 1 && top[i].count <= 2)
                #expect(top[i].values.max()! <= tokenLogprobs[i] + 1e-6)
                #expect(top[i][token] != nil)
            }
        }
    }

    @Test func chatLogprobsHaveContentEntriesWithTopAlternatives() async throws {
        try await withServer { _, base in
            let answer = try await http(base + "/v1/chat/completions", json: [
                "messages": [["role": "user", "content": "Say hi."]], "max_tokens": 4, "temperature": 0,
                "logprobs": true, "top_logprobs": 3,
            ])
            #expect(answer.status == 200)
            let choice = try #require((answer.json["choices"] as? [[String: Any]])?.first)
            let content = try #require((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
            #expect(!content.isEmpty)
            for entry in content {
                #expect(entry["token"] is String)
                #expect((entry["logprob"] as? Double).map { $0 <= 0 } == true)
                #expect(entry["bytes"] is [Int])
                let top = try #require(entry["top_logprobs"] as? [[String: Any]])
                #expect(top.count == 3)
                #expect(top.first?["token"] as? String == entry["token"] as? String)
            }
        }
    }

    @Test func samplesOfOneRequestAreDistinctAndEachIsReproducibleFromItsSeed() async throws {
        try await withServer { _, base in
            let request: [String: Any] = [
                "prompt": "Once upon a time", "max_tokens": 10, "temperature": 1.0, "seed": 7, "n": 3,
            ]
            let first = try await http(base + "/v1/completions", json: request)
            let again = try await http(base + "/v1/completions", json: request)
            let texts = (first.json["choices"] as? [[String: Any]] ?? []).map { $0["text"] as? String ?? "" }
            let textsAgain = (again.json["choices"] as? [[String: Any]] ?? []).map { $0["text"] as? String ?? "" }
            #expect(texts.count == 3)
            #expect(texts == textsAgain)
            #expect(Set(texts).count > 1)
            #expect((first.json["choices"] as? [[String: Any]] ?? []).map { $0["index"] as? Int } == [0, 1, 2])
            // Sample i of the n-sample request is the single sample of seed 7 + i.
            var single = request
            single["n"] = 1
            single["seed"] = 9
            let third = try await http(base + "/v1/completions", json: single)
            #expect((third.json["choices"] as? [[String: Any]])?.first?["text"] as? String == texts[2])
            let usage = try #require(first.json["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == (third.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int)
        }
    }

    @Test func stopStringsEndTheTextBeforeTheStop() async throws {
        try await withServer { _, base in
            let free = try await http(base + "/v1/completions", json: ["prompt": "1, 2, 3, 4,", "max_tokens": 12, "temperature": 0])
            let text = try #require((free.json["choices"] as? [[String: Any]])?.first?["text"] as? String)
            let stop = try #require(text.split(separator: ",").first.map { String($0) + "," }, "greedy text: \(text)")
            let stopped = try await http(base + "/v1/completions", json: ["prompt": "1, 2, 3, 4,", "max_tokens": 12, "temperature": 0, "stop": [",", "zzz"]])
            let choice = try #require((stopped.json["choices"] as? [[String: Any]])?.first)
            #expect(choice["text"] as? String == String(stop.dropLast()))
            #expect(choice["finish_reason"] as? String == "stop")
        }
    }

    @Test(arguments: [true, false])
    func streamedChunksJoinToTheWholeAnswerForTheSameSeed(chat: Bool) async throws {
        try await withServer { _, base in
            var request: [String: Any] = ["max_tokens": 20, "temperature": 0.9, "seed": 3, "n": 2, "stop": ["\n\n"]]
            if chat { request["messages"] = [["role": "user", "content": "Write a short poem about the sea."]] } else { request["prompt"] = "The sea is" }
            let path = base + (chat ? "/v1/chat/completions" : "/v1/completions")
            let whole = try await http(path, json: request)
            request["stream"] = true
            request["stream_options"] = ["include_usage": true]
            let streamed = try await http(path, json: request)
            #expect(streamed.status == 200)
            #expect(streamed.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            #expect(streamed.events.last == "[DONE]")
            let chunks = streamed.chunks
            #expect(chunks.allSatisfy { $0["object"] as? String == (chat ? "chat.completion.chunk" : "text_completion") })
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            let (texts, finish) = streamedChoices(streamed, chat: chat)
            let choices = whole.json["choices"] as? [[String: Any]] ?? []
            #expect(choices.count == 2)
            for choice in choices {
                let index = choice["index"] as? Int ?? -1
                let text = chat ? (choice["message"] as? [String: Any])?["content"] as? String : choice["text"] as? String
                #expect(texts[index] == text)
                #expect(finish[index] == choice["finish_reason"] as? String)
            }
            if chat {
                let roles = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["role"] as? String }
                #expect(roles == ["assistant", "assistant"])
            }
            // The usage chunk comes last, with no choices, and counts what the whole answer counts.
            let last = try #require(chunks.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            let usage = try #require(last["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == (whole.json["usage"] as? [String: Any])?["completion_tokens"] as? Int)
        }
    }

    @Test func theProjectsOpenAIClientTalksToTheServer() async throws {
        try await withServer { _, base in
            // A generous timeout: the server's engine is shared with the rest of the suite, which can keep
            // both cores busy for minutes (a 60 s limit ran out once under the full suite); what is
            // checked is the answer, not the latency.
            let client = OpenAICompatibleModel(configuration: OpenAIClientConfiguration(
                baseURL: base + "/v1", model: "smollm2-135m", apiKeyVariable: "S2D_SERVER_TEST_UNSET", requestTimeout: 600,
                retry: RetryPolicy(maxAttempts: 1)))
            let parameters = SamplingParameters(maxTokens: 8, temperature: 0.7, seed: 11, logprobs: true, topLogprobs: 2)
            let chat = GenerationRequest(prompt: .chat([.user("Name a colour.")]), n: 2, parameters: parameters)
            let remote = try await client.generate(chat)
            let local = try await Shared.model().generate(chat)
            #expect(remote.completions.map(\.text) == local.completions.map(\.text))
            #expect(remote.completions.map(\.finishReason) == local.completions.map(\.finishReason))
            #expect(remote.usage == local.usage)
            #expect(remote.completions.map { $0.logprobs?.map(\.token) } == local.completions.map { $0.logprobs?.map(\.token) })
            let text = GenerationRequest(prompt: .text("Roses are red,"), parameters: parameters, adapter: "noisy")
            let remoteText = try await client.generate(text)
            let localText = try await Shared.model().generate(text)
            #expect(remoteText.completions.map(\.text) == localText.completions.map(\.text))
            #expect(remoteText.completions[0].logprobs?.count == localText.completions[0].logprobs?.count)
        }
    }
}
