import Testing
import ProgramSandbox

/// Step, time, memory and recursion limits each stop a program with a clear error.
@Suite struct LimitTests {
    @Test func infiniteLoopHitsTheStepLimit() {
        let o = ProgramSandbox.run(source: "def solution():\n    n = 0\n    while True:\n        n += 1\n",
                                   limits: SandboxLimits(steps: 50_000))
        #expect(o.error?.name == "StepLimitExceeded")
        #expect(o.error?.category == .limit)
        #expect(o.steps == 50_000)
        #expect(o.variables["n"] != nil)
    }

    @Test func infiniteLoopHitsTheTimeLimitWhenStepsAreUnbounded() {
        let o = ProgramSandbox.run(source: "def solution():\n    while True:\n        pass\n",
                                   limits: SandboxLimits(steps: .max, cpuTime: .milliseconds(200)))
        #expect(o.error?.name == "TimeLimitExceeded")
        #expect(o.cpuTime >= .milliseconds(200) && o.cpuTime < .seconds(3), "\(o.cpuTime)")
    }

    @Test func builtinLoopsAreChargedAsSteps() {
        let o = ProgramSandbox.run(source: "def solution():\n    return sum(range(10 ** 12))\n",
                                   limits: SandboxLimits(steps: 100_000, cpuTime: .seconds(30)))
        #expect(o.error?.name == "StepLimitExceeded")
        #expect(o.steps == 100_000)
    }

    @Test func deepRecursionRaisesRecursionError() {
        let o = ProgramSandbox.run(source: "def solution():\n    def f(n):\n        return f(n + 1) + 1\n    return f(0)\n")
        #expect(o.error?.name == "RecursionError")
        #expect(o.error?.message == "maximum recursion depth exceeded")
        #expect(o.error?.line == 3)
        let ok = ProgramSandbox.run(source: "def solution():\n    def f(n):\n        return 0 if n == 0 else 1 + f(n - 1)\n    return f(900)\n")
        #expect(ok.result?.repr == "900")
    }

    @Test(arguments: ["[0] * 10 ** 9", "'a' * 10 ** 9", "list(range(10 ** 9))", "[1, 2] * 10 ** 18",
                      "'ab' * (2 ** 70)", "2 ** (10 ** 9)", "10 ** 10 ** 10", "math.factorial(10 ** 6)",
                      "('a' * 10 ** 5).replace('', 'b' * 10 ** 5)", "str(['a' * 10 ** 6] * 10 ** 4)",
                      "'-'.join(['ab' * 1000] * 10 ** 5)", "'%*d' % (10 ** 9, 1)", "format(1, '1000000000')",
                      "f'{1:>1000000000}'", "'x'.center(10 ** 12)", "'7'.zfill(10 ** 10)", "1 << 10 ** 7",
                      "math.perm(10 ** 5)", "math.comb(10 ** 6, 5 * 10 ** 5)", "'{0}{0}{0}{0}'.format('a' * 3 * 10 ** 6)",
                      "'%s%s%s%s' % (('a' * 3 * 10 ** 6,) * 4)", "'a' * 3 * 10 ** 6 + 'b' * 8 * 10 ** 6"])
    func hugeAllocationIsRefusedBeforeAllocating(_ expression: String) {
        let o = ProgramSandbox.run(source: "import math\ndef solution():\n    return \(expression)\n")
        #expect(o.error?.name == "MemoryError" || o.error?.name == "StepLimitExceeded", "\(expression): \(String(describing: o.error))")
        #expect(o.error?.category == .limit)
        #expect(o.cpuTime < .seconds(2))
    }

    /// With steps unbounded only the clock stops these: long work inside one builtin (big-integer
    /// arithmetic, sorting, writing a huge repr) checks the deadline as it goes.
    @Test(arguments: ["import math\nx = 3 ** 60000\nwhile True:\n    math.gcd(x, x + 2)",
                      "x = 3 ** 40000\nwhile True:\n    pow(x, x, 2 ** 99000 + 1)",
                      "x = 7 ** 35000\nwhile True:\n    x // (3 ** 20000 + 1), x % (2 ** 40000 - 3)",
                      "s = 'a' * 1000000\nxs = [s + 'b', s + 'a'] * 2000\nxs.sort()",
                      "x = [1]\nfor i in range(60):\n    x = [x, x]\nstr(x)",
                      "s = 'ab' * 2000000\nwhile True:\n    s.replace('ab', 'ba').count('b')"])
    func longBuiltinsStopAtTheDeadline(_ body: String) {
        let src = "import math\ndef solution():\n" + body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        let limits = SandboxLimits(steps: .max, memoryElements: .max, cpuTime: .milliseconds(200))
        let o = ProgramSandbox.run(source: src, limits: limits)
        #expect(o.error?.name == "TimeLimitExceeded", "\(body): \(String(describing: o.error))")
        #expect(o.cpuTime < limits.cpuTime * 2, "\(body)")
    }

    /// Big-integer work is charged by its cost in limb products: a loop of one such operation
    /// reaches the step limit within a few iterations (uncharged, the loop's own steps would
    /// allow thousands).
    @Test(arguments: ["math.gcd(x, y)", "math.lcm(x, y)", "math.isqrt(x)", "x // y", "x % y", "divmod(x, y)",
                      "pow(x, y, x + 2)", "x * x", "x ** 2", "math.comb(20000, 10000)", "str(y)"])
    func bigIntegerWorkIsChargedAsSteps(_ call: String) {
        let src = "import math\ndef solution():\n    x = 3 ** 30000\n    y = 3 ** 9000 + 1\n    n = 0\n    while True:\n        n += 1\n        \(call)\n"
        let o = ProgramSandbox.run(source: src, limits: SandboxLimits(steps: 50_000, cpuTime: .seconds(30)))
        #expect(o.error?.name == "StepLimitExceeded", "\(call): \(String(describing: o.error))")
        #expect((o.variables["n"]?.number ?? .infinity) < 200, "\(call): \(o.variables["n"]?.repr ?? "?") iterations")
    }

    @Test func growingAListInALoopHitsTheMemoryLimit() {
        let o = ProgramSandbox.run(source: "def solution():\n    xs = []\n    while True:\n        xs.append(1)\n",
                                   limits: SandboxLimits(steps: .max, memoryElements: 100_000, cpuTime: .seconds(5)))
        #expect(o.error?.name == "MemoryError")
        #expect(o.error?.line == 4)
    }

    @Test func limitsCannotBeCaughtByTheProgram() {
        let src = "def solution():\n    try:\n        while True:\n            pass\n    except BaseException:\n        return 'escaped'\n"
        #expect(ProgramSandbox.run(source: src, limits: SandboxLimits(steps: 10_000)).error?.name == "StepLimitExceeded")
    }

    @Test func deeplyNestedSourceIsASyntaxErrorNotACrash() {
        let src = "def solution():\n    return " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + "\n"
        #expect(ProgramSandbox.run(source: src).error?.name == "SyntaxError")
        let longSum = "def solution():\n    return " + Array(repeating: "1", count: 20_000).joined(separator: " + ") + "\n"
        let generous = SandboxLimits(cpuTime: .seconds(30))  // debug builds parse slowly
        #expect(ProgramSandbox.run(source: longSum, limits: generous).result?.repr == "20000")
    }
}

/// Builtins whose cost grows with their input are charged, so a loop over them stays bounded.
@Suite struct HiddenCostTests {
    @Test(arguments: ["str(xs)", "print(xs)", "xs.count(7)", "xs == ys", "set(xs)", "f'{xs}'", "repr(xs)", "xs.index(0)"])
    func repeatedExpensiveBuiltinHitsALimit(_ call: String) {
        let src = "def solution():\n    xs = [0] * 200000\n    ys = [0] * 200000\n    while True:\n        \(call)\n"
        let limits = SandboxLimits(steps: 100_000, memoryElements: 100_000_000, cpuTime: .seconds(30))
        let o = ProgramSandbox.run(source: src, limits: limits)
        #expect(o.error?.category == .limit, "\(call): \(String(describing: o.error))")
        #expect(o.cpuTime < .seconds(20), "\(call)")
    }
}
