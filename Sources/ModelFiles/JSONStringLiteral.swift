/// JSON string literals for the JSON this project writes by hand, where `JSONSerialization` will
/// not do: canonical JSON for content hashes (key order and number spelling fixed) and
/// tokenizer.json's vocabulary (keys that `String` equality would merge). `"`, `\` and control
/// characters are escaped; every other scalar is written as it is, so the text keeps the
/// string's exact scalars.
public enum JSONStringLiteral {
    /// `value` as a JSON string literal.
    public static func quoted(_ value: String) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    /// Appends `value` as a JSON string literal to `out`.
    public static func append(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
