import Foundation
import GRDB
import Inference

/// One generated sample as the run store keeps it.
public struct StoredCall: Sendable, Hashable {
    /// `SampleKey.hash` of the sample.
    public var key: ContentHash
    /// `LanguageModel.identifier` of the model that generated it.
    public var model: String
    public var adapter: String?
    public var sampleIndex: Int
    /// The effective seed of the sample.
    public var seed: UInt64
    /// `SampleKey.canonicalJSON`: what was asked.
    public var requestJSON: String
    /// What came back.
    public var completion: Completion
    /// Prompt tokens of the model call that produced the sample.
    public var promptTokens: Int
    public var completionTokens: Int
    /// Wall time of the model call that produced the sample, in seconds.
    public var latency: Double
    public var createdAt: Date

    public init(
        key: ContentHash, model: String, adapter: String?, sampleIndex: Int, seed: UInt64, requestJSON: String,
        completion: Completion, promptTokens: Int, completionTokens: Int, latency: Double, createdAt: Date = Date()
    ) {
        self.key = key
        self.model = model
        self.adapter = adapter
        self.sampleIndex = sampleIndex
        self.seed = seed
        self.requestJSON = requestJSON
        self.completion = completion
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latency = latency
        self.createdAt = createdAt
    }
}

extension RunStore {
    /// The stored samples among `keys`, by key; keys never stored are absent.
    public func storedCalls(for keys: [ContentHash]) async throws -> [ContentHash: StoredCall] {
        try await pool.read { db in
            var found: [ContentHash: StoredCall] = [:]
            // Stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = keys[start..<min(keys.count, start + 500)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM calls WHERE key IN (\(marks))",
                                            arguments: StatementArguments(chunk.map(\.hex)))
                for row in rows {
                    let call = try self.storedCall(row)
                    found[call.key] = call
                }
            }
            return found
        }
    }

    /// Stores `calls` in one transaction; a key already stored keeps its first answer.
    /// Returns how many were new.
    @discardableResult
    public func record(_ calls: [StoredCall]) async throws -> Int {
        let rows = try calls.map { call -> StatementArguments in
            let arguments: [(any DatabaseValueConvertible)?] = [
                call.key.hex, call.model, call.adapter, call.sampleIndex, Int64(bitPattern: call.seed), call.requestJSON,
                try Self.encodeJSON(call.completion), call.promptTokens, call.completionTokens, call.latency, call.createdAt,
            ]
            return StatementArguments(arguments)
        }
        return try await pool.write { db in
            var inserted = 0
            for arguments in rows {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO calls (key, model, adapter, sample_index, seed, request_json, response_json,
                            prompt_tokens, completion_tokens, latency_seconds, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: arguments)
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// How many samples are stored.
    public func callCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls") ?? 0 }
    }

    private func storedCall(_ row: Row) throws -> StoredCall {
        let hex: String = row["key"]
        guard let key = ContentHash(hex: hex) else {
            throw RunStoreError.undecodable(path: path, table: "calls", key: hex, reason: "key is not a SHA-256 hex digest")
        }
        let seed: Int64 = row["seed"]
        return StoredCall(
            key: key, model: row["model"], adapter: row["adapter"], sampleIndex: row["sample_index"],
            seed: UInt64(bitPattern: seed), requestJSON: row["request_json"],
            completion: try decodeJSON(Completion.self, row["response_json"], table: "calls", key: hex),
            promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"],
            latency: row["latency_seconds"], createdAt: row["created_at"])
    }
}
