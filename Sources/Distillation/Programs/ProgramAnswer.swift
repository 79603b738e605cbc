import ProgramSandbox

/// A program's return value in the task's canonical answer form, so it compares with gold
/// answers by the task's own rule (numeric tolerance, exact words, yes/no).
public enum ProgramAnswer {
    /// The canonical answer `value` states for a task whose answers are `kind`; nil for `None`
    /// or a value that states no answer of that kind.
    ///
    /// `True`/`False` read as yes/no; numbers (ints, floats, big ints) in canonical number form;
    /// strings through the kind's parser ("yes", "12 apples", "nk").
    public static func canonical(_ value: PythonValueDescription, kind: AnswerKind) -> String? {
        if value.typeName == "NoneType" { return nil }
        switch kind {
        case .yesNo:
            if value.typeName == "bool" { return value.str == "True" ? "yes" : "no" }
            return kind.parse(value.str)
        case .number:
            if let n = value.number, n.isFinite, value.typeName != "str" { return NumberExtraction.canonical(n) }
            return kind.parse(value.str)
        case .word:
            let w = kind.normalize(value.str)
            return w.isEmpty ? nil : w
        case .text, .response:
            let t = kind.normalize(value.str)
            return t.isEmpty ? nil : t
        case .choice, .verdict:
            return kind.parse(value.str)
        }
    }
}
