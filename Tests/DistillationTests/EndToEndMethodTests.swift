import Distillation
import Foundation
import Testing
import TestSupport

/// `s2d distill --methods-dir` / a method file: the run's method comes from the folder over the
/// built-ins, and a method that is not a built-in is part of the settings by its content hash.
struct EndToEndMethodTests {
    @Test func aMethodFromAFolderIsRecordedByItsHashAndABuiltinIsNot() throws {
        let builtin = try EndToEndConfiguration(task: "coin-flip", method: "cot").resolvedMethod()
        #expect(builtin.0.name == "cot" && builtin.1.methodHash == nil, "built-in runs keep their config.json unchanged")

        let folder = try TestFiles.temporaryDirectory("s2d-methods")
        try MethodLibrary.exportBuiltins(to: folder.path)
        let file = folder.appendingPathComponent("cot.yaml")
        let edited = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "step by step", with: "one step at a time")
        #expect(edited != (try String(contentsOf: file, encoding: .utf8)), "the edit must change the method")
        try edited.write(to: file, atomically: true, encoding: .utf8)
        let (method, configuration) = try EndToEndConfiguration(task: "coin-flip", method: "cot", methodsDir: folder.path).resolvedMethod()
        #expect(method != builtin.0)
        #expect(configuration.methodHash == RunSettings.fingerprint(of: method))

        let byPath = try EndToEndConfiguration(task: "coin-flip", method: file.path).resolvedMethod()
        #expect(byPath.1.methodHash == configuration.methodHash)
        #expect(throws: MethodError.self) { try EndToEndConfiguration(task: "coin-flip", method: "no-such-method").resolvedMethod() }
    }
}
