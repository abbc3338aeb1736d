/// Settings of an HTTP server: where it listens, its limits, and its timeouts.
public struct HTTPServerConfiguration: Sendable {
    /// The numeric address to listen on, such as "127.0.0.1", "::1" or "0.0.0.0".
    public var host = "127.0.0.1"
    /// The port to listen on. 0 picks a free one, which `HTTPServer.start()` returns.
    public var port: UInt16 = 0
    public var limits = HTTPParserLimits()
    /// Time allowed for a request's whole header section from its first byte, so a client that sends a
    /// byte at a time cannot hold a connection. The server responds with 408.
    public var headerTimeout: Duration = .seconds(10)
    /// Time allowed for a request's whole body after its head. 60 s lets a 1 MiB upload chunk through a
    /// link of about 20 KiB/s. The server responds with 408.
    public var bodyTimeout: Duration = .seconds(60)
    /// Time a keep-alive connection may sit between requests before the server closes it.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections above which new ones get 503 with Retry-After and are closed.
    public var maxConnections = 10_000
    /// The Retry-After value, in seconds, sent with 503 when the server is full or shutting down.
    public var retryAfterSeconds = 5
    /// The listen backlog, which the kernel caps at net.core.somaxconn.
    public var backlog: Int32 = 1024
    public var connection = ConnectionConfiguration()

    public init() {}
}
