import Distillation
import Inference

/// Templates the project reads, mutated: the embedded model's Jinja chat template (recognised
/// or refused by `ChatTemplate`, then rendered) and the built-in method YAML files (parsed as
/// `--methods-dir` files are, then every step's prompt rendered). YAML errors must name the file.
struct TemplateFuzzCase: FuzzCase {
    let seeds: [FuzzSeed]
    static let chatTemplateName = "tokenizer.chat_template"

    static let pieces = ["{%", "%}", "{{", "}}", "{", "}", "'", "\"", "\n", ": ", "- ", "  ", "|", ">", "#", "&a", "*a", "!!", "[", "]",
                         "endfor", "endif", "message['role']", "{input}", "{{input}}", "{step1}", "\t", "---", "null", "~"]

    init(modelPath: String) throws {
        var seeds = BuiltinMethods.yaml.map { FuzzSeed(name: "\($0.name).yaml", bytes: Array($0.text.utf8)) }
        if let source = try GGUFFile(path: modelPath).metadata[Self.chatTemplateName]?.stringValue {
            seeds.append(FuzzSeed(name: Self.chatTemplateName, bytes: Array(source.utf8)))
        }
        self.seeds = seeds
    }

    func mutate(_ seed: FuzzSeed, random: inout RandomSource) -> [UInt8] {
        ByteMutator(pieces: Self.pieces).mutate(seed.bytes, random: &random)
    }

    func check(_ input: [UInt8], name: String, cpuTimeElsewhere: inout Duration) -> FuzzVerdict {
        let text = String(decoding: input, as: UTF8.self)
        if name == Self.chatTemplateName {
            do {
                let template = try ChatTemplate(source: text)
                _ = template.render([ChatTurn(role: "system", content: "S"), ChatTurn(role: "user", content: "Q")], addGenerationPrompt: true)
                return .accepted
            } catch {
                return .rejected("\(error)")  // ChatTemplate.Unsupported: says which part of the template
            }
        }
        do {
            let method = try MethodYAML.parse(text, file: name)
            var variables = ["input": "A coin is heads up.", "question": "Q", "options": "(A) x", "format": "Answer yes or no."]
            for step in method.steps {
                variables[step.name] = Template.render(step.prompt, variables: variables).text
                if let system = step.system { _ = Template.render(system, variables: variables) }
            }
            return .accepted
        } catch {
            return .error("\(error)", naming: name)
        }
    }
}
