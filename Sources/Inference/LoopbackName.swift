/// Names of the loopback interface, as a listening address or a request's Host.
public enum LoopbackName {
    /// Host names that reach a loopback listener from this machine only.
    public static func contains(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// The host part of a Host header: without the port, and without the brackets of an IPv6 literal.
    public static func hostName(_ header: String) -> String {
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") {
            return String(header[header.index(after: header.startIndex)..<close])
        }
        return String(header.prefix { $0 != ":" })
    }
}
