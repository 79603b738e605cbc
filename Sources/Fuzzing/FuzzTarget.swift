/// What `s2d fuzz` mutates.
public enum FuzzTarget: String, Sendable, CaseIterable, Codable {
    /// The embedded model's GGUF header and metadata; the model is built from the mutated file.
    case gguf
    /// Chat JSONL and task JSONL files.
    case jsonl
    /// Python programs run in the sandbox.
    case sandbox
    /// The chat template and method YAML files.
    case template
}
