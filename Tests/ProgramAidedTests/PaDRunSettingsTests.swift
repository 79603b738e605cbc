import Distillation
import Foundation
import ProgramAided
import Testing

/// pad-settings.json: a PaD run directory refuses a re-run with other flags, naming them, and a
/// `distill` after a `synthesize` adds its training flags.
@Suite struct PaDRunSettingsTests {
    let data = ["task": "coin-flip", "train": "64", "seed": "0"]

    @Test func aReRunWithOtherFlagsIsRefusedNamingThemAndDistillAddsTraining() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s2d-pad-settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = PaDRunSettings.file(in: directory)
        // synthesize, then distill: the training flags join the file.
        try file.record(PaDRunSettings(data: data))
        let training = ["lr": "0.002", "epochs": "2"]
        try file.record(PaDRunSettings(data: data, training: training))
        #expect(try file.read() == PaDRunSettings(data: data, training: training))
        // A later synthesize compares only the data flags.
        #expect(try file.record(PaDRunSettings(data: data)) == PaDRunSettings(data: data, training: training))

        var other = data
        other["train"] = "128"
        other["words"] = "3"
        do {
            try file.record(PaDRunSettings(data: other, training: ["lr": "0.001", "epochs": "2"]))
            Issue.record("other flags were accepted")
        } catch let mismatch as RunSettingsMismatch {
            #expect(mismatch.differences.map(\.description) == ["--train: 64 → 128", "--words: (none) → 3", "--lr: 0.002 → 0.001"])
            #expect("\(mismatch)".contains("pad-settings.json") && "\(mismatch)".contains("another --run directory"))
        }
        // A file that cannot be decoded is an error naming it, not a fresh run.
        try Data("{".utf8).write(to: file.url)
        #expect { try file.read() } throws: { "\($0)".contains("pad-settings.json") }
    }
}
