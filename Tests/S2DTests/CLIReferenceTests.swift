import Foundation
import Testing
import TestSupport

/// docs/CLI.md is `s2d help` for every command, as scripts/cli-reference.sh prints it: a changed
/// option that was not written into the reference fails here.
@Suite struct CLIReferenceTests {
    @Test func theCommandReferenceMatchesTheBinarysHelp() throws {
        let (status, printed) = try TestFiles.runScript("cli-reference.sh", arguments: [try TestFiles.s2dExecutable().path])
        #expect(status == 0)
        let committed = try String(contentsOf: TestFiles.packageRoot.appendingPathComponent("docs/CLI.md"), encoding: .utf8)
        let printedLines = printed.split(separator: "\n", omittingEmptySubsequences: false)
        let committedLines = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(printedLines, committedLines).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(printed == committed, """
            docs/CLI.md is out of date (regenerate: bash scripts/cli-reference.sh > docs/CLI.md); \
            first difference at line \(firstDifference.map { "\($0.offset + 1): \($0.element.1) -> \($0.element.0)" } ?? "the end")
            """)
    }
}
