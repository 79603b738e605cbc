import Foundation
import Yams

/// Reading and writing methods as YAML:
///
/// ```yaml
/// name: rar2
/// description: Rephrase the question, then answer seeing both versions.
/// steps:
///   - name: rephrase
///     prompt: |
///       {input}
///       Rewrite the question ...
///     max_tokens: 256        # optional per-step overrides
///     temperature: 0.7
///   - name: answer
///     prompt: |
///       {input}
///       {steps.rephrase}
/// answer_step: answer        # optional; default the last step
/// answer_from: text          # optional; `program` runs the Python program in the output,
///                            # `score_sum` sums per-criterion scores of two responses
/// both_orders: false         # optional; true judges the swapped input too (tie on disagreement)
/// ```
///
/// Unknown keys are errors (a misspelt `max_token` would otherwise be ignored silently).
public enum MethodYAML {
    static let methodKeys: Set = ["name", "description", "steps", "answer_step", "answer_from", "both_orders"]
    static let stepKeys: Set = ["name", "prompt", "system", "max_tokens", "temperature", "stop", "for_each", "max_items"]
    /// Variables every template may use besides `steps.*` and `fields.*`.
    static let knownVariables: Set = ["input", "question", "options", "response_a", "response_b", "format", "exemplars"]

    /// The method in YAML `text`; `file` names the source in errors.
    public static func parse(_ text: String, file: String) throws -> Method {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw MethodError.invalidMethod(file: file, line: line(of: error), field: "(document)", reason: "not valid YAML: \(error)")
        }
        guard let root, case .mapping(let map) = root else {
            throw MethodError.invalidMethod(file: file, line: root?.mark?.line, field: "(document)", reason: "must be a mapping with name and steps")
        }
        func fail(_ node: Node?, _ field: String, _ reason: String) -> MethodError {
            .invalidMethod(file: file, line: node?.mark?.line ?? root.mark?.line, field: field, reason: reason)
        }
        for (k, _) in map where !methodKeys.contains(k.string ?? "") {
            throw fail(k, k.string ?? "?", "unknown key; expected one of \(methodKeys.sorted().joined(separator: ", "))")
        }
        let name = try string(root["name"], "name", fail)
        let description = try optionalString(root["description"], "description", fail) ?? ""
        guard let stepsNode = root["steps"] else { throw fail(root, "steps", "missing") }
        guard case .sequence(let seq) = stepsNode, !seq.isEmpty else { throw fail(stepsNode, "steps", "must be a non-empty list of steps") }
        var steps: [MethodStep] = []
        for (i, node) in seq.enumerated() {
            let at = "steps[\(i)]"
            guard case .mapping(let sm) = node else { throw fail(node, at, "must be a mapping with name and prompt") }
            for (k, _) in sm where !stepKeys.contains(k.string ?? "") {
                throw fail(k, "\(at).\(k.string ?? "?")", "unknown key; expected one of \(stepKeys.sorted().joined(separator: ", "))")
            }
            let stepName = try string(node["name"], "\(at).name", fail, parent: node)
            guard !stepName.isEmpty, stepName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw fail(node["name"], "\(at).name", "\"\(stepName)\" must be letters, digits and _ only")
            }
            guard !steps.contains(where: { $0.name == stepName }) else { throw fail(node["name"], "\(at).name", "duplicate step name \"\(stepName)\"") }
            let prompt = try string(node["prompt"], "\(at).prompt", fail, parent: node)
            let system = try optionalString(node["system"], "\(at).system", fail)
            let maxTokens = try optionalInt(node["max_tokens"], "\(at).max_tokens", fail)
            if let m = maxTokens, m <= 0 { throw fail(node["max_tokens"], "\(at).max_tokens", "must be positive") }
            var temperature: Double? = nil
            if let t = node["temperature"] {
                guard let v = t.float ?? t.int.map(Double.init), v >= 0 else { throw fail(t, "\(at).temperature", "must be a number ≥ 0") }
                temperature = v
            }
            var stop: [String]? = nil
            if let s = node["stop"] {
                guard case .sequence(let ss) = s, ss.allSatisfy({ $0.scalar != nil }) else { throw fail(s, "\(at).stop", "must be a list of strings") }
                stop = ss.compactMap(\.string)
            }
            let forEach = try optionalString(node["for_each"], "\(at).for_each", fail)
            if let f = forEach, !steps.contains(where: { $0.name == f }) {
                throw fail(node["for_each"], "\(at).for_each", "\"\(f)\" is not an earlier step")
            }
            let maxItems = try optionalInt(node["max_items"], "\(at).max_items", fail)
            if let m = maxItems, m <= 0 { throw fail(node["max_items"], "\(at).max_items", "must be positive") }
            // Placeholders must name something that will exist when the step runs.
            for (template, field) in [(prompt, "prompt"), (system ?? "", "system")] {
                for v in Template.placeholders(in: template) {
                    if v.hasPrefix("steps.") {
                        let ref = String(v.dropFirst(6))
                        guard steps.contains(where: { $0.name == ref }) else {
                            throw fail(node[field], "\(at).\(field)", "{\(v)} does not name an earlier step")
                        }
                    } else if v == "item" || v == "item_index" {
                        guard forEach != nil else { throw fail(node[field], "\(at).\(field)", "{\(v)} is only available in a step with for_each") }
                    } else if !v.hasPrefix("fields."), !knownVariables.contains(v) {
                        throw fail(node[field], "\(at).\(field)",
                                   "unknown variable {\(v)}; known: \(knownVariables.sorted().map { "{\($0)}" }.joined(separator: " ")), {steps.NAME}, {fields.NAME}, {item}")
                    }
                }
            }
            steps.append(MethodStep(
                name: stepName, prompt: prompt, system: system, maxTokens: maxTokens, temperature: temperature,
                stop: stop, forEach: forEach, maxItems: maxItems))
        }
        let answerStep = try optionalString(root["answer_step"], "answer_step", fail)
        if let a = answerStep, !steps.contains(where: { $0.name == a }) {
            throw fail(root["answer_step"], "answer_step", "\"\(a)\" is not a step of this method")
        }
        let answerFrom = try optionalString(root["answer_from"], "answer_from", fail).map { raw -> AnswerSource in
            guard let source = AnswerSource(rawValue: raw) else {
                throw fail(root["answer_from"], "answer_from", "\"\(raw)\" is not text, program or score_sum")
            }
            return source
        }
        var bothOrders = false
        if let node = root["both_orders"] {
            guard let value = node.bool else { throw fail(node, "both_orders", "expected true or false") }
            bothOrders = value
        }
        if answerFrom == .scoreSum, steps.first(where: { $0.name == (answerStep ?? steps.last?.name) })?.forEach == nil {
            throw fail(root["answer_from"], "answer_from", "score_sum sums the items of a for_each step; the answer step has no for_each")
        }
        return Method(name: name, description: description, steps: steps, answerStep: answerStep, answerFrom: answerFrom, bothOrders: bothOrders)
    }

    /// The method in the YAML file at `path`.
    public static func load(path: String) throws -> Method {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw MethodError.invalidMethod(file: path, line: nil, field: "(file)", reason: "cannot read the file")
        }
        return try parse(text, file: path)
    }

    /// `method` as YAML that `parse` reads back.
    public static func serialize(_ method: Method) throws -> String {
        var steps: [Node] = []
        for s in method.steps {
            var pairs: [(Node, Node)] = [("name", Node(s.name)), ("prompt", Node(s.prompt, Tag(.str), .literal))]
            if let v = s.system { pairs.append(("system", Node(v, Tag(.str), .literal))) }
            if let v = s.maxTokens { pairs.append(("max_tokens", Node(String(v), Tag(.int)))) }
            if let v = s.temperature { pairs.append(("temperature", Node(String(v), Tag(.float)))) }
            if let v = s.stop { pairs.append(("stop", Node(v.map { Node($0, Tag(.str), .doubleQuoted) }))) }
            if let v = s.forEach { pairs.append(("for_each", Node(v))) }
            if let v = s.maxItems { pairs.append(("max_items", Node(String(v), Tag(.int)))) }
            steps.append(Node(pairs))
        }
        var top: [(Node, Node)] = [("name", Node(method.name)), ("description", Node(method.description))]
        top.append(("steps", Node(steps)))
        if method.answerStep != method.steps.last?.name { top.append(("answer_step", Node(method.answerStep))) }
        if let source = method.answerFrom { top.append(("answer_from", Node(source.rawValue))) }
        if method.bothOrders == true { top.append(("both_orders", Node("true", Tag(.bool)))) }
        return try Yams.serialize(node: Node(top), width: -1, allowUnicode: true)
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func string(_ node: Node?, _ field: String, _ fail: (Node?, String, String) -> MethodError, parent: Node? = nil) throws -> String {
        guard let node else { throw fail(parent, field, "missing") }
        guard case .scalar(let s) = node else { throw fail(node, field, "must be a string") }
        return s.string
    }

    static func optionalString(_ node: Node?, _ field: String, _ fail: (Node?, String, String) -> MethodError) throws -> String? {
        guard let node else { return nil }
        return try string(node, field, fail)
    }

    static func optionalInt(_ node: Node?, _ field: String, _ fail: (Node?, String, String) -> MethodError) throws -> Int? {
        guard let node else { return nil }
        guard let v = node.int else { throw fail(node, field, "must be an integer") }
        return v
    }
}
