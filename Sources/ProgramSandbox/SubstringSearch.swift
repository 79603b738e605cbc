/// Substring search in linear time: Knuth–Morris–Pratt over UTF-8 bytes, so a repetitive
/// needle (`("a" * 10**6).find("a" * 500000 + "b")`) costs O(n + m), not O(n·m). UTF-8 is
/// self-synchronizing: a match of a valid needle always starts at a code-point boundary.
struct SubstringSearch {
    let needle: [UInt8]
    /// failure[i]: length of the longest proper prefix of needle[0...i] that is also its suffix.
    private let failure: [Int]

    /// A search for a nonempty needle.
    init(_ needle: String) {
        let p = Array(needle.utf8)
        var f = [Int](repeating: 0, count: p.count)
        var k = 0
        for i in p.indices.dropFirst() {
            while k > 0 && p[i] != p[k] { k = f[k - 1] }
            if p[i] == p[k] { k += 1 }
            f[i] = k
        }
        self.needle = p
        failure = f
    }

    /// Calls `found` with the byte offset of each match inside `haystack[from..<to]`, left to
    /// right; matches do not overlap unless `overlapping`. `found` returns false to stop.
    func forEachMatch(in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil,
                      overlapping: Bool = false, _ found: (Int) throws -> Bool) rethrows {
        let end = to ?? haystack.count
        let m = needle.count
        var k = 0
        var i = from
        while i < end {
            let b = haystack[i]
            while k > 0 && b != needle[k] { k = failure[k - 1] }
            if b == needle[k] { k += 1 }
            if k == m {
                if !(try found(i + 1 - m)) { return }
                k = overlapping ? failure[m - 1] : 0
            }
            i += 1
        }
    }

    /// Number of non-overlapping matches in `haystack`, at most `limit`.
    func count(in haystack: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> Int {
        var n = 0
        if limit > 0 { forEachMatch(in: haystack) { _ in n += 1; return n < limit } }
        return n
    }
}
