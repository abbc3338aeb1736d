/// The server's origin, `https://host[:port]` with an optional trailing `/` and nothing else.
public struct ServerURL: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP literal, without the brackets of an IPv6 literal.
    public let host: String
    public let port: UInt16

    /// Parses `text` under the origin rule: only `https`, a host, an optional port (443 when absent)
    /// and an optional trailing `/`.
    public init(parsing text: String) throws(AgentOptionsError) {
        let prefix = "https://"
        guard text.hasPrefix(prefix) else {
            throw AgentOptionsError(.invalidValue, "server URL \"\(text)\" is invalid: it must start with https://")
        }
        var authority = Substring(text.dropFirst(prefix.count))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if BrokenVariant.isActive(.acceptsURLPath), let slash = authority.firstIndex(of: "/") { authority = authority[..<slash] }
        guard !authority.isEmpty, !authority.contains(where: { "/?#@ ".contains($0) }) else {
            throw AgentOptionsError(
                .invalidValue, "server URL \"\(text)\" is invalid: only https://host[:port] is allowed")
        }

        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw AgentOptionsError(.invalidValue, "server URL \"\(text)\" has an unclosed IPv6 literal")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    throw AgentOptionsError(.invalidValue, "server URL \"\(text)\" has text after the IPv6 literal")
                }
                portText = rest.dropFirst()
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty else {
                throw AgentOptionsError(.invalidValue, "server URL \"\(text)\" has an invalid host")
            }
            host = String(parts[0])
            portText = parts.count == 2 ? parts[1] : nil
        }

        if let portText {
            guard let value = UInt16(portText), value > 0, portText.allSatisfy(\.isASCII) else {
                throw AgentOptionsError(.invalidValue, "server URL \"\(text)\" has an invalid port \"\(portText)\"")
            }
            port = value
        } else {
            port = 443
        }
    }

    /// The origin in its canonical text form.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port == 443 ? "https://\(shownHost)" : "https://\(shownHost):\(port)"
    }
}
