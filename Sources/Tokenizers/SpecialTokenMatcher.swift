/// Finds special tokens (such as `<|im_start|>`) in text so they become single ids.
///
/// Candidates are grouped by their first byte and tried longest first, so the leftmost,
/// longest match wins (as llama.cpp and HF's added-token matcher do).
struct SpecialTokenMatcher: Sendable {
    struct Entry: Sendable {
        var bytes: [UInt8]
        var id: Int32
        /// Control tokens are matched only when the caller asks for special parsing;
        /// user-defined tokens always are.
        var isControl: Bool
    }

    /// Entries by first byte, longest first.
    private let byFirstByte: [[Entry]]
    let isEmpty: Bool

    init(_ entries: [Entry]) {
        var table = [[Entry]](repeating: [], count: 256)
        for entry in entries where !entry.bytes.isEmpty {
            table[Int(entry.bytes[0])].append(entry)
        }
        for index in table.indices {
            table[index].sort { $0.bytes.count > $1.bytes.count }
        }
        byFirstByte = table
        isEmpty = entries.isEmpty
    }

    /// A piece of text between special tokens, or a special token.
    enum Chunk {
        case text(Range<Int>)
        case special(Int32)
    }

    /// Calls `emit` for the text runs and special tokens of `bytes`, in order, matching control
    /// tokens with `includeControl` and user-defined ones with `includeUserDefined`.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, includeControl: Bool, includeUserDefined: Bool = true, _ emit: (Chunk) -> Void) {
        var textStart = 0
        var position = 0
        let count = bytes.count
        search: while position < count {
            let candidates = byFirstByte[Int(bytes[position])]
            if !candidates.isEmpty {
                for entry in candidates where entry.isControl ? includeControl : includeUserDefined {
                    let length = entry.bytes.count
                    guard position + length <= count else { continue }
                    var matches = true
                    for offset in 1..<length where bytes[position + offset] != entry.bytes[offset] {
                        matches = false
                        break
                    }
                    if matches {
                        if textStart < position { emit(.text(textStart..<position)) }
                        emit(.special(entry.id))
                        position += length
                        textStart = position
                        continue search
                    }
                }
            }
            position += 1
        }
        if textStart < count { emit(.text(textStart..<count)) }
    }
}
