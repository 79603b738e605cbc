import Foundation
import Inference

/// One setting whose value in a run directory differs from the one this invocation asks for.
public struct SettingDifference: Sendable, Hashable, CustomStringConvertible {
    /// The setting's name as the user knows it (a field or a flag).
    public var field: String
    public var stored: String
    public var requested: String

    public init(field: String, stored: String, requested: String) {
        self.field = field
        self.stored = stored
        self.requested = requested
    }

    public var description: String { "\(field): \(stored) → \(requested)" }

    /// The keys of two name → value maps whose values differ, in key order: each named
    /// `name(key)`, a value one map lacks shown as `missing`.
    public static func between(
        _ stored: [String: String], _ requested: [String: String], name: (String) -> String = { $0 }, missing: String = "none"
    ) -> [SettingDifference] {
        Set(stored.keys).union(requested.keys).sorted().compactMap { key in
            stored[key] == requested[key]
                ? nil : SettingDifference(field: name(key), stored: stored[key] ?? missing, requested: requested[key] ?? missing)
        }
    }
}

/// The settings a run directory is made with: written on the first run and compared on every
/// later one, because its artifacts are reused and a re-run under other settings would mix two runs.
public protocol RunDirectorySettings: Codable, Sendable, Equatable {
    /// The settings whose values differ from `requested`'s, in a stable order; empty when a run
    /// made with these settings may continue under `requested`.
    func differences(from requested: Self) -> [SettingDifference]

    /// What the file holds once a run under `requested` has continued these settings (by
    /// default these settings unchanged).
    func continued(by requested: Self) -> Self

    /// Whether the file spells keys in snake case (`run.json`) rather than as the fields are named.
    static var snakeCaseKeys: Bool { get }
}

extension RunDirectorySettings {
    /// Every top-level JSON field whose canonical JSON differs, in key order.
    public func differences(from requested: Self) -> [SettingDifference] {
        SettingDifference.between(Self.jsonFields(self), Self.jsonFields(requested))
    }

    public func continued(by requested: Self) -> Self { self }

    public static var snakeCaseKeys: Bool { false }

    /// The top-level fields of the settings' JSON, each as its canonical JSON text.
    static func jsonFields(_ settings: Self) -> [String: String] {
        guard let data = try? JSONEncoder().encode(settings),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object.mapValues { value in
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else {
                return "\(value)"
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// A run directory refused because it was made with other settings; names the file and every
/// setting that differs.
public struct RunSettingsMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    /// The settings file.
    public var file: String
    public var differences: [SettingDifference]

    public init(file: String, differences: [SettingDifference]) {
        self.file = file
        self.differences = differences
    }

    public var description: String {
        "\(file): this run was made with other settings (\(differences.map(\.description).joined(separator: "; "))); "
            + "use the same settings to resume, or another --run directory"
    }
}

/// The one way a run directory keeps its settings: a JSON file, written atomically by the first
/// run, read and compared by every later one.
public struct RunSettingsFile<Settings: RunDirectorySettings> {
    public let url: URL

    public init(directory: URL, name: String) {
        url = directory.appendingPathComponent(name)
    }

    /// The stored settings; nil when the file does not exist. A file that exists but cannot be
    /// read or decoded is an error naming it (never taken for a fresh run).
    public func read() throws -> Settings? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let decoder = JSONDecoder()
            if Settings.snakeCaseKeys { decoder.keyDecodingStrategy = .convertFromSnakeCase }
            return try decoder.decode(Settings.self, from: Data(contentsOf: url))
        } catch {
            throw PipelineError.unreadableSettings(path: url.path, reason: "\(error)")
        }
    }

    /// Refuses `requested` when the stored settings differ, naming each difference.
    public func check(_ requested: Settings, against stored: Settings) throws {
        let differences = stored.differences(from: requested)
        if !differences.isEmpty { throw RunSettingsMismatch(file: url.path, differences: differences) }
    }

    /// Records `requested` in a new run directory, or checks it against the settings already
    /// there (`check`) and keeps what the continued run stands for (`continued(by:)`); returns
    /// the settings now in the file.
    @discardableResult
    public func record(_ requested: Settings) throws -> Settings {
        var settings = requested
        if let stored = try read() {
            try check(requested, against: stored)
            settings = stored.continued(by: requested)
            if settings == stored { return stored }
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        if Settings.snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        try AtomicFile.write(encoder.encode(settings) + Data("\n".utf8), to: url)
        return settings
    }
}

/// Settings that record the rule their samples' seeds were drawn under (`SampleSeed.rule`).
public protocol SeedRuledSettings: RunDirectorySettings {
    /// nil: rule 1, from before the field existed.
    var seedRule: Int? { get }
}

extension RunSettingsFile where Settings: SeedRuledSettings {
    /// Refuses a run directory made under another seed rule than `requested`'s, before anything
    /// in it is opened: resuming it would draw its remaining samples under another rule than its
    /// first ones (`PipelineError.seedRuleChanged`).
    public func refuseOtherSeedRule(than requested: Settings) throws {
        if let stored = try read(), stored.seedRule != requested.seedRule {
            throw PipelineError.seedRuleChanged(file: url.path, stored: stored.seedRule)
        }
    }
}
