import Foundation

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pad-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The words of a last-letter request (`... in "Elon Musk" and ...`).
func quotedWords(in text: String) -> [String] {
    guard let open = text.firstIndex(of: "\""), let close = text[text.index(after: open)...].firstIndex(of: "\"") else { return [] }
    return text[text.index(after: open)..<close].split(separator: " ").map(String.init)
}
