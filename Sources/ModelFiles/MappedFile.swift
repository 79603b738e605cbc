#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Model weights are used in place from the map,
/// so loading a model costs no copy and the OS pages weights in as they are touched.
public final class MappedFile: @unchecked Sendable {
    // Sendable: the mapping is read-only and lives until deinit.

    /// Path the file was opened from (for error messages).
    public let path: String
    /// Start of the mapping; nil for an empty file.
    public let base: UnsafeRawPointer?
    /// Size of the file in bytes.
    public let count: Int
    /// The bytes are a heap copy (`init(concatenating:path:)`), not a mapping.
    private let ownsCopy: Bool

    /// Maps `path` read-only.
    public init(path: String) throws(ModelFileError) {
        self.path = path
        ownsCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(address)
    }

    /// A file's bytes held in memory under `path` (a name for messages), copied from `parts`
    /// one after the other: a model file built or changed in memory, such as a fuzzer's mutated
    /// header before the original tensor data, is read like a mapped one.
    public init(concatenating parts: [UnsafeRawBufferPointer], path: String) {
        self.path = path
        ownsCopy = true
        count = parts.reduce(0) { $0 + $1.count }
        guard count > 0 else {
            base = nil
            return
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        var offset = 0
        for part in parts {
            if let source = part.baseAddress { (copy + offset).copyMemory(from: source, byteCount: part.count) }
            offset += part.count
        }
        base = UnsafeRawPointer(copy)
    }

    deinit {
        guard let base else { return }
        if ownsCopy { UnsafeMutableRawPointer(mutating: base).deallocate() } else { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The mapped bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
