/// Resource limits for one program run. Every limit produces a clear error, never a hang or crash.
public struct SandboxLimits: Sendable, Equatable {
    /// Maximum evaluated nodes (expressions + statements), plus work done inside builtins:
    /// loops over their input, and big-integer arithmetic by its cost in limb products.
    public var steps: Int
    /// Maximum elements allocated over the whole run: list items, dict entries, string
    /// characters (UTF-8 bytes), printed output, big-integer limbs (32 bits). A result's size is
    /// computed or bounded before it is built, and an allocation that would pass the limit is
    /// refused with MemoryError instead of made.
    public var memoryElements: Int
    /// Maximum nesting of user function calls (Python's default is 1000).
    public var recursionDepth: Int
    /// Maximum CPU time of the thread running the program, checked between steps and inside
    /// long builtins. CPU time, not wall time: the program runs on one thread and never waits,
    /// so on a quiet machine the two agree, and on a busy one the outcome stays the program's.
    public var cpuTime: Duration

    /// Defaults sized for grade-school-math programs: 1M steps, 10M elements, depth 1000, 1 s.
    public init(steps: Int = 1_000_000, memoryElements: Int = 10_000_000, recursionDepth: Int = 1000,
                cpuTime: Duration = .seconds(1)) {
        self.steps = steps; self.memoryElements = memoryElements
        self.recursionDepth = recursionDepth; self.cpuTime = cpuTime
    }

    /// The default limits.
    public static let `default` = SandboxLimits()
}
