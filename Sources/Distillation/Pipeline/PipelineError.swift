/// Why a pipeline stage refused to run or stopped; descriptions name the run, file or field at fault.
public enum PipelineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The run directory has no `run.json` (no stage has run there).
    case noRun(path: String)
    /// A run directory's settings file was written under another seed rule than this build's (`SampleSeed.rule`);
    /// `stored` nil means rule 1, from before the field existed.
    case seedRuleChanged(file: String, stored: Int?)
    /// A run directory's settings file cannot be read.
    case unreadableSettings(path: String, reason: String)
    /// No task of this name exists.
    case unknownTask(name: String, available: [String])
    /// The task needs a data file or a count and seed, or was given both.
    case missingInputs(task: String, reason: String)
    /// Curation was asked before generation produced anything.
    case nothingGenerated(run: String)
    /// A flag value cannot be used.
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case .noRun(let path):
            return "\(path): no run here (run.json missing); run `s2d generate --task ... --run \(path)` first"
        case .seedRuleChanged(let file, let stored):
            return SampleSeed.refusal(file: file, storedRule: stored)
        case .unreadableSettings(let path, let reason):
            return "\(path): cannot read run settings: \(reason)"
        case .unknownTask(let name, let available):
            return "unknown task \"\(name)\"; known tasks: \(available.joined(separator: ", "))"
        case .missingInputs(let task, let reason):
            return "task \(task): \(reason)"
        case .nothingGenerated(let run):
            return "\(run): the generate stage has no results yet; run `s2d generate` first"
        case .invalidOption(let name, let reason):
            return "\(name): \(reason)"
        }
    }
}
