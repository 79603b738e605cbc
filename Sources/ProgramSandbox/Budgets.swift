/// The run's budgets — steps, memory, CPU time — and how work is charged against them.
/// Work is charged before it is done: an allocation that would pass the memory limit is
/// refused, never made, and long work inside builtins checks the deadline as it goes.
extension Interpreter {
    /// How many limb products (see `BigIntCost`) cost one step: a little more than one
    /// interpreted step takes (measured on the 2-core dev machine, release build: ~200 ns a
    /// step, ~1.7 ns a product in schoolbook multiplication).
    static let limbProductsPerStep = 256

    @inline(__always) func tick() throws {
        steps += 1
        if steps > limits.steps { throw stepLimitError() }
        if steps & 1023 == 0 { try checkTime() }
    }

    func checkTime() throws {
        if ThreadCPUClock.now() > deadline {
            throw PyError("TimeLimitExceeded", "program exceeded the CPU-time limit of \(limits.cpuTime)", uncatchable: true)
        }
    }

    /// Charges work proportional to `n` (a builtin looping over n elements) as steps; the
    /// deadline is checked whenever the count passes a multiple of 1024, as `tick` does.
    func chargeSteps(_ n: Int) throws {
        if n > limits.steps - steps {
            steps = limits.steps
            throw stepLimitError()
        }
        let before = steps
        steps += n
        if before >> 10 != steps >> 10 { try checkTime() }
    }

    /// Charges big-integer work (`BigIntCost`) as steps, and checks the deadline: the work
    /// that follows may be long.
    func chargeLimbProducts(_ n: Int) throws {
        try chargeSteps(n / Interpreter.limbProductsPerStep)
        try checkTime()
    }

    /// Elements/characters the run may still allocate.
    var memoryRemaining: Int { limits.memoryElements - memoryUsed }

    /// Charges `n` allocated elements/characters against the memory budget, before allocating.
    func charge(_ n: Int) throws {
        if n > memoryRemaining {
            throw memoryError("allocating \(n) more elements")
        }
        memoryUsed += n
    }

    /// a·b + c for sizes, or Int.max when that overflows (a size that is refused anyway).
    static func size(_ a: Int, times b: Int, plus c: Int = 0) -> Int {
        let (p, o1) = a.multipliedReportingOverflow(by: b)
        let (r, o2) = p.addingReportingOverflow(c)
        return o1 || o2 ? Int.max : r
    }

    /// The limit error for an allocation `what` that would pass the memory limit.
    func memoryError(_ what: String) -> PyError {
        PyError("MemoryError", "memory limit exceeded: \(what) would pass the sandbox limit of \(limits.memoryElements)",
                uncatchable: true)
    }

    /// Gives describing the outcome a budget of its own: memory and steps anew (the run's are
    /// spent on the run), and a deadline a quarter of the CPU-time limit away.
    func startDescribing() {
        memoryUsed = 0
        steps = 0
        deadline = ThreadCPUClock.now() + limits.cpuTime / 4
    }

    private func stepLimitError() -> PyError {
        PyError("StepLimitExceeded", "program exceeded the limit of \(limits.steps) evaluation steps", uncatchable: true)
    }
}
