import ModelFiles

/// The hyperparameters of a decoder-only model, read from GGUF metadata: the Llama family
/// (`llama`) and Gemma 3 (`gemma3`), which is a Llama block with a few additions that
/// `architecture` switches on (see `ModelArchitecture`).
///
/// SmolLM2-135M: 30 layers, hidden 576, FFN 1536, 9 query heads and 3 KV heads of 64
/// dimensions, vocabulary 49152, RoPE base 100000, tied output embedding.
/// Gemma 3 270M: 18 layers, hidden 640, FFN 2048, 4 query heads and 1 KV head of 256
/// dimensions (so queries are 1024 wide, not 640), vocabulary 262144, sliding-window
/// attention (512 positions, RoPE base 10000) on 5 of every 6 layers, global attention
/// (RoPE base 1000000) on the 6th, tied output embedding.
public struct ModelConfiguration: Sendable, Hashable, Codable {
    public var architecture: ModelArchitecture
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
    /// Width of one attention head (`attention.key_length`; hidden / heads when absent).
    public var headDimension: Int
    /// Positions a sliding-window layer attends to (itself included); nil: every layer is global.
    public var slidingWindow: Int?
    /// Every `globalLayerPeriod`-th layer (1-based) attends globally; the others use the window.
    public var globalLayerPeriod: Int
    /// RoPE base of the sliding-window layers (Gemma 3: 10000; `ropeBase` is the global layers').
    public var slidingRopeBase: Float

    /// Width of the query projection and of the attention output (heads · head dimension).
    public var queryWidth: Int { headCount * headDimension }
    /// Width of the key and value projections.
    public var kvSize: Int { kvHeadCount * headDimension }
    /// Query heads per KV head (grouped-query attention).
    public var groupSize: Int { headCount / kvHeadCount }

    /// Whether layer `layer` attends only to the last `slidingWindow` positions.
    public func isSlidingWindowLayer(_ layer: Int) -> Bool {
        slidingWindow != nil && (layer + 1) % globalLayerPeriod != 0
    }

    /// The RoPE base of layer `layer`.
    public func ropeBase(layer: Int) -> Float { isSlidingWindowLayer(layer) ? slidingRopeBase : ropeBase }

    /// Factor on attention scores: 1/√(head dimension) for both families (Gemma 3's
    /// `query_pre_attn_scalar` equals its head dimension, which is what llama.cpp assumes too).
    public var attentionScale: Float { 1 / Float(headDimension).squareRoot() }

    /// Factor on the embedding rows before the first layer (Gemma: √hidden, in float32).
    public var embeddingScale: Float { architecture == .gemma3 ? Float(hiddenSize).squareRoot() : 1 }

    public init(
        layerCount: Int, hiddenSize: Int, feedForwardSize: Int, headCount: Int, kvHeadCount: Int,
        vocabularySize: Int, contextLength: Int, ropeBase: Float = 10000, rmsNormEpsilon: Float = 1e-5,
        tiedEmbeddings: Bool = true, architecture: ModelArchitecture = .llama, headDimension: Int? = nil,
        slidingWindow: Int? = nil, globalLayerPeriod: Int = 1, slidingRopeBase: Float = 10000
    ) {
        self.architecture = architecture
        self.headDimension = headDimension ?? hiddenSize / headCount
        self.slidingWindow = slidingWindow
        self.globalLayerPeriod = globalLayerPeriod
        self.slidingRopeBase = slidingRopeBase
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

    /// Reads the configuration of a `llama` or `gemma3` architecture GGUF file.
    public init(gguf file: GGUFFile) throws(ModelFileError) {
        let name = try file.string("general.architecture")
        guard let architecture = ModelArchitecture(rawValue: name) else {
            let known = ModelArchitecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidHeader(path: file.path, reason: "architecture '\(name)' is not supported (only \(known))")
        }
        self.architecture = architecture
        let prefix = name + "."
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
        headDimension = (try? file.integer(prefix + "attention.key_length")) ?? (headCount > 0 ? hiddenSize / headCount : 0)
        let valueLength = (try? file.integer(prefix + "attention.value_length")) ?? headDimension
        switch architecture {
        case .llama:
            slidingWindow = nil
            globalLayerPeriod = 1
            slidingRopeBase = ropeBase
        case .gemma3:
            // The file names the window but not the layer pattern or the local RoPE base: Gemma 3
            // fixes them (every 6th layer global, base 10000), as llama.cpp and transformers do.
            slidingWindow = try? file.integer(prefix + "attention.sliding_window")
            globalLayerPeriod = 6
            slidingRopeBase = 10000
        }
        // Metadata is input: every value a kernel or an allocation relies on is checked here, so
        // a damaged or hostile file is an error naming the key instead of a trap.
        func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws(ModelFileError) {
            guard ok else { throw .invalidHeader(path: file.path, reason: "\(prefix + key) = \(value): \(expected)") }
        }
        try check((1...4096).contains(layerCount), "block_count", layerCount, "expected 1...4096 layers")
        try check((1...65536).contains(hiddenSize), "embedding_length", hiddenSize, "expected 1...65536")
        try check((1...(1 << 20)).contains(feedForwardSize), "feed_forward_length", feedForwardSize, "expected 1...1048576")
        try check((1...(1 << 24)).contains(contextLength), "context_length", contextLength, "expected a positive length up to 2^24")
        try check(headCount > 0 && (architecture != .llama || hiddenSize % headCount == 0), "attention.head_count", headCount,
                  "must divide embedding_length \(hiddenSize)")
        try check((2...4096).contains(headDimension), "attention.key_length", headDimension, "expected 2...4096")
        try check(valueLength == headDimension, "attention.value_length", valueLength, "must equal attention.key_length \(headDimension)")
        try check(slidingWindow.map { $0 > 0 } ?? true, "attention.sliding_window", slidingWindow ?? 0, "expected a positive length")
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
