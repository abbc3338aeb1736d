/// An HTTP request method. Any token is a valid method, so this is a struct over the name rather than an enum.
public struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let connect = HTTPMethod("CONNECT")
    public static let options = HTTPMethod("OPTIONS")

    public var description: String { name }
}

/// The HTTP version of a message. Only 1.0 and 1.1 are parsed, and other versions are rejected with 505.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// The request line and header fields of a request.
public struct HTTPRequestHead: Hashable, Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent, such as `/eacp/v1/heartbeat?x=1`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target without its query string.
    public var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

    /// Whether the connection stays open after this request: the default of the version, unless the
    /// `Connection` field sets otherwise (RFC 9112, section 9.3).
    public var keepAlive: Bool { HTTPRequestHead.keepAlive(version: version, headers: headers) }

    static func keepAlive(version: HTTPVersion, headers: HTTPHeaders) -> Bool {
        let tokens = headers.tokens(name: "Connection")
        if tokens.contains("close") { return false }
        return version == .http1_1 || tokens.contains("keep-alive")
    }
}

/// The status line and header fields of a response.
public struct HTTPResponseHead: Hashable, Sendable {
    public var version: HTTPVersion
    public var status: HTTPStatus
    public var headers: HTTPHeaders

    public init(status: HTTPStatus, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.status = status
        self.version = version
        self.headers = headers
    }

    public var keepAlive: Bool { HTTPRequestHead.keepAlive(version: version, headers: headers) }
}
