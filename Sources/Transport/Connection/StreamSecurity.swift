/// The outcome of `StreamSecurity.readApplicationData(into:maximumCount:)`.
public enum StreamReadResult: Hashable, Sendable {
    /// This many bytes were appended to the buffer.
    case bytes(Int)
    /// Nothing can be read until more bytes arrive from the socket.
    case needsMoreInput
    /// The peer ended the stream in an orderly way (TLS close_notify).
    case closedByPeer
}

/// The layer between a socket and the protocol on it: TLS in production, plaintext in tests.
///
/// An implementation does no I/O. `Connection` feeds it the bytes read from the socket and writes the
/// bytes it produces, so the same event loop code runs over TLS and over plain TCP. All calls come from
/// the connection's event loop thread.
public protocol StreamSecurity: AnyObject {
    /// Buffers bytes read from the socket.
    func receiveInbound(_ bytes: UnsafeRawBufferPointer)
    /// Advances the handshake as far as buffered bytes allow and returns true once it is complete.
    func advanceHandshake() throws -> Bool
    /// Appends up to `maximumCount` bytes of application data to `buffer`.
    func readApplicationData(into buffer: inout [UInt8], maximumCount: Int) throws -> StreamReadResult
    /// Queues application data for the peer.
    func writeApplicationData(_ bytes: UnsafeRawBufferPointer) throws
    /// Returns the bytes to write to the socket, or an empty array when there are none.
    func takeOutbound() -> [UInt8]
    /// Queues the orderly end of the stream, such as TLS close_notify.
    func closeOutbound()
    /// The peer's verified certificate once the handshake is complete, or nil when it presented none.
    var peerCertificate: PeerCertificate? { get }
}

/// A `StreamSecurity` that passes bytes through unchanged: for tests, local debugging and the clear-text
/// leg to an HTTP proxy before the TLS handshake. EACP itself runs over TLS only.
public final class PlaintextStream: StreamSecurity {
    private var inbound = HTTPByteBuffer()
    private var outbound: [UInt8] = []

    public init() {}

    public func receiveInbound(_ bytes: UnsafeRawBufferPointer) { inbound.append(bytes) }

    public func advanceHandshake() throws -> Bool { true }

    public func readApplicationData(into buffer: inout [UInt8], maximumCount: Int) throws -> StreamReadResult {
        let count = min(maximumCount, inbound.readableCount)
        guard count > 0 else { return .needsMoreInput }
        buffer += inbound.slice(0, count)
        inbound.consume(count)
        return .bytes(count)
    }

    public func writeApplicationData(_ bytes: UnsafeRawBufferPointer) throws { outbound += bytes }

    public func takeOutbound() -> [UInt8] {
        defer { outbound = [] }
        return outbound
    }

    public func closeOutbound() {}

    public var peerCertificate: PeerCertificate? { nil }
}
