import ArgumentParser

/// `--run DIR`: the run directory of every command that keeps one (made on the first run,
/// resumed by the next). `--out`, its name before, is still read but not shown: `--out` names a
/// single output artifact everywhere else.
struct RunDirectoryOption: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run directory: made by the first run, resumed by the next.") var run: String?
    @Option(name: .customLong("out"), help: .hidden) var formerName: String?

    func validate() throws {
        if run != nil, formerName != nil { throw ValidationError("--out is the former name of --run; give --run alone") }
    }

    /// The directory given, or `fallback` (nil: the option is required).
    func path(default fallback: String? = nil) throws -> String {
        guard let path = run ?? formerName ?? fallback else { throw ValidationError("Missing expected argument '--run <run>'") }
        return path
    }
}
