import ModelFiles

/// The hyperparameters of a Llama-family model, read from GGUF metadata.
///
/// SmolLM2-135M: 30 layers, hidden 576, FFN 1536, 9 query heads and 3 KV heads of 64
/// dimensions, vocabulary 49152, RoPE base 100000, tied output embedding.
public struct LlamaConfiguration: Sendable, Hashable, Codable {
    public var layerCount: Int
    public var hiddenSize: Int
    public var feedForwardSize: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var vocabularySize: Int
    public var contextLength: Int
    public var ropeBase: Float
    public var rmsNormEpsilon: Float
    /// True when the output head reuses the token embedding (no `output.weight` tensor).
    public var tiedEmbeddings: Bool

    public var headDimension: Int { hiddenSize / headCount }
    /// Width of the key and value projections.
    public var kvSize: Int { kvHeadCount * headDimension }
    /// Query heads per KV head (grouped-query attention).
    public var groupSize: Int { headCount / kvHeadCount }

    public init(
        layerCount: Int, hiddenSize: Int, feedForwardSize: Int, headCount: Int, kvHeadCount: Int,
        vocabularySize: Int, contextLength: Int, ropeBase: Float = 10000, rmsNormEpsilon: Float = 1e-5,
        tiedEmbeddings: Bool = true
    ) {
        self.layerCount = layerCount
        self.hiddenSize = hiddenSize
        self.feedForwardSize = feedForwardSize
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.ropeBase = ropeBase
        self.rmsNormEpsilon = rmsNormEpsilon
        self.tiedEmbeddings = tiedEmbeddings
    }

    /// Reads the configuration of a `llama` architecture GGUF file.
    public init(gguf file: GGUFFile) throws(ModelFileError) {
        let architecture = try file.string("general.architecture")
        guard architecture == "llama" else {
            throw .invalidHeader(path: file.path, reason: "architecture '\(architecture)' is not supported (only llama)")
        }
        let prefix = architecture + "."
        layerCount = try file.integer(prefix + "block_count")
        hiddenSize = try file.integer(prefix + "embedding_length")
        feedForwardSize = try file.integer(prefix + "feed_forward_length")
        headCount = try file.integer(prefix + "attention.head_count")
        kvHeadCount = (try? file.integer(prefix + "attention.head_count_kv")) ?? headCount
        contextLength = try file.integer(prefix + "context_length")
        ropeBase = Float((try? file.number(prefix + "rope.freq_base")) ?? 10000)
        rmsNormEpsilon = Float(try file.number(prefix + "attention.layer_norm_rms_epsilon"))
        let embedding = try file.requireTensor("token_embd.weight")
        vocabularySize = embedding.rowCount
        tiedEmbeddings = file.tensor(named: "output.weight") == nil
        // Metadata is input: every value a kernel or an allocation relies on is checked here, so
        // a damaged or hostile file is an error naming the key instead of a trap.
        func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws(ModelFileError) {
            guard ok else { throw .invalidHeader(path: file.path, reason: "\(prefix + key) = \(value): \(expected)") }
        }
        try check((1...4096).contains(layerCount), "block_count", layerCount, "expected 1...4096 layers")
        try check((1...65536).contains(hiddenSize), "embedding_length", hiddenSize, "expected 1...65536")
        try check((1...(1 << 20)).contains(feedForwardSize), "feed_forward_length", feedForwardSize, "expected 1...1048576")
        try check((1...(1 << 24)).contains(contextLength), "context_length", contextLength, "expected a positive length up to 2^24")
        try check(headCount > 0 && hiddenSize % headCount == 0, "attention.head_count", headCount, "must divide embedding_length \(hiddenSize)")
        try check(kvHeadCount > 0 && headCount % kvHeadCount == 0, "attention.head_count_kv", kvHeadCount, "must divide head_count \(headCount)")
        try check(headDimension % 2 == 0, "attention.head_count", headCount,
                  "gives an odd head dimension \(headDimension); rotary embeddings rotate pairs")
        try check(ropeBase.isFinite && ropeBase > 0, "rope.freq_base", ropeBase, "expected a positive number")
        try check(rmsNormEpsilon.isFinite && rmsNormEpsilon > 0, "attention.layer_norm_rms_epsilon", rmsNormEpsilon, "expected a positive number")
        try check(vocabularySize > 0, "token_embd.weight rows", vocabularySize, "expected a vocabulary")
        guard embedding.rowLength == hiddenSize else {
            throw .badTensorShape(path: file.path, tensor: "token_embd.weight", reason: "rows of \(embedding.rowLength), expected \(hiddenSize)")
        }
    }

    /// GGUF tensor names of layer `layer`'s weights.
    public static func tensorName(layer: Int, _ suffix: String) -> String { "blk.\(layer).\(suffix).weight" }
}
