/// A complete request as a route handler sees it.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    /// The values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]
    public var body: [UInt8]
    /// The peer's address.
    public var remoteAddress: SocketAddress?
    /// The peer's verified certificate when the connection runs TLS with client certificates.
    public var peerCertificate: PeerCertificate?

    public init(
        head: HTTPRequestHead, pathParameters: [String: String] = [:], body: [UInt8] = [],
        remoteAddress: SocketAddress? = nil, peerCertificate: PeerCertificate? = nil
    ) {
        self.head = head
        self.pathParameters = pathParameters
        self.body = body
        self.remoteAddress = remoteAddress
        self.peerCertificate = peerCertificate
    }
}

/// The parts of a peer's verified certificate that a server uses to identify it.
public struct PeerCertificate: Hashable, Sendable {
    /// The subject's common name, which for an agent is its agent id.
    public var commonName: String?
    /// The subject distinguished name.
    public var subject: String
    /// The SHA-256 digest of the DER certificate, in lowercase hex.
    public var sha256Fingerprint: String

    public init(commonName: String?, subject: String, sha256Fingerprint: String) {
        self.commonName = commonName
        self.subject = subject
        self.sha256Fingerprint = sha256Fingerprint
    }
}

/// A complete response, written with a Content-Length.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Creates the response for an error: its status, its extra header fields, and the message as plain text.
    public init(error: HTTPError) {
        var headers = error.statusHeaders
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        self.init(status: error.status, headers: headers, body: Array((error.message + "\n").utf8))
    }
}

/// A route's handler, which turns a request into a response. It runs as a task off the event loop, so it
/// may block.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// A handler that runs on the event loop thread (`HTTPRouter.addSynchronous`), so it must not block.
public typealias HTTPSynchronousHandler = @Sendable (HTTPRequest) throws -> HTTPResponse
