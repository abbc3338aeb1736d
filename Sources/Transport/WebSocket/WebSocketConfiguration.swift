/// Limits and timers of one WebSocket connection.
public struct WebSocketConfiguration: Hashable, Sendable {
    /// The largest message accepted, summed over its fragments. A larger one closes with 1009 before it is
    /// buffered. 1 MiB is far above any EACP push message.
    public var maxMessageBytes = 1024 * 1024
    /// Time between pings. 30 s stays inside the 60 s idle timeout common in proxies and load balancers.
    public var pingInterval: Duration = .seconds(30)
    /// Missed pings in a row after which the connection closes with 1001 (going away), as EACP requires. A
    /// ping is missed when its pong has not arrived by the time the next ping is due. 3 by default, as in
    /// EACP, and values below 1 count as 1.
    public var missedPongLimit = 3
    /// A stricter deadline for each ping's pong, or nil (the default) to count missed pongs alone. Each new
    /// ping restarts it, so only a value below `pingInterval` has an effect.
    public var pongTimeout: Duration? = nil
    /// Time to wait for the peer's close frame after sending one, before dropping the connection.
    public var closeTimeout: Duration = .seconds(5)
    /// Received messages the application has not read yet, above which the connection stops reading the
    /// socket until the application reads the queue down to half. 4 MiB is four messages of the largest
    /// size. While reading is stopped, pongs go unread too, so an application that stops reading for
    /// longer than the missed pong limit allows loses the connection.
    public var maxQueuedInboundBytes = 4 * 1024 * 1024
    /// The same limit counted in messages, so a flood of tiny messages is bounded too.
    public var maxQueuedInboundMessages = 1024
    /// Takes a text frame as a binary one instead of closing with 1003 (unsupported data). EACP allows
    /// binary messages only, so only tests set this, to build a faulty peer.
    public var treatsTextAsBinaryForTesting = false
    /// Replies to a ping with an empty pong instead of one carrying the ping's data, as RFC 6455 requires.
    /// Only tests set this, to build a faulty peer.
    public var sendsEmptyPongsForTesting = false

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
