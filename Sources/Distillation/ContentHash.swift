import Inference

/// A SHA-256 digest, spelled as 64 lowercase hex digits: the run store's cache key.
public struct ContentHash: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 64 lowercase hex digits.
    public let hex: String

    /// The hash of `bytes`.
    public init<Bytes: Sequence>(hashing bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(digest: SHA256.hash(bytes))
    }

    /// The hash whose 32 digest bytes are `digest` (from an incremental `SHA256`).
    public init(digest: [UInt8]) {
        hex = digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The hash of the UTF-8 bytes of `text`.
    public init(hashing text: String) {
        self.init(hashing: text.utf8)
    }

    /// A hash read back from its hex spelling; nil unless it is 64 hex digits.
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 64, lower.allSatisfy({ $0.isHexDigit }) else { return nil }
        self.hex = lower
    }

    public var description: String { hex }
    public static func < (a: ContentHash, b: ContentHash) -> Bool { a.hex < b.hex }
}

/// The cache identity of one sample of a request: what the model was asked, with which
/// settings, and which sample (index and effective seed `seed + index`) it is. The seed of the
/// request itself is left out of `parameters`, so sample `i` of seed `s` is told apart only by
/// `(index, s + i)`.
public struct SampleKey: Sendable, Hashable {
    /// Bumped whenever the canonical document changes shape, so old keys are never confused with new ones.
    public static let version = 1

    /// SHA-256 of `canonicalJSON`.
    public let hash: ContentHash
    /// The canonical document hashed: stored beside the answer so a cache entry explains itself.
    public let canonicalJSON: String
    /// Which sample of the request.
    public let sampleIndex: Int
    /// The seed this sample is drawn with: `request.parameters.seed &+ sampleIndex`.
    public let seed: UInt64

    /// The key of sample `sampleIndex` of `request` sent to the model named `model`.
    public init(model: String, request: GenerationRequest, sampleIndex: Int) {
        let p = request.parameters
        let seed = p.seed &+ UInt64(sampleIndex)
        let prompt: CanonicalJSON
        switch request.prompt {
        case .chat(let messages):
            prompt = .object(["chat": .array(messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.content)]) })])
        case .text(let text):
            prompt = .object(["text": .string(text)])
        }
        let parameters: CanonicalJSON = .object([
            "max_tokens": .int(Int64(p.maxTokens)),
            "temperature": .double(p.temperature),
            "top_k": p.topK.map { .int(Int64($0)) } ?? .null,
            "top_p": .double(p.topP),
            "stop": .array(p.stop.map { .string($0) }),
            "logprobs": .bool(p.logprobs),
            "top_logprobs": .int(Int64(p.topLogprobs)),
        ])
        let document: CanonicalJSON = .object([
            "key_version": .int(Int64(Self.version)),
            "model": .string(model),
            "adapter": request.adapter.map { .string($0) } ?? .null,
            "prompt": prompt,
            "parameters": parameters,
            "sample_index": .int(Int64(sampleIndex)),
            "seed": .uint(seed),
        ])
        canonicalJSON = document.text
        hash = ContentHash(hashing: canonicalJSON)
        self.sampleIndex = sampleIndex
        self.seed = seed
    }
}
