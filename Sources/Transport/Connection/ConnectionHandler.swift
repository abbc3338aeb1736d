/// The protocol running on a connection: HTTP server or client, WebSocket, or a proxy tunnel.
/// Every callback runs on the connection's event loop thread.
public protocol ConnectionHandler: AnyObject {
    /// Starts the protocol once the connection is open and its handshake, if any, is complete.
    func connectionDidBecomeActive(_ connection: Connection)
    /// Handles application data. The bytes are valid only during the call.
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer)
    /// Handles the end of the peer's side of the stream. The default closes the connection.
    func connectionDidReadEndOfStream(_ connection: Connection)
    /// Reacts to queued output crossing the high-water mark (false) or falling below the low-water mark (true).
    func connection(_ connection: Connection, writabilityDidChange writable: Bool)
    /// Handles the closed connection. `error` is nil after an orderly close. `Connection` calls it once,
    /// because it drops its handler when it closes.
    func connectionDidClose(_ connection: Connection, error: (any Error)?)
}

extension ConnectionHandler {
    public func connectionDidReadEndOfStream(_ connection: Connection) { connection.close() }
    public func connection(_ connection: Connection, writabilityDidChange writable: Bool) {}
}

/// Limits and timeouts of one connection.
public struct ConnectionConfiguration: Hashable, Sendable {
    /// Queued output above which the connection stops reading, so a peer that does not read cannot make
    /// this side buffer without bound. 256 KiB is a few large messages.
    public var outboundHighWaterMark = 256 * 1024
    /// Queued output below which reading resumes. Well under the high mark, so the connection does not
    /// flip between the two on every write.
    public var outboundLowWaterMark = 64 * 1024
    /// Time allowed for a TCP connect.
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed for the TLS handshake, so a peer that connects and sends nothing is dropped.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Time allowed after close() to flush output and read the peer's remaining bytes. Closing with
    /// unread bytes makes the kernel send a reset, which can destroy the last response at the peer.
    public var closeTimeout: Duration = .seconds(5)

    public init() {}
}

/// A connection failure that is not a system call error or a TLS error.
public struct ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        public static let connectTimeout = Code(name: "connectTimeout")
        public static let handshakeTimeout = Code(name: "handshakeTimeout")
        public static let closeTimeout = Code(name: "closeTimeout")
        public static let reset = Code(name: "reset")
        public static let endedDuringHandshake = Code(name: "endedDuringHandshake")
        public static let loopStopped = Code(name: "loopStopped")
        public static let shutdown = Code(name: "shutdown")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "connection error \(code): \(message)" }
}
