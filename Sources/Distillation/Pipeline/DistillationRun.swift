import Foundation
import Inference

/// A run directory: its settings (`run.json`) and its `RunStore` (`run.sqlite`), plus the
/// exports stages write there (`distill.jsonl`, `rejected.jsonl`, `stats.json`).
public final class DistillationRun: Sendable {
    /// The file holding the run's settings.
    public static let settingsFileName = "run.json"

    /// The run directory.
    public let directory: URL
    /// The settings the run was made with.
    public let settings: RunSettings
    /// Every model call, stage and per-input result of the run.
    public let store: RunStore

    /// Starts a run in `directory` with `settings`, or continues the run already there; a run
    /// made with different settings is refused, naming the first field that differs. A run made
    /// under an older seed rule is refused with its own message: resuming it would draw its
    /// remaining samples under another rule than its first ones.
    public init(directory: URL, settings: RunSettings) throws {
        let file = directory.appendingPathComponent(Self.settingsFileName)
        if let stored = try Self.readSettings(file) {
            if stored.seedRule != settings.seedRule {
                throw PipelineError.seedRuleChanged(file: file.path, stored: stored.seedRule)
            }
            if let d = stored.firstDifference(from: settings) {
                throw PipelineError.settingsMismatch(run: directory.path, field: d.field, stored: d.stored, requested: d.requested)
            }
            self.settings = stored
            store = try RunStore(directory: directory)
        } else {
            store = try RunStore(directory: directory)
            try AtomicFile.writeJSON(settings, to: file)
            self.settings = settings
        }
        self.directory = directory
    }

    /// Opens the existing run in `directory` with the settings it was made with, whatever its
    /// seed rule (it draws no samples: curation reads the stored ones).
    public init(existing directory: URL) throws {
        let file = directory.appendingPathComponent(Self.settingsFileName)
        guard let stored = try Self.readSettings(file) else { throw PipelineError.noRun(path: directory.path) }
        settings = stored
        store = try RunStore(directory: directory)
        self.directory = directory
    }

    /// The settings stored in `directory`, if a run exists there (reads only; creates nothing).
    public static func storedSettings(in directory: URL) throws -> RunSettings? {
        try readSettings(directory.appendingPathComponent(settingsFileName))
    }

    /// The URL of a file in the run directory.
    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private static func readSettings(_ file: URL) throws -> RunSettings? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(RunSettings.self, from: Data(contentsOf: file))
        } catch {
            throw PipelineError.unreadableSettings(path: file.path, reason: "\(error)")
        }
    }
}
