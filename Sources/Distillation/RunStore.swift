import Foundation
import GRDB

/// A run directory and its SQLite database `run.sqlite`, where a pipeline keeps everything it
/// must not lose: every model call (the cache that makes re-runs free), which stages finished,
/// and per-input results.
///
/// Every write is one SQLite transaction in WAL mode, so a process killed at any moment, even
/// with SIGKILL, leaves the database as of its last commit. Safe to share between tasks; one
/// process at a time holds a run directory (`RunDirectoryLock`: another gets `directoryInUse`).
public final class RunStore: Sendable {
    /// The file name of the database inside the run directory.
    public static let databaseFileName = "run.sqlite"

    /// The run directory.
    public let directory: URL
    /// `directory/run.sqlite`.
    public let databaseURL: URL
    let pool: DatabasePool
    private let lock: RunDirectoryLock

    /// Opens the run in `directory`, creating the directory and the database as needed and
    /// migrating an older schema forward.
    public init(directory: URL, busyTimeout: Double = 30) throws {
        self.directory = directory
        databaseURL = directory.appendingPathComponent(Self.databaseFileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RunStoreError.cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
        }
        lock = try RunDirectoryLock(directory: directory)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "RunStore"
        do {
            pool = try DatabasePool(path: databaseURL.path, configuration: configuration)
            try RunStoreSchema.migrator.migrate(pool)
        } catch {
            throw RunStoreError.cannotOpen(path: databaseURL.path, reason: "\(error)")
        }
    }

    /// The path used in error messages.
    var path: String { databaseURL.path }

    // MARK: Run-wide key-value settings

    /// Stores `value` under `key`, replacing an earlier value.
    public func setValue(_ value: String, forKey key: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    /// The value stored under `key`, if any.
    public func value(forKey key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    // MARK: Health

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound database, else the problems found.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Copies the WAL into the main file, so the database is one self-contained file
    /// (worth doing at the end of a run, before copying the directory elsewhere).
    public func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }
}

extension RunStore {
    /// JSON for payload columns: sorted keys, so identical values store identical text.
    static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw RunStoreError.undecodable(path: path, table: table, key: key, reason: "\(error)")
        }
    }
}
