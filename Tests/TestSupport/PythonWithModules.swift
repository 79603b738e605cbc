import Foundation

/// A Python interpreter that imports the given modules, for the checks against independent
/// implementations (transformers, TRL) that run where they are installed: `S2D_HF_PYTHON` when
/// set, else `python3` on the usual paths. Nil when none does (the check is then skipped, visibly).
public func pythonWithModules(_ modules: [String]) -> String? {
    let environment = ProcessInfo.processInfo.environment
    let candidates = [environment["S2D_HF_PYTHON"], "/usr/bin/python3", "/usr/local/bin/python3"].compactMap { $0 }
    return candidates.first { candidate in
        guard FileManager.default.isExecutableFile(atPath: candidate) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: candidate)
        process.arguments = ["-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
