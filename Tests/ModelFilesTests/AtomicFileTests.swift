import Foundation
import ModelFiles
import Testing
import TestSupport

/// The one writer every file goes through: whole files or none, no temporary left behind, and
/// errors that name the file.
@Suite struct AtomicFileTests {
    @Test func writesReplacesAndLeavesNothingElse() throws {
        let folder = try TestFiles.temporaryDirectory("s2d-atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("nested/deeper/out.json")
        try AtomicFile.write("first", to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "first")
        try AtomicFile.write(Array("second, longer".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "second, longer")
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["out.json"])
    }

    @Test func aFailureNamesTheFileAndKeepsTheOldContent() throws {
        let folder = try TestFiles.temporaryDirectory("s2d-atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("not-a-folder")
        try AtomicFile.write("x", to: blocker)
        #expect {
            try AtomicFile.write("y", to: blocker.appendingPathComponent("out.json"))
        } throws: { error in
            "\(error)".contains("not-a-folder/out.json")
        }
        // A directory cannot be replaced by a file: the rename fails, the directory stays.
        let target = folder.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write("z", to: target) }
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("inside").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["not-a-folder", "target"])
    }
}
