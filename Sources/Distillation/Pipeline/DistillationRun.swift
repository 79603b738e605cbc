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
    /// made with different settings is refused, naming every field that differs
    /// (`RunSettingsMismatch`). A run made under an older seed rule is refused with its own
    /// message: resuming it would draw its remaining samples under another rule than its first ones.
    public init(directory: URL, settings: RunSettings) throws {
        // Generation votes only for --adaptive and --perturb (the curation mode comes later);
        // refused before the directory is made.
        if let kind = settings.customTask?.answerKind,
           let refusal = CurationMode.usc.refusal(answerKind: kind, adaptive: settings.adaptive, perturb: settings.perturb) {
            throw refusal
        }
        let file = Self.settingsFile(in: directory)
        try file.refuseOtherSeedRule(than: settings)
        store = try RunStore(directory: directory)
        self.settings = try file.record(settings)
        self.directory = directory
    }

    /// Opens the existing run in `directory` with the settings it was made with, whatever its
    /// seed rule (it draws no samples: curation reads the stored ones).
    public init(existing directory: URL) throws {
        guard let stored = try Self.settingsFile(in: directory).read() else { throw PipelineError.noRun(path: directory.path) }
        settings = stored
        store = try RunStore(directory: directory)
        self.directory = directory
    }

    /// The run's settings file, `run.json`.
    public static func settingsFile(in directory: URL) -> RunSettingsFile<RunSettings> {
        RunSettingsFile(directory: directory, name: settingsFileName)
    }

    /// The settings stored in `directory`, if a run exists there (reads only; creates nothing).
    public static func storedSettings(in directory: URL) throws -> RunSettings? {
        try settingsFile(in: directory).read()
    }

    /// The refusal of a run-time check that one stored setting (the model, the method's
    /// program, ...) still holds.
    public func mismatch(field: String, stored: String, requested: String) -> RunSettingsMismatch {
        RunSettingsMismatch(
            file: Self.settingsFile(in: directory).url.path, differences: [SettingDifference(field: field, stored: stored, requested: requested)])
    }

    /// The URL of a file in the run directory.
    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
