import ArgumentParser
import Distillation
import Foundation

/// The flags that define `--task custom` (any JSONL of `{"input", "answer"?, "options"?}`).
struct CustomTaskOptions: ParsableArguments {
    @Option(help: "Custom task: the user message, with {input} (and optionally {options}) replaced by the record's.") var template: String?
    @Option(name: .customLong("template-file"), help: "Custom task: read the template from this file.") var templateFile: String?
    @Option(name: .customLong("answer-kind"), help: "Custom task: number, yes-no (yesno), choice (option), verdict, word, text (a short answer) or response (a whole free-form response, curated with --curation usc).")
    var answerKind = "text"
    @Option(name: .customLong("answer-format"), help: "Custom task: the {format} sentence (default: one for the answer kind).")
    var answerFormat: String?

    /// Refuses the custom flags for another task, and `--task custom` without its data file.
    func validate(task: String?, data: String?) throws {
        if template != nil, templateFile != nil { throw ValidationError("give --template or --template-file, not both") }
        if CustomTaskSpec.answerKind(named: answerKind) == nil {
            throw ValidationError("--answer-kind: unknown kind \"\(answerKind)\" (number, yes-no, choice, verdict, word, text, response)")
        }
        let customFlags = template != nil || templateFile != nil || answerFormat != nil || answerKind != "text"
        if task == CustomTaskSpec.taskName {
            guard data != nil else { throw ValidationError("--task custom reads its inputs from --data FILE.jsonl") }
        } else if customFlags {
            throw ValidationError("--template, --template-file, --answer-kind and --answer-format are for --task custom")
        }
    }

    /// The custom task's spec (nil unless `task` is `custom`); reads `--template-file`.
    func spec(task: String?) throws -> CustomTaskSpec? {
        guard task == CustomTaskSpec.taskName else { return nil }
        var text = template ?? "{input}"
        if let templateFile {
            do {
                text = try String(contentsOfFile: templateFile, encoding: .utf8)
            } catch {
                throw ValidationError("--template-file \(templateFile): cannot read it (\(error.localizedDescription))")
            }
        }
        guard text.contains("{input}") else { throw ValidationError("the custom template must contain {input}") }
        return CustomTaskSpec(template: text, answerKind: CustomTaskSpec.answerKind(named: answerKind)!, answerFormat: answerFormat)
    }
}
