import Foundation
import Inference

/// The methods available by name: the built-ins, overridden or extended by the YAML files
/// (`*.yaml`, `*.yml`) of a methods directory, each file holding one method.
public struct MethodLibrary: Sendable {
    /// Methods by name.
    public private(set) var methods: [String: Method]

    /// The built-in methods, parsed once.
    public static let builtin = MethodLibrary()

    /// The built-in methods only.
    public init() {
        var m: [String: Method] = [:]
        for (name, text) in BuiltinMethods.yaml {
            // The built-ins are tested to parse; a failure here is a programming error.
            m[name] = try! MethodYAML.parse(text, file: "builtin:\(name)")
        }
        methods = m
    }

    /// The built-ins plus every method file in `directory` (a file's method replaces a
    /// built-in of the same name).
    public init(directory: String) throws {
        self.init()
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MethodError.invalidMethod(file: directory, line: nil, field: "(directory)", reason: "cannot list the directory")
        }
        for f in files.sorted() where f.hasSuffix(".yaml") || f.hasSuffix(".yml") {
            try add(MethodYAML.load(path: (directory as NSString).appendingPathComponent(f)))
        }
    }

    /// Adds or replaces a method.
    public mutating func add(_ method: Method) {
        methods[method.name] = method
    }

    /// The System 1 method of a task whose answers are of `kind`: `system1` (the answer alone),
    /// or `respond` for whole free-form responses, whose answer is the response itself.
    public static func system1(for kind: AnswerKind) -> Method {
        builtin.methods[kind == .response ? "respond" : "system1"]!
    }

    /// Sorted method names.
    public var names: [String] { methods.keys.sorted() }

    /// The method called `name`, or the path of a method file (ending in .yaml or .yml).
    public func method(named name: String) throws -> Method {
        if let m = methods[name] { return m }
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return try MethodYAML.load(path: name) }
        throw MethodError.unknownMethod(name: name, available: names)
    }

    /// Writes each built-in method's YAML to `directory/NAME.yaml` (creating the directory)
    /// and returns the paths written.
    @discardableResult
    public static func exportBuiltins(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try BuiltinMethods.yaml.map { name, text in
            let path = (directory as NSString).appendingPathComponent("\(name).yaml")
            try AtomicFile.write(text, to: URL(fileURLWithPath: path))
            return path
        }
    }
}
