import Foundation
import Inference

/// Everything that decides what a run generates: recorded in `run.json` when the run starts,
/// and compared on every later command, so a resumed run can never mix two configurations.
///
/// How many inputs (`--limit`, `--count`) is deliberately not part of it: inputs are keyed by
/// position, so a run can be extended to more inputs and keeps what it has.
public struct RunSettings: Sendable, Hashable, Codable {
    /// Bumped when the meaning of a field changes.
    public var version: Int
    /// The task's name (`coin-flip`, ..., `custom`).
    public var task: String
    /// The template, answer kind and format of a `custom` task (nil for the built-ins).
    public var customTask: CustomTaskSpec?
    /// The data file the inputs were read from (informational; its content hash is compared).
    public var dataFile: String?
    /// SHA-256 of the data file's bytes.
    public var dataHash: String?
    /// The seed of a generated task's inputs.
    public var dataSeed: UInt64?
    /// The System 2 method's name.
    public var method: String
    /// SHA-256 of the method's program (its steps as JSON): an edited method file is a different run.
    public var methodHash: String
    /// Samples per input (N).
    public var samples: Int
    /// The model URI (`LanguageModel.identifier`).
    public var model: String
    /// The adapter folder applied to the model, if any (informational; its content hash is compared).
    public var adapter: String?
    /// `AdapterFingerprint` of the adapter folder: the adapter's identity in cache keys.
    public var adapterHash: String?
    /// Sampling settings of the method's calls.
    public var maxTokens: Int
    public var temperature: Double
    public var topP: Double
    public var topK: Int?
    /// Extra stop strings of every call.
    public var stop: [String]
    /// The run seed: sample j of input x uses `SampleSeed.seed(runSeed: seed, inputID: x.id, sampleIndex: j)`.
    public var seed: UInt64
    /// The rule the samples' seeds were derived by (`SampleSeed.rule`); nil in a run.json made
    /// before the field existed, whose samples used rule 1 (seed + j for every input).
    public var seedRule: Int?
    /// Stop sampling an input once its vote is decided.
    public var adaptive: Bool
    /// Samples per request in adaptive mode.
    public var adaptiveChunk: Int
    /// Also vote on the task's perturbed inputs.
    public var perturb: Bool
    /// The agreement threshold used while generating (it decides adaptive stops and whether
    /// perturbations are sampled); curation of a plain run may use another.
    public var minAgreement: Double

    public init(
        task: String, dataFile: String? = nil, dataHash: String? = nil, dataSeed: UInt64? = nil, method: Method,
        samples: Int, model: String, adapter: String? = nil, adapterHash: String? = nil, parameters: SamplingParameters, adaptive: Bool = false,
        adaptiveChunk: Int = 1, perturb: Bool = false, minAgreement: Double = 0.6, customTask: CustomTaskSpec? = nil
    ) {
        version = 1
        self.task = task
        self.customTask = customTask
        self.dataFile = dataFile
        self.dataHash = dataHash
        self.dataSeed = dataSeed
        self.method = method.name
        methodHash = Self.fingerprint(of: method)
        self.samples = samples
        self.model = model
        self.adapter = adapter
        self.adapterHash = adapterHash
        maxTokens = parameters.maxTokens
        temperature = parameters.temperature
        topP = parameters.topP
        topK = parameters.topK
        stop = parameters.stop
        seed = parameters.seed
        seedRule = SampleSeed.rule
        self.adaptive = adaptive
        self.adaptiveChunk = max(1, adaptiveChunk)
        self.perturb = perturb
        self.minAgreement = minAgreement
    }

    /// The run's task, rebuilt from its name (and custom spec).
    public func makeTask() throws -> any DistillationTask {
        try TaskInputs.task(named: task, custom: customTask)
    }

    /// The adapter name the run's requests carry: the adapter's content hash
    /// (`AdapterFingerprint.requestName`), so cache keys tell adapters apart; nil without one.
    public var adapterRequestName: String? {
        if let adapterHash { return AdapterFingerprint.requestName(hash: adapterHash) }
        return adapter == nil ? nil : "adapter"  // a run.json from before adapters were hashed
    }

    /// The sampling parameters of the method's calls.
    public var parameters: SamplingParameters {
        SamplingParameters(maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed, stop: stop)
    }

    /// The consistency policy used while generating.
    public var policy: ConsistencyPolicy { ConsistencyPolicy(samples: samples, minAgreement: minAgreement) }

    /// Whether the generation-time threshold is baked into the results (adaptive stops and
    /// perturbation sampling depend on it), so curation must use the same one.
    public var thresholdIsFixed: Bool { adaptive || perturb }

    /// The SHA-256 of a method's program.
    public static func fingerprint(of method: Method) -> String {
        let json = (try? AtomicFile.canonicalJSON(method)) ?? Data()
        return ContentHash(hashing: json).hex
    }

    /// The SHA-256 of a file's bytes.
    public static func fingerprint(ofFile path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.unreadable(file: path, reason: "no such file or not readable")
        }
        return ContentHash(hashing: data).hex
    }

    /// The fields (in declaration order) where `other` differs from these settings, named as
    /// the user knows them; empty when a run made with these settings may continue with `other`.
    public func differences(from other: RunSettings) -> [SettingDifference] {
        func show<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "none" }
        var fields: [(String, String, String)] = [
            ("version", show(version), show(other.version)),
            ("task", task, other.task),
            ("custom task (template, answer kind, format)", show(customTask), show(other.customTask)),
            ("data (content hash of \(other.dataFile ?? dataFile ?? "the data file"))", show(dataHash), show(other.dataHash)),
            ("seed of the generated inputs", show(dataSeed), show(other.dataSeed)),
            ("method", method, other.method),
            ("method program (content hash of \(method))", methodHash, other.methodHash),
            ("samples", show(samples), show(other.samples)),
            ("model", model, other.model),
            adapterHash == nil && other.adapterHash == nil
                ? ("adapter", show(adapter), show(other.adapter))
                : ("adapter (content hash of \(other.adapter ?? adapter ?? "the adapter folder"))", show(adapterHash), show(other.adapterHash)),
            ("max-tokens", show(maxTokens), show(other.maxTokens)),
            ("temperature", show(temperature), show(other.temperature)),
            ("top-p", show(topP), show(other.topP)),
            ("top-k", show(topK), show(other.topK)),
            ("stop", show(stop), show(other.stop)),
            ("seed", show(seed), show(other.seed)),
            ("seed rule", show(seedRule ?? 1), show(other.seedRule ?? 1)),
            ("adaptive", show(adaptive), show(other.adaptive)),
            ("adaptive chunk", show(adaptiveChunk), show(other.adaptiveChunk)),
            ("perturb", show(perturb), show(other.perturb)),
        ]
        if thresholdIsFixed { fields.append(("min-agreement", show(minAgreement), show(other.minAgreement))) }
        return fields.filter { $0.1 != $0.2 }.map { SettingDifference(field: $0.0, stored: $0.1, requested: $0.2) }
    }
}

extension RunSettings: SeedRuledSettings {
    /// `run.json` spells its keys in snake case.
    public static var snakeCaseKeys: Bool { true }
}
