/// An HTTP proxy that opens tunnels with CONNECT (RFC 9110, section 9.3.6).
public struct HTTPProxyConfiguration: Hashable, Sendable {
    public var host: String
    public var port: UInt16
    /// Credentials for `Proxy-Authorization: Basic`, or nil to send none.
    public var credentials: Credentials?

    public struct Credentials: Hashable, Sendable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    public init(host: String, port: UInt16, credentials: Credentials? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// Builds the CONNECT request for a tunnel to `host`:`port`.
    func connectRequest(host targetHost: String, port targetPort: UInt16) -> HTTPRequestHead {
        let authority = Self.authority(host: targetHost, port: targetPort)
        var headers: HTTPHeaders = ["Host": authority]
        if let credentials {
            let token = Base64.encode(Array("\(credentials.username):\(credentials.password)".utf8))
            headers.add(name: "Proxy-Authorization", value: "Basic \(token)")
        }
        return HTTPRequestHead(method: .connect, target: authority, headers: headers)
    }

    /// `host:port`, with an IPv6 literal in brackets.
    static func authority(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A proxy that did not open the tunnel.
public struct ProxyError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        /// The proxy responded with 407 because credentials are missing or wrong.
        public static let authenticationRequired = Code(name: "authenticationRequired")
        /// The proxy responded with a status other than 2xx.
        public static let tunnelRejected = Code(name: "tunnelRejected")
        /// The proxy's response could not be parsed or broke the limits.
        public static let invalidResponse = Code(name: "invalidResponse")
    }

    public let code: Code
    public let message: String
    /// The proxy's status, when it sent one.
    public var status: HTTPStatus?

    public init(_ code: Code, _ message: String, status: HTTPStatus? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "proxy error \(code): \(message)" }
}
