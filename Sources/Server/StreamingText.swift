import Inference

/// The text of one streamed sample, released as tokens arrive so that the pieces joined equal
/// the finished completion's text.
///
/// Two things are held back: bytes of a character not yet complete (the tokenizer's streaming
/// decoder), and a tail that could be the start of a stop string (a stop string is never
/// returned, so its first characters must not be sent before it is known whether it
/// completes). End-of-generation tokens add no text, as in the finished completion.
struct StreamingText {
    private var decoder: StreamingDecoder
    private let stopTokens: Set<Int>
    private let stops: [[UInt8]]
    /// Text decoded so far (UTF-8), and how much of it has been released.
    private var text: [UInt8] = []
    private var released = 0
    /// A stop string was found: nothing more is released.
    private var stopped = false

    init(tokenizer: Tokenizer, stopTokens: Set<Int>, stops: [String]) {
        decoder = tokenizer.makeStreamingDecoder()
        self.stopTokens = stopTokens
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Adds a generated token; returns the text that can now be sent (possibly empty).
    mutating func append(_ token: Int) -> String {
        guard !stopped, !stopTokens.contains(token) else { return "" }
        text += Array(decoder.append(token).utf8)
        let longest = stops.map(\.count).max() ?? 0
        var end = text.count
        // A stop string can only newly appear in the tail that still holds unreleased text.
        let searchFrom = max(0, released - longest)
        if let cut = firstStop(from: searchFrom) {
            stopped = true
            end = cut
        } else {
            end -= heldBackTail()
        }
        guard end > released else { return "" }
        let delta = String(decoding: text[released..<end], as: UTF8.self)
        released = end
        return delta
    }

    /// The rest of `finalText` (the finished completion's text) after what was released.
    mutating func finish(finalText: String) -> String {
        let final = Array(finalText.utf8)
        defer { released = final.count; stopped = true }
        guard released <= final.count else { return "" }
        return String(decoding: final[released...], as: UTF8.self)
    }

    /// Start of the earliest stop string in `text` at or after `start`.
    private func firstStop(from start: Int) -> Int? {
        var best: Int?
        for stop in stops where stop.count <= text.count {
            var i = start
            while i + stop.count <= text.count {
                if text[i] == stop[0] && text[i..<(i + stop.count)].elementsEqual(stop) {
                    if best == nil || i < best! { best = i }
                    break
                }
                i += 1
            }
        }
        return best
    }

    /// Length of the longest tail of `text` that is a proper prefix of a stop string.
    private func heldBackTail() -> Int {
        var hold = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count), to: hold, by: -1) where text.suffix(length).elementsEqual(stop.prefix(length)) {
                hold = length
                break
            }
        }
        return hold
    }
}
