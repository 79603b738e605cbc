/// Why the run store could not do what was asked; descriptions name the file and the record.
public enum RunStoreError: Error, Sendable, CustomStringConvertible {
    /// The run directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// `run.sqlite` could not be opened or migrated (not a SQLite file, newer schema, locked...).
    case cannotOpen(path: String, reason: String)
    /// Another process holds the run directory's lock (`holder`: its pid, when known).
    case directoryInUse(path: String, holder: Int32?)
    /// A stored JSON column does not decode to what the caller asked for.
    case undecodable(path: String, table: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            "cannot create run directory \(path): \(reason)"
        case .cannotOpen(let path, let reason):
            "cannot open run store \(path): \(reason)"
        case .directoryInUse(let path, let holder):
            "run directory \(path) is in use by another process\(holder.map { " (pid \($0))" } ?? ""); wait for it to finish or stop it, then run again (the run resumes where it stopped)"
        case .undecodable(let path, let table, let key, let reason):
            "\(path): \(table) row '\(key)' does not decode: \(reason)"
        }
    }
}
