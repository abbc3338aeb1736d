/// Limits and timers of one WebSocket connection.
public struct WebSocketConfiguration: Hashable, Sendable {
    /// The largest message accepted, summed over its fragments. A larger one closes with 1009 before it is
    /// buffered. 1 MiB is far above any EACP push message.
    public var maxMessageBytes = 1024 * 1024
    /// Time between pings. 30 s stays inside the 60 s idle timeout common in proxies and load balancers.
    public var pingInterval: Duration = .seconds(30)
    /// Time to wait for the pong before the connection is presumed half-open and closed.
    public var pongTimeout: Duration = .seconds(10)
    /// Time to wait for the peer's close frame after sending one, before dropping the connection.
    public var closeTimeout: Duration = .seconds(5)

    public init() {}
}

/// The outcome of a closed WebSocket connection: its close code, reason and failure.
public struct WebSocketCloseResult: Hashable, Sendable {
    /// The code of the peer's close frame, or of this side's when the peer sent none. `abnormalClosure`
    /// when the connection ended without a closing handshake.
    public var code: WebSocketCloseCode
    public var reason: String
    /// The failure that ended the connection, or nil after a closing handshake.
    public var error: WebSocketError?
}
