import Foundation
import Inference

/// The hostile side of `s2d bench serve --hostile`: requests a server on the open internet (or a
/// web page reaching a loopback server) gets, each with the answers a well-defended server gives.
public enum HostileRequest: String, CaseIterable, Sendable, Codable {
    case invalidJSON = "invalid JSON"
    case deeplyNestedJSON = "JSON nested 100,000 deep"
    case wrongContentType = "text/plain body"
    case foreignHost = "foreign Host (DNS rebinding)"
    case oversizedDeclaredBody = "Content-Length 10 GB"
    case oversizedChunkedBody = "chunked body over the limit"
    case hugeHeader = "1 MB header"
    case garbage = "bytes that are not HTTP"
    case extremeTopK = "top_k 10^15"
    case extremeN = "n 1,000,000"
    case extremeMaxTokens = "max_tokens 2^40"
    case longStop = "64 KB stop string"
    case manyStops = "100,000 stop strings"
    case validHugeTopK = "top_k 2^31-1 (valid)"
    case slowHead = "slowloris: head dripped"
    case slowBody = "slowloris: body dripped"
    case hangUpMidStream = "hang-up mid-stream"

    /// Whether the request is one the server should serve (valid, only extreme): it is then
    /// answered 200; every other kind must get a 4xx or have its connection closed.
    public var isValid: Bool { self == .validHugeTopK || self == .hangUpMidStream }

    /// A kind that holds its connection for long: slowloris (until the server's idle timeout)
    /// and the valid request (queued behind the well-behaved clients).
    var isSlow: Bool { self == .slowHead || self == .slowBody || self == .validHugeTopK }

    /// Whether the outcome is the one a well-defended server gives.
    func isExpected(_ outcome: RawConnection.Outcome) -> Bool {
        switch self {
        case .hangUpMidStream: return outcome.ending == .hungUp
        case .validHugeTopK: return outcome.ending == .answered && outcome.status == 200
        default:
            switch outcome.ending {
            case .answered: return (400..<500).contains(outcome.status ?? 0)
            case .closedByServer: return true
            case .hungUp, .stillOpen, .connectFailed: return false
            }
        }
    }

    /// What the client sends to a server on 127.0.0.1:`port` whose body limit is `maxBodyBytes`.
    func steps(port: Int, maxBodyBytes: Int, random: inout RandomSource) -> [RawConnection.Step] {
        let chat = "/v1/chat/completions"
        func request(_ body: String, extra: [String] = []) -> [RawConnection.Step] {
            [.send(Self.post(chat, port: port, body: Array(body.utf8), headers: extra))]
        }
        func completion(_ fields: String) -> String {
            #"{"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8, "#.appending(fields) + "}"
        }
        let drip = Duration.milliseconds(500)
        switch self {
        case .invalidJSON: return request(#"{"messages": [{"role": "user", "content": "#)
        case .deeplyNestedJSON: return request(#"{"messages": "# + String(repeating: "[", count: 100_000))
        case .wrongContentType:
            return [.send(Self.post(chat, port: port, body: Array(completion(#""temperature": 0"#).utf8), contentType: "text/plain"))]
        case .foreignHost:
            return [.send(Self.post(chat, port: port, body: Array(completion(#""temperature": 0"#).utf8), host: "attacker.example"))]
        case .oversizedDeclaredBody:
            let head = Self.head("POST", chat, port: port, headers: ["Content-Type: application/json", "Content-Length: 10000000000"])
            return [.send(head + Array(repeating: UInt8(ascii: " "), count: 1 << 16))]
        case .oversizedChunkedBody:
            var bytes = Self.head("POST", chat, port: port, headers: ["Content-Type: application/json", "Transfer-Encoding: chunked"])
            let chunk = Array(repeating: UInt8(ascii: " "), count: 1 << 16)
            for _ in 0..<(maxBodyBytes / chunk.count + 16) {
                bytes += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
            }
            return [.send(bytes + Array("0\r\n\r\n".utf8))]
        case .hugeHeader:
            return [.send(Self.post(chat, port: port, body: Array(completion(#""temperature": 0"#).utf8), headers: ["X-Padding: " + String(repeating: "a", count: 1 << 20)]))]
        case .garbage:
            var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes += Array("\r\n\r\n".utf8)
            return [.send(bytes)]
        case .extremeTopK: return request(completion(#""top_k": 1000000000000000"#))
        case .extremeN: return request(completion(#""n": 1000000"#))
        case .extremeMaxTokens:
            return request(#"{"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 1099511627776}"#)
        case .longStop: return request(completion(#""stop": [""# + String(repeating: "x", count: 1 << 16) + #""]"#))
        case .manyStops: return request(completion(#""stop": ["# + Array(repeating: #""x""#, count: 100_000).joined(separator: ",") + "]"))
        case .validHugeTopK: return request(completion(#""top_k": 2147483647, "temperature": 1"#))
        case .slowHead:
            // A head that never ends: one byte every half second.
            let head = Self.head("POST", chat, port: port, headers: ["Content-Type: application/json"]).dropLast(2)
            return [.drip(Array(head) + Array(repeating: UInt8(ascii: "a"), count: 100_000), interval: drip)]
        case .slowBody:
            let body = Array(completion(#""temperature": 0"#).utf8)
            let head = Self.head("POST", chat, port: port, headers: ["Content-Type: application/json", "Content-Length: \(body.count + 100_000)"])
            return [.send(head), .drip(body + Array(repeating: UInt8(ascii: " "), count: 100_000), interval: drip)]
        case .hangUpMidStream:
            return request(#"{"messages": [{"role": "user", "content": "Tell me a long story."}], "max_tokens": 256, "stream": true, "temperature": 1}"#)
        }
    }

    /// When the client stops listening.
    var listening: RawConnection.Listening { self == .hangUpMidStream ? .untilFirstEvent : .untilStatus }

    static func head(_ method: String, _ path: String, port: Int, host: String? = nil, headers: [String]) -> [UInt8] {
        let lines = ["\(method) \(path) HTTP/1.1", "Host: \(host ?? "127.0.0.1:\(port)")", "Connection: close"] + headers
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    static func post(_ path: String, port: Int, body: [UInt8], contentType: String = "application/json", host: String? = nil, headers: [String] = []) -> [UInt8] {
        head("POST", path, port: port, host: host, headers: ["Content-Type: \(contentType)", "Content-Length: \(body.count)"] + headers) + body
    }
}
