import Foundation
import ModelFiles

/// A SentencePiece BPE vocabulary (GGUF `tokenizer.ggml.model = "llama"`, Gemma 3) as the
/// `tokenizers` library's `tokenizer.json`: a BPE model with byte fallback over "▁"-spelled
/// text, the way `transformers` converts such a vocabulary (so `AutoTokenizer` encodes as it
/// does for the original model).
///
/// SentencePiece merges the adjacent pair whose joined piece ranks first; `tokenizers`' BPE needs
/// those merges listed. They are every split of every piece into two pieces of the vocabulary,
/// pieces in id order, a piece's splits longest left part first (the order `transformers`
/// produces from a GGUF, checked against it). Pieces are compared as UTF-8 bytes: the vocabulary
/// holds canonically equivalent spellings (434 pairs in Gemma 3's) that Swift's `String`
/// equality would merge.
enum SentencePieceTokenizerJSON {
    /// SentencePiece's spelling of a space.
    static let spaceMark = "\u{2581}"

    /// The JSON text of `tokenizer.json`.
    /// - Parameters:
    ///   - tokens: the vocabulary as the GGUF spells it (user-defined whitespace runs with real
    ///     spaces, ordinary pieces with "▁").
    ///   - addsSpacePrefix: `tokenizer.ggml.add_space_prefix` ("▁" before the text).
    ///   - bos: the BOS token's id when the tokenizer adds it to every text.
    ///   - added: `addedTokens(tokens:types:)`.
    static func data(tokens: [String], added: [(id: Int, special: Bool)], addsSpacePrefix: Bool, bos: Int?, unknown: Int?) throws -> Data {
        let pieces = tokens.map { $0.replacingOccurrences(of: " ", with: spaceMark) }
        let addedTokens: [[String: Any]] = added.map {
            ["id": $0.id, "content": pieces[$0.id], "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": $0.special]
        }
        let replaceSpaces: [String: Any] = ["type": "Replace", "pattern": ["String": " "], "content": spaceMark]
        let normalizer: Any = addsSpacePrefix
            ? ["type": "Sequence", "normalizers": [["type": "Prepend", "prepend": spaceMark], replaceSpaces]]
            : replaceSpaces
        var decoders: [[String: Any]] = [
            ["type": "Replace", "pattern": ["String": spaceMark], "content": " "], ["type": "ByteFallback"], ["type": "Fuse"],
        ]
        if addsSpacePrefix { decoders.append(["type": "Strip", "content": " ", "start": 1, "stop": 0]) }

        // The model object is written by hand: its vocabulary must keep every spelling apart.
        let quoted = JSONStringLiteral.quoted
        var model = "{\"byte_fallback\":true,\"continuing_subword_prefix\":null,\"dropout\":null,\"end_of_word_suffix\":null,"
        model += "\"fuse_unk\":true,\"ignore_merges\":false,\"merges\":["
        model += merges(pieces).map { "[\(quoted(pieces[$0.left])),\(quoted(pieces[$0.right]))]" }.joined(separator: ",")
        model += "],\"type\":\"BPE\",\"unk_token\":\(unknown.map { quoted(pieces[$0]) } ?? "null"),\"vocab\":{"
        var seen = Set<[UInt8]>()
        model += pieces.indices.filter { seen.insert(Array(pieces[$0].utf8)).inserted }
            .map { "\(quoted(pieces[$0])):\($0)" }.joined(separator: ",")
        model += "}}"

        let members: [(String, String)] = [
            ("version", "\"1.0\""), ("truncation", "null"), ("padding", "null"),
            ("added_tokens", try compact(addedTokens)),
            ("normalizer", try compact(normalizer)),
            ("pre_tokenizer", try compact(["type": "Split", "pattern": ["String": " "], "behavior": "MergedWithPrevious", "invert": false] as [String: Any])),
            ("post_processor", try bos.map { try compact(HuggingFaceTokenizerFiles.bosTemplate(token: pieces[$0], id: $0)) } ?? "null"),
            ("decoder", try compact(["type": "Sequence", "decoders": decoders] as [String: Any])),
            ("model", model),
        ]
        return Data(("{" + members.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    /// The tokens matched whole before the model runs: control tokens (special) and user-defined
    /// ones, except runs of spaces, which transformers leaves to the model (so its BPE builds them,
    /// pairwise for runs longer than the longest piece).
    static func addedTokens(tokens: [String], types: [TokenType]) -> [(id: Int, special: Bool)] {
        types.enumerated().compactMap { id, type in
            switch type {
            case .control, .unknown: (id, true)
            case .userDefined where !tokens[id].allSatisfy({ $0 == " " }): (id, false)
            default: nil
            }
        }
    }

    /// The merges in rank order, as (left id, right id): for each piece in id order, every split
    /// into two vocabulary pieces, the longest left part first. A spelling that occurs twice
    /// is the first id's.
    static func merges(_ pieces: [String]) -> [(left: Int, right: Int)] {
        var ids: [[UInt8]: Int] = [:]
        for (id, piece) in pieces.enumerated() where ids[Array(piece.utf8)] == nil { ids[Array(piece.utf8)] = id }
        var result: [(left: Int, right: Int)] = []
        for piece in pieces {
            let bytes = Array(piece.utf8)
            // Split points between Unicode scalars, from the last to the first.
            var split = bytes.count
            while true {
                repeat { split -= 1 } while split > 0 && bytes[split] & 0xC0 == 0x80
                guard split > 0 else { break }
                if let left = ids[Array(bytes[..<split])], let right = ids[Array(bytes[split...])] {
                    result.append((left, right))
                }
            }
        }
        return result
    }

    static func compact(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
