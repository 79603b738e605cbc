import Distillation
import Foundation

/// DIR/pad-settings.json: the flags a PaD run directory was started with. Its artifacts are
/// reused on a re-run, so a re-run with other flags would silently mix settings; it is refused
/// instead, naming the flags that differ.
public struct PaDRunSettings: RunDirectorySettings {
    /// Flags that decide the questions and the programs (both `synthesize` and `distill`).
    public var data: [String: String]
    /// Flags that decide training and the student's decoding (`distill` only; nil until a
    /// `distill` has run in the directory).
    public var training: [String: String]?

    public init(data: [String: String], training: [String: String]? = nil) {
        self.data = data
        self.training = training
    }

    public static let fileName = "pad-settings.json"

    /// The settings file of a PaD run directory.
    public static func file(in directory: URL) -> RunSettingsFile<PaDRunSettings> {
        RunSettingsFile(directory: directory, name: fileName)
    }

    /// Every data flag that changed, and every training flag when both runs train; named as
    /// flags (`--lr`), the stored value first.
    public func differences(from requested: PaDRunSettings) -> [SettingDifference] {
        var differences = SettingDifference.between(data, requested.data, name: { "--\($0)" }, missing: "(none)")
        if let stored = training, let new = requested.training {
            differences += SettingDifference.between(stored, new, name: { "--\($0)" }, missing: "(none)")
        }
        return differences
    }

    /// A `distill` after a `synthesize` adds its training flags.
    public func continued(by requested: PaDRunSettings) -> PaDRunSettings {
        PaDRunSettings(data: data, training: requested.training ?? training)
    }
}
