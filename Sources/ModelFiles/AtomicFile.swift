import Foundation

/// Whole-file writes that neither a crash nor a power loss can leave half done: the bytes go to
/// a temporary file in the same directory, are flushed to disk, and the file is renamed over
/// the target (atomic on POSIX); the directory is flushed too, so the rename itself survives.
/// Every file the project writes goes through here.
public enum AtomicFile {
    /// Why a file could not be written; names the file.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Replaces the file at `url` with `bytes`, creating its directory if needed.
    public static func write<Bytes: Collection>(_ bytes: Bytes, to url: URL) throws(Failure) where Bytes.Element == UInt8 {
        let folder = url.deletingLastPathComponent()
        func fail(_ reason: String) -> Failure { Failure(path: url.path, reason: reason) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw fail("cannot create its directory: \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw fail(String(cString: strerror(errno))) }
        var failure: String?
        let data = Array(bytes)
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw fail(failure)
        }
        let directory = open(folder.path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Replaces the file at `url` with `text` in UTF-8.
    public static func write(_ text: String, to url: URL) throws(Failure) {
        try write(Array(text.utf8), to: url)
    }
}
