#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's CPU time. Budgets that stop work by time read this clock rather than
/// the wall clock: a busy machine then cannot turn a program that fits its limit into a
/// time-limit error, so a run's outcome depends on its input, not on what ran beside it.
public enum ThreadCPUClock {
    /// CPU time this thread has used since it started.
    public static func now() -> Duration {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return .seconds(Int64(t.tv_sec)) + .nanoseconds(Int64(t.tv_nsec))
    }
}
