/// Strings as their UTF-8 bytes: the unit memory is charged in, and what searches, comparisons
/// and builders work on (Python's code-point order is the bytes' order).
extension String {
    /// Runs `body` over the string's UTF-8 bytes, without copying them when it is native.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var s = self
        return try s.withUTF8(body)
    }

    /// Builds a string of exactly `length` UTF-8 bytes in place (one allocation, no growth).
    init(utf8Length length: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        self.init(unsafeUninitializedCapacity: length) { buffer in
            fill(buffer)
            return length
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Code points in bytes[0..<end] (every byte that does not continue a UTF-8 sequence).
    func scalarCount(upTo end: Int) -> Int {
        var n = 0
        for i in 0..<end where self[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Byte offset where code point number `k` starts (or the end, past the last).
    func byteOffset(ofScalar k: Int) -> Int {
        var n = 0
        for i in 0..<count where self[i] & 0xC0 != 0x80 {
            if n == k { return i }
            n += 1
        }
        return count
    }
}
