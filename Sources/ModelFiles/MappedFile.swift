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
    /// What deinit gives back: a heap copy, or a mapping (which may start before `base`).
    private let release: Release

    private enum Release {
        case heap
        case unmap(address: UnsafeMutableRawPointer, length: Int)
    }

    /// Maps `path` read-only.
    public init(path: String) throws(ModelFileError) {
        self.path = path
        let (fd, size) = try Self.openForReading(path)
        defer { close(fd) }
        count = size
        if count == 0 {
            base = nil
            release = .heap
            return
        }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(address)
        release = .unmap(address: address, length: count)
    }

    /// The file at `path` with its first `replacedLength` bytes replaced by `prefix` (of any
    /// length), without copying the rest: the rest is mapped from the file right after a copy
    /// of `prefix`. A fuzzer's mutated GGUF header before the original tensor data costs a few
    /// pages per input, not a ~100 MB copy of the whole model.
    public init(path: String, replacingFirst replacedLength: Int, with prefix: UnsafeRawBufferPointer) throws(ModelFileError) {
        self.path = path
        let (fd, fileSize) = try Self.openForReading(path)
        defer { close(fd) }
        guard (0...fileSize).contains(replacedLength) else {
            throw .cannotOpen(path: path, reason: "cannot replace \(replacedLength) bytes of a \(fileSize)-byte file")
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let tail = fileSize - replacedLength
        // The file is mapped from the page holding byte `replacedLength` (offsets must be page
        // aligned), `lead` bytes before it; `shift` places that mapping on a page boundary
        // with the prefix's copy ending exactly where the tail begins.
        let fileStart = replacedLength / page * page
        let lead = replacedLength - fileStart
        let shift = ((lead - prefix.count) % page + page) % page
        count = prefix.count + tail
        let length = max(page, (shift + count + page - 1) / page * page)
        guard let area = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), area != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        let start = area + shift
        if lead + tail > 0 {
            // Private and writable: the prefix's last bytes may share the tail's first page,
            // which then becomes this process's own copy.
            let mapped = mmap(start + prefix.count - lead, lead + tail, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, off_t(fileStart))
            guard mapped != MAP_FAILED else {
                munmap(area, length)
                throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
            }
        }
        if let source = prefix.baseAddress { start.copyMemory(from: source, byteCount: prefix.count) }
        mprotect(area, length, PROT_READ)
        base = count == 0 ? nil : UnsafeRawPointer(start)
        release = .unmap(address: area, length: length)
    }

    /// `path` opened read-only, and its size; the caller closes the descriptor.
    private static func openForReading(_ path: String) throws(ModelFileError) -> (descriptor: Int32, size: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotOpen(path: path, reason: reason)
        }
        return (fd, Int(info.st_size))
    }

    /// A file's bytes held in memory under `path` (a name for messages), copied from `parts`
    /// one after the other: a model file built or changed in memory, such as a fuzzer's mutated
    /// header before the original tensor data, is read like a mapped one.
    public init(concatenating parts: [UnsafeRawBufferPointer], path: String) {
        self.path = path
        release = .heap
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
        switch release {
        case .heap: if let base { UnsafeMutableRawPointer(mutating: base).deallocate() }
        case .unmap(let address, let length): munmap(address, length)
        }
    }

    /// The mapped bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
