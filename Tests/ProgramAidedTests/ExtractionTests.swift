import Distillation
import ProgramAided
import Testing

/// Programs are read out of replies however the model wraps them.
@Suite struct ExtractionTests {
    static let program = "def solution():\n    x = 2\n    return x"

    static let table: [(name: String, reply: String, expected: String?)] = [
        ("bare code", program, program),
        ("python fence", "```python\n\(program)\n```", program),
        ("plain fence", "```\n\(program)\n```", program),
        ("py fence with prose around", "Here is the code:\n\n```py\n\(program)\n```\nThis returns 2.", program),
        ("unclosed fence", "```python\n\(program)\n", program),
        ("prose before and after plain code", "Sure! Let's solve it.\n\(program)\n\nThe function returns 2.", program),
        ("import above def kept", "We need math.\nimport math\ndef solution():\n    return math.sqrt(4)",
         "import math\ndef solution():\n    return math.sqrt(4)"),
        ("top-level call after def kept", "\(program)\nprint(solution())\nThat prints 2.", "\(program)\nprint(solution())"),
        ("fence defining solution preferred", "```python\nx = 1\n```\nthen\n```python\n\(program)\n```", program),
        ("trailing spaces trimmed", "def solution():   \n    return 1  \n\n", "def solution():\n    return 1"),
        ("no def: whole reply", "  x = 1\n", "x = 1"),
        ("empty reply", " \n\n ", nil),
    ]

    @Test(arguments: table.indices)
    func extractsTheProgram(_ i: Int) {
        let row = Self.table[i]
        #expect(ProgramExtraction.program(in: row.reply) == row.expected, "\(row.name)")
    }

    @Test func normalizationDropsCommentsAndBlankLinesButNotHashesInStrings() {
        let a = "def solution():\n    # count\n    x = '#1'  # the first\n\n    return x\n"
        #expect(ProgramExtraction.normalized(a) == "def solution():\n    x = '#1'\n    return x")
        #expect(ProgramExtraction.normalized(a) != ProgramExtraction.normalized("def solution():\n    x = '#2'\n    return x"))
    }
}
