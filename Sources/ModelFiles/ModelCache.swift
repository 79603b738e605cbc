import Foundation

/// Where downloaded models live: `$S2D_HOME/models`, default `~/.cache/s2d/models`
/// (filled by `scripts/setup.sh`).
public enum ModelCache {
    /// The embedded default model's file name in the cache.
    public static let smolLM2FileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// Gemma 3 270M (the base model, Q4_K_M), the second model family's file in the cache.
    public static let gemma3FileName = "gemma-3-270m-q4_k_m.gguf"

    /// `$S2D_HOME`, or `~/.cache/s2d`.
    public static var home: URL {
        if let custom = ProcessInfo.processInfo.environment["S2D_HOME"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/s2d")
    }

    public static var modelsDirectory: URL { home.appendingPathComponent("models") }

    /// The cached file of an embedded model name (`smollm2-135m`, `gemma3-270m`), or nil for an unknown name.
    public static func path(forEmbeddedModel name: String) -> URL? {
        switch name.lowercased() {
        case "smollm2-135m", "smollm2-135m-instruct": modelsDirectory.appendingPathComponent(smolLM2FileName)
        case "gemma3-270m": modelsDirectory.appendingPathComponent(gemma3FileName)
        default: nil
        }
    }
}
