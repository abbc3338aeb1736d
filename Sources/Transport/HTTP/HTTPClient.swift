import Synchronization

/// Settings of an HTTP client.
public struct HTTPClientConfiguration: Sendable {
    /// Limits for parsing responses. The body limit defaults to 64 MiB because agent upgrade packages
    /// arrive as response bodies. A download can use Range requests to fetch a larger one in parts.
    public var limits: HTTPParserLimits = {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 64 * 1024 * 1024
        return limits
    }()
    /// Time allowed from sending a request to the end of its response.
    public var responseTimeout: Duration = .seconds(30)

    public init() {}
}

/// An HTTP/1.1 client for one server, reusing one keep-alive connection between requests.
///
/// Requests may run concurrently. Each takes the idle connection or opens another, and at most one is
/// kept for reuse. A request is never retried on its own, because EACP requests are not all idempotent,
/// so callers retry through their own queues.
public final class HTTPClient: Sendable {
    public let connector: ClientConnector
    public let configuration: HTTPClientConfiguration
    private let group: EventLoopGroup
    private let idle = Mutex<UncheckedSendable<HTTPClientConnection>?>(nil)

    public init(connector: ClientConnector, group: EventLoopGroup, configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.connector = connector
        self.group = group
        self.configuration = configuration
    }

    /// Sends a request and returns the complete response. `head.target` is the path, and the client sets
    /// Host and Content-Length.
    public func send(_ head: HTTPRequestHead, body: [UInt8] = []) async throws -> HTTPResponse {
        var head = head
        head.headers.replaceOrAdd(name: "Host", value: connector.hostHeader)
        if !body.isEmpty || head.method == .post || head.method == .put {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        }
        let client = try await takeConnection()
        let exchange = try await client.value.send(head: head, body: body)
        if exchange.reusable, idle.withLock({ slot in
            guard slot == nil else { return false }
            slot = client
            return true
        }) {
            return exchange.response
        }
        if exchange.reusable { client.value.closeWhenIdle() }
        return exchange.response
    }

    public func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> HTTPResponse {
        try await send(HTTPRequestHead(method: .get, target: path, headers: headers))
    }

    public func post(_ path: String, body: [UInt8], contentType: String = "application/x-protobuf") async throws
        -> HTTPResponse
    {
        try await send(HTTPRequestHead(method: .post, target: path, headers: ["Content-Type": contentType]), body: body)
    }

    /// Closes the idle connection. Requests in flight finish on their own connections.
    public func close() {
        idle.withLock { slot in
            slot?.value.closeWhenIdle()
            slot = nil
        }
    }

    private func takeConnection() async throws -> UncheckedSendable<HTTPClientConnection> {
        if let reused = idle.withLock({ slot in defer { slot = nil }; return slot }), reused.value.isUsable {
            return reused
        }
        let loop = group.next()
        let connection = try await connector.connect(on: loop)
        let configuration = self.configuration
        return try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                let client = HTTPClientConnection(connection: connection, configuration: configuration)
                continuation.resume(returning: UncheckedSendable(client))
            }
        }
    }
}
