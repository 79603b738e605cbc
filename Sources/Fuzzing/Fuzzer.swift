import Distillation
import Foundation
import Inference
import ProgramSandbox

/// Runs a fuzz target: iteration `i` mutates seed `i mod seeds` with a generator seeded by
/// (seed, i), so any iteration can be run again alone (`skip`), and checks the mutated input.
public struct Fuzzer {
    public var target: FuzzTarget
    public var seed: UInt64
    /// Iterations that take more CPU time than this (on the fuzzing thread) are hangs; the
    /// watchdog stops the run when one has taken 10× it in wall time.
    public var timeLimit: Duration
    private let fuzzCase: any FuzzCase

    /// `modelPath`: the GGUF the `gguf` and `template` targets start from; `scratch`: a
    /// directory for the files the `jsonl` target's loaders read.
    public init(target: FuzzTarget, seed: UInt64, timeLimit: Duration = .seconds(10), modelPath: String, scratch: URL) throws {
        self.target = target
        self.seed = seed
        self.timeLimit = timeLimit
        switch target {
        case .gguf: fuzzCase = try GGUFFuzzCase(modelPath: modelPath)
        case .jsonl: fuzzCase = JSONLFuzzCase(scratch: scratch)
        case .sandbox: fuzzCase = SandboxFuzzCase()
        case .template: fuzzCase = try TemplateFuzzCase(modelPath: modelPath)
        }
    }

    /// Runs iterations `skip ..< skip + iterations`; `progress(done)` is called now and then.
    /// A single iteration running past 10× the time limit ends the process (status 3) after
    /// `onStuck` has said which one.
    public func run(
        iterations: Int, skip: Int = 0, progress: (Int) -> Void = { _ in }, onStuck: @escaping @Sendable (Int, String) -> Void
    ) -> FuzzReport {
        let seeds = fuzzCase.seeds
        var report = FuzzReport(
            target: target, seed: seed, firstIteration: skip, iterations: 0, accepted: 0, rejected: 0, distinctErrors: 0, commonErrors: [], unclearErrors: 0,
            unclearExamples: [], hangs: 0, hangExamples: [], crashes: 0, slowestSeconds: 0, seconds: 0, timeLimitSeconds: Self.seconds(timeLimit))
        var errorKinds: [String: Int] = [:]
        let watchdog = Watchdog(limit: timeLimit * 10, onStuck: onStuck)
        let clock = ContinuousClock()
        let start = clock.now
        for i in skip..<(skip + iterations) {
            let base = seeds[i % seeds.count]
            var random = RandomSource(seed: SampleSeed.seed(runSeed: seed, inputID: base.name, sampleIndex: i))
            let input = fuzzCase.mutate(base, random: &random)
            watchdog.begin(iteration: i, input: base.name)
            let iterationStart = clock.now, cpuStart = ThreadCPUClock.now()
            var cpuTimeElsewhere = Duration.zero
            let verdict = fuzzCase.check(input, name: base.name, cpuTimeElsewhere: &cpuTimeElsewhere)
            let elapsed = clock.now - iterationStart, cpuTime = ThreadCPUClock.now() - cpuStart + cpuTimeElsewhere
            watchdog.end()
            report.iterations += 1
            report.slowestSeconds = max(report.slowestSeconds, Self.seconds(cpuTime))
            // CPU time, not wall time: the input's cost, whatever else shares the cores (CI once
            // saw a 0.4 s iteration take 100 s of wall time beside the rest of the test suite).
            if cpuTime > timeLimit {
                report.hangs += 1
                if report.hangExamples.count < 10 {
                    let message = String(format: "took %.2f s of CPU time (%.2f s of wall time)", Self.seconds(cpuTime), Self.seconds(elapsed))
                    report.hangExamples.append(FuzzFinding(iteration: i, input: base.name, message: message))
                }
            }
            switch verdict {
            case .accepted: report.accepted += 1
            case .rejected(let message):
                report.rejected += 1
                errorKinds[Self.fold(message), default: 0] += 1
            case .unclearError(let message):
                report.unclearErrors += 1
                errorKinds[Self.fold(message), default: 0] += 1
                if report.unclearExamples.count < 10 { report.unclearExamples.append(FuzzFinding(iteration: i, input: base.name, message: message)) }
            }
            if (i - skip + 1) % 100 == 0 { progress(i - skip + 1) }
        }
        watchdog.finish()
        report.distinctErrors = errorKinds.count
        report.commonErrors = errorKinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map { FuzzErrorKind(message: $0.key, count: $0.value) }
        report.seconds = Self.seconds(clock.now - start)
        return report
    }

    /// `message` with runs of digits folded into one `#` and cut to 200 characters, so errors
    /// that differ only in a line, offset or count are one kind.
    static func fold(_ message: String) -> String {
        var out = ""
        var inDigits = false
        for c in message.prefix(200) {
            if c.isNumber {
                if !inDigits { out.append("#") }
                inDigits = true
            } else {
                out.append(c)
                inDigits = false
            }
        }
        return out
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Watches the iteration in progress from a thread of its own: one stuck past `limit` is
/// reported (`onStuck(iteration, input)`) and ends the process, since nothing in the stuck
/// thread can be interrupted.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var current: (iteration: Int, input: String, since: ContinuousClock.Instant)?
    private var finished = false

    init(limit: Duration, onStuck: @escaping @Sendable (Int, String) -> Void) {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                let (state, done) = self.lock.withLock { (self.current, self.finished) }
                if done { return }
                if let state, ContinuousClock.now - state.since > limit {
                    onStuck(state.iteration, state.input)
                    exit(3)
                }
            }
        }
        thread.start()
    }

    /// Stops the watching thread.
    func finish() { lock.withLock { finished = true } }

    func begin(iteration: Int, input: String) { lock.withLock { current = (iteration, input, ContinuousClock.now) } }
    func end() { lock.withLock { current = nil } }
}
