import Foundation
import ModelFiles
import Testing
import TestSupport

/// Damaged or foreign files get a typed error naming the file — never a crash or a huge allocation.
@Suite struct MalformedGGUFTests {
    /// A small valid file: two metadata entries and one 2×32 float tensor.
    func validFile() -> [UInt8] {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.tokens", .array([.string("a"), .string("b")]))
        writer.addTensor("w", dimensions: [32, 2], values: (0..<64).map(Float.init))
        return writer.encoded()
    }

    func open(_ bytes: [UInt8]) throws -> GGUFFile {
        let url = try TestFiles.temporaryDirectory().appendingPathComponent("model.gguf")
        try Data(bytes).write(to: url)
        return try GGUFFile(path: url.path)
    }

    /// A file held in memory in two parts reads as the same file on disk does; its errors name
    /// the name it was given.
    @Test func aFileInMemoryReadsLikeTheFileOnDisk() throws {
        let bytes = validFile()
        let onDisk = try open(bytes)
        let split = bytes.count / 3
        let inMemory = try bytes[..<split].withUnsafeBytes { a in
            try bytes[split...].withUnsafeBytes { b in try GGUFFile(file: MappedFile(concatenating: [a, b], path: "memory.gguf")) }
        }
        #expect(inMemory.metadataKeys == onDisk.metadataKeys && inMemory.tensors.map(\.name) == onDisk.tensors.map(\.name))
        #expect(inMemory.tensors.map(\.fileOffset) == onDisk.tensors.map(\.fileOffset) && inMemory.file.count == bytes.count)
        #expect(Array(inMemory.file.bytes) == bytes)
        #expect(throws: ModelFileError.self) {
            _ = try bytes[..<split].withUnsafeBytes { a in try GGUFFile(file: MappedFile(concatenating: [a], path: "memory.gguf")) }
        }
    }

    /// A name read from a damaged file is printed escaped and cut short: a key swallowed by a
    /// damaged length field must not spill binary into the message.
    @Test func namesFromDamagedFilesArePrintable() {
        let key = "tok\u{1}\u{7}" + String(repeating: "x", count: 500)
        let message = ModelFileError.unknownValueType(path: "m.gguf", key: key, type: 99).description
        #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(message.contains("tok\\u{01}\\u{07}") && message.contains("(505 characters)") && message.count < 200, "\(message)")
        #expect(ModelFileError.printable("llama.context_length") == "llama.context_length")
    }

    func expectError(_ bytes: [UInt8], _ matches: (ModelFileError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try open(bytes)
            Issue.record("a malformed file was accepted", sourceLocation: sourceLocation)
        } catch let error as ModelFileError {
            #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("model.gguf"), "the error names the file", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Offset of the first byte after the header fields that precede the tensor infos.
    func tensorInfoOffset(_ bytes: [UInt8]) -> Int {
        // The only tensor's name "w" is the last string before its info: find it from the end of metadata.
        let needle: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "w")]
        for start in 0...(bytes.count - needle.count) where Array(bytes[start..<start + needle.count]) == needle {
            return start
        }
        fatalError("tensor info not found")
    }

    @Test func aValidFileRoundTrips() throws {
        let file = try open(validFile())
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.strings("tokenizer.ggml.tokens") == ["a", "b"])
        let tensor = try file.requireTensor("w")
        #expect(tensor.dimensions == [32, 2])
        #expect(try file.floats(of: tensor) == (0..<64).map(Float.init))
    }

    @Test func wrongMagicIsRefused() {
        var bytes = validFile()
        bytes.replaceSubrange(0..<4, with: Array("GGML".utf8))
        expectError(bytes) { if case .badMagic = $0 { true } else { false } }
    }

    @Test func unsupportedVersionIsRefused() {
        var bytes = validFile()
        bytes[4] = 9
        expectError(bytes) { if case .unsupportedVersion(_, 9) = $0 { true } else { false } }
    }

    @Test func everyTruncationIsATypedError() throws {
        let bytes = validFile()
        let tensorDataStart = bytes.count - 256
        // Cut everywhere in the header, and inside the tensor data.
        for length in Array(0..<tensorDataStart) + [tensorDataStart + 8, bytes.count - 1] {
            do {
                _ = try open(Array(bytes[0..<length]))
                Issue.record("truncation at \(length) bytes was accepted")
            } catch is ModelFileError {
            }
        }
    }

    @Test func absurdTensorCountIsRefusedBeforeAllocating() {
        var bytes = validFile()
        withUnsafeBytes(of: UInt64(1 << 60).littleEndian) { bytes.replaceSubrange(8..<16, with: $0) }
        expectError(bytes) { if case .implausible = $0 { true } else { false } }
    }

    @Test func absurdArrayLengthIsRefusedBeforeAllocating() {
        var bytes = validFile()
        // The array's count follows its key and element type; find the u64 count 2 after "tokens".
        let key = Array("tokenizer.ggml.tokens".utf8)
        var start = 0
        while Array(bytes[start..<start + key.count]) != key { start += 1 }
        let countOffset = start + key.count + 4 + 4
        withUnsafeBytes(of: UInt64(1 << 59).littleEndian) { bytes.replaceSubrange(countOffset..<countOffset + 8, with: $0) }
        expectError(bytes) { if case .implausible = $0 { true } else { false } }
    }

    @Test func unknownTensorTypeIsRefused() {
        var bytes = validFile()
        let typeOffset = tensorInfoOffset(bytes) + 9 + 4 + 16
        bytes[typeOffset] = 99
        expectError(bytes) { if case .unknownTensorType(_, "w", 99) = $0 { true } else { false } }
    }

    @Test func tensorOffsetPastTheEndIsRefused() {
        var bytes = validFile()
        let offsetOffset = tensorInfoOffset(bytes) + 9 + 4 + 16 + 4
        withUnsafeBytes(of: UInt64(1 << 20).littleEndian) { bytes.replaceSubrange(offsetOffset..<offsetOffset + 8, with: $0) }
        expectError(bytes) { if case .tensorOutOfBounds(_, "w", _, _) = $0 { true } else { false } }
    }

    @Test func unknownMetadataValueTypeIsRefused() {
        var bytes = validFile()
        // The first metadata value type follows the first key ("general.architecture").
        let typeOffset = 24 + 8 + "general.architecture".utf8.count
        bytes[typeOffset] = 77
        expectError(bytes) { if case .unknownValueType(_, "general.architecture", 77) = $0 { true } else { false } }
    }

    @Test func aMissingFileIsATypedError() {
        #expect(throws: ModelFileError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }
}
