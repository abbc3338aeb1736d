import Foundation

/// The server under test: its origin, the CA that issued its certificate, and the administrator
/// token the runner drives it with (spec/conformance.md, "Server mode").
public struct ServerTarget: Sendable {
    /// The numeric IP address of the server URL. Probes connect only to loopback addresses.
    public var host: String
    public var port: UInt16
    public var caPEM: String
    public var adminToken: String

    public init(host: String, port: UInt16, caPEM: String, adminToken: String) {
        self.host = host
        self.port = port
        self.caPEM = caPEM
        self.adminToken = adminToken
    }

    /// Parses `https://ADDRESS[:PORT]` and reads the CA file.
    ///
    /// The runner only connects to loopback addresses (127.0.0.0/8 and ::1): it is a test tool for a
    /// server on the same machine, not a scanner.
    public init(url: String, caFile: String, adminToken: String) throws(RunnerError) {
        guard let components = URLComponents(string: url), components.scheme == "https", let host = components.host,
            components.path.isEmpty || components.path == "/"
        else {
            throw RunnerError(.usage, "server URL \"\(url)\" is invalid; expected https://ADDRESS[:PORT]")
        }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard bare == "::1" || bare.hasPrefix("127.") else {
            throw RunnerError(.usage, "server URL \"\(url)\" is not a loopback address; the runner tests only 127.0.0.0/8 and ::1")
        }
        guard let text = try? String(contentsOfFile: caFile, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") else {
            throw RunnerError(.usage, "CA file \(caFile) is missing, unreadable or contains no PEM certificate")
        }
        guard !adminToken.isEmpty else { throw RunnerError(.usage, "the administrator token is empty") }
        self.init(host: bare, port: UInt16(components.port ?? 443), caPEM: text, adminToken: adminToken)
    }

    public var url: String { host.contains(":") ? "https://[\(host)]:\(port)" : "https://\(host):\(port)" }
}
