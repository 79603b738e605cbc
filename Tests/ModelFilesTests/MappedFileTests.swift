import Foundation
import ModelFiles
import Testing
import TestSupport

@Suite struct MappedFileTests {
    /// A file whose first bytes are replaced reads as the replacement followed by the rest of the
    /// file, for replacements shorter, longer and as long as what they replace, and cut points
    /// on and around page boundaries (where the mapped rest and the copied prefix meet).
    @Test func aReplacedPrefixReadsAsTheConcatenation() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<(3 * page + 123)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let url = try TestFiles.temporaryDirectory("s2d-mapped").appendingPathComponent("file.bin")
        try Data(bytes).write(to: url)
        let cuts = [0, 1, 100, page - 1, page, page + 1, 2 * page + 7, bytes.count - 1, bytes.count]
        let prefixLengths = [0, 1, 99, page - 1, page, page + 1, 2 * page + 500]
        for cut in cuts {
            for length in prefixLengths {
                let prefix = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ cut) }
                let file = try prefix.withUnsafeBytes { try MappedFile(path: url.path, replacingFirst: cut, with: $0) }
                #expect(Array(file.bytes) == prefix + bytes[cut...], "cut \(cut), prefix \(length)")
            }
        }
    }

    /// Replacing more bytes than the file has, or a file that is not there, is an error naming it.
    @Test func impossibleReplacementsAreErrorsNamingTheFile() throws {
        let url = try TestFiles.temporaryDirectory("s2d-mapped").appendingPathComponent("short.bin")
        try Data([1, 2, 3]).write(to: url)
        for (path, cut) in [(url.path, 4), (url.path, -1), (url.path + ".missing", 0)] {
            do {
                _ = try [UInt8]([9]).withUnsafeBytes { try MappedFile(path: path, replacingFirst: cut, with: $0) }
                Issue.record("replacing \(cut) bytes of \(path) was accepted")
            } catch {
                #expect("\(error)".contains(path))
            }
        }
    }
}
