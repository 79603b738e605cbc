import NIOCore
import NIOPosix

/// One TCP connection to a loopback server, driven byte by byte: what a hostile client does that
/// an HTTP client library will not (unfinished heads, drip-fed bodies, garbage, hang-ups mid-stream).
struct RawConnection {
    /// What the client sends, in order.
    enum Step: Sendable {
        case send([UInt8])
        /// The bytes one at a time, `interval` apart (a slowloris client).
        case drip([UInt8], interval: Duration)
    }

    /// When the client stops listening.
    enum Listening: Sendable {
        /// At the status line of the answer.
        case untilStatus
        /// At the first server-sent event of a streamed answer: the client then hangs up.
        case untilFirstEvent
    }

    /// How the exchange ended.
    struct Outcome: Sendable {
        enum Ending: String, Sendable, Codable {
            /// An HTTP status line came back.
            case answered
            /// The server closed the connection without a status line.
            case closedByServer = "closed by server"
            /// The client hung up after the first streamed event, as it meant to.
            case hungUp = "hung up mid-stream"
            /// Neither happened within the patience.
            case stillOpen = "still open"
            case connectFailed = "connect failed"
        }
        var ending: Ending
        /// The answer's HTTP status, when one came.
        var status: Int?
        var seconds: Double
    }

    /// Connects to 127.0.0.1:`port`, sends `steps` while listening, and returns how it ended;
    /// the connection is closed afterwards whatever happened.
    static func exchange(port: Int, _ steps: [Step], listening: Listening, patience: Duration) async -> Outcome {
        let start = ContinuousClock.now
        func outcome(_ ending: Outcome.Ending, _ status: Int? = nil) -> Outcome {
            let elapsed = ContinuousClock.now - start
            return Outcome(ending: ending, status: status, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            return outcome(.connectFailed)
        }
        let result = try? await channel.executeThenClose { inbound, outbound in
            await withTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    // A server that closes or resets the connection makes writes fail: the
                    // reader reports how it ended.
                    do {
                        for step in steps {
                            switch step {
                            case let .send(bytes):
                                // In slices, so a server refusing a large body is seen early.
                                for offset in stride(from: 0, to: bytes.count, by: 1 << 16) {
                                    try await outbound.write(ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + (1 << 16))]))
                                }
                            case let .drip(bytes, interval):
                                for byte in bytes {
                                    try await outbound.write(ByteBuffer(bytes: [byte]))
                                    try await Task.sleep(for: interval)
                                }
                            }
                        }
                    } catch {}
                    return nil
                }
                group.addTask {
                    var received: [UInt8] = []
                    do {
                        for try await buffer in inbound {
                            received += buffer.readableBytesView
                            guard let status = statusCode(received) else { continue }
                            switch listening {
                            case .untilStatus: return outcome(.answered, status)
                            case .untilFirstEvent:
                                if status != 200 { return outcome(.answered, status) }
                                if received.firstRange(of: Array("data: ".utf8)) != nil { return outcome(.hungUp, status) }
                            }
                        }
                    } catch {}
                    if Task.isCancelled { return nil }
                    return statusCode(received).map { outcome(.answered, $0) } ?? outcome(.closedByServer)
                }
                group.addTask {
                    try? await Task.sleep(for: patience)
                    return Task.isCancelled ? nil : outcome(.stillOpen)
                }
                var ending = outcome(.stillOpen)
                for await result in group {
                    if let result {
                        ending = result
                        break
                    }
                }
                group.cancelAll()
                return ending
            }
        }
        return result ?? outcome(.closedByServer)
    }

    /// The status code of an `HTTP/1.x NNN` line at the start of `bytes`, once it is complete.
    static func statusCode(_ bytes: [UInt8]) -> Int? {
        guard let end = bytes.firstRange(of: Array("\r\n".utf8)) else { return nil }
        let line = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }
}
