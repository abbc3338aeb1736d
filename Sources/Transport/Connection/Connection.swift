import CEACPLinux
import Glibc

/// One TCP connection on an event loop, running a `StreamSecurity` (TLS or plaintext) and handing the
/// application data to a `ConnectionHandler`.
///
/// It holds no fixed buffers: reads go through the loop's shared scratch space, and queued output is
/// released as soon as it is written, so an idle connection costs only this object and its handler.
/// Except for `execute`, use it on its event loop's thread only.
public final class Connection: EventSource, @unchecked Sendable {
    // @unchecked: all state is touched only on `loop`'s thread. Other threads reach it through `execute`.

    enum State {
        /// TCP connect in progress. Next: handshaking, or closed on failure or timeout.
        case connecting
        /// Security handshake in progress. Next: active, or closed.
        case handshaking
        /// Next: closing, or closed on error.
        case active
        /// Flushing output after close(), then reading until the peer ends its side. Next: closed.
        case closing
        /// Terminal.
        case closed
    }

    public let loop: EventLoop
    public let configuration: ConnectionConfiguration
    /// The protocol on the connection. The connection keeps it until it closes.
    public var handler: (any ConnectionHandler)?
    public private(set) var security: any StreamSecurity

    let fd: Int32
    var state: State
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var interest: UInt32 = 0
    var pausedByHandler = false
    var pausedByBackpressure = false
    var inputEnded = false
    var outputEnded = false
    var timer: TimerID?

    init(fd: Int32, loop: EventLoop, security: any StreamSecurity, state: State, configuration: ConnectionConfiguration) {
        self.fd = fd
        self.loop = loop
        self.security = security
        self.state = state
        self.configuration = configuration
    }

    /// Takes over an accepted socket and starts the handshake. Call on `loop`'s thread.
    static func accept(
        fd: Int32, loop: EventLoop, security: any StreamSecurity, handler: any ConnectionHandler,
        configuration: ConnectionConfiguration
    ) throws(SystemError) -> Connection {
        let connection = Connection(fd: fd, loop: loop, security: security, state: .handshaking, configuration: configuration)
        connection.handler = handler
        try loop.register(connection, fd: fd, events: 0)
        connection.startHandshake()
        return connection
    }

    /// Starts connecting to `address`. The handler gets `connectionDidBecomeActive` once the handshake
    /// completes, or `connectionDidClose` with the error. Call on `loop`'s thread.
    public static func connect(
        to address: SocketAddress, loop: EventLoop, security: any StreamSecurity, handler: any ConnectionHandler,
        configuration: ConnectionConfiguration = ConnectionConfiguration()
    ) throws(SystemError) -> Connection {
        loop.assertInEventLoop()
        let fd = try Socket.startConnect(to: address)
        let connection = Connection(fd: fd, loop: loop, security: security, state: .connecting, configuration: configuration)
        connection.handler = handler
        do {
            try loop.register(connection, fd: fd, events: EPOLLOUT.rawValue)
        } catch {
            Socket.close(fd)
            throw error
        }
        connection.interest = EPOLLOUT.rawValue
        connection.startTimer(configuration.connectTimeout) {
            $0.fail(ConnectionError(.connectTimeout, "connect to \(address) timed out"))
        }
        return connection
    }

    /// Runs `work` with this connection on its event loop's thread. Call it from any thread.
    public func execute(_ work: @escaping @Sendable (Connection) -> Void) {
        loop.execute { [self] in work(self) }
    }

    public var isActive: Bool { if case .active = state { true } else { false } }
    public var isClosed: Bool { if case .closed = state { true } else { false } }

    /// Bytes queued for the socket and not yet written.
    public var pendingOutboundCount: Int { outbound.count - outboundOffset }

    /// Whether queued output is under the high-water mark.
    public var isWritable: Bool { !pausedByBackpressure }

    public var localAddress: SocketAddress? { try? Socket.localAddress(fd) }
    public var remoteAddress: SocketAddress? { try? Socket.remoteAddress(fd) }

    /// Replaces the security layer on an active connection and starts its handshake, for TLS through an
    /// HTTP CONNECT tunnel. `inbound` are bytes that arrived after the proxy's response.
    public func startSecurity(_ newSecurity: any StreamSecurity, inbound: [UInt8]) {
        precondition(isActive && pendingOutboundCount == 0, "security can change only on an idle active connection")
        security = newSecurity
        inbound.withUnsafeBytes { newSecurity.receiveInbound($0) }
        startHandshake()
    }

    // MARK: Reading control

    /// Stops delivering data until `resumeReading()`. Unread bytes wait in the kernel and the TLS session.
    public func pauseReading() {
        pausedByHandler = true
        updateInterest()
    }

    /// Resumes delivery, on a later turn of the loop so a handler may call it from inside its callbacks.
    public func resumeReading() {
        guard pausedByHandler else { return }
        pausedByHandler = false
        loop.execute { [self] in
            guard readingEnabled else { return }
            updateInterest()
            processInbound()
        }
    }

    var readingEnabled: Bool {
        switch state {
        case .handshaking, .active: return !pausedByHandler && !pausedByBackpressure && !inputEnded
        case .closing: return !inputEnded
        case .connecting, .closed: return false
        }
    }

    // MARK: Closing

    /// Closes in order: queues the end of the stream (TLS close_notify), flushes queued output, ends the
    /// write side, and closes once the peer ends its side or `closeTimeout` passes.
    public func close() {
        switch state {
        case .closing, .closed: return
        case .connecting, .handshaking:
            finishClose(error: nil)
        case .active:
            state = .closing
            pausedByHandler = false
            security.closeOutbound()
            flushSecurityOutput()
            startTimer(configuration.closeTimeout) { $0.finishClose(error: nil) }
            closeWriteSideIfFlushed()
        }
    }

    /// Closes at once, dropping queued output, and reports `error` to the handler.
    public func fail(_ error: any Error) {
        finishClose(error: error)
    }

    func finishClose(error: (any Error)?) {
        if case .closed = state { return }
        state = .closed
        cancelTimer()
        loop.deregister(fd: fd)
        Socket.close(fd)
        outbound = []
        outboundOffset = 0
        let handler = self.handler
        self.handler = nil
        handler?.connectionDidClose(self, error: error)
    }

    func loopDidStop() {
        finishClose(error: ConnectionError(.loopStopped, "event loop stopped"))
    }

    // MARK: Timer

    func startTimer(_ delay: Duration, _ action: @escaping (Connection) -> Void) {
        cancelTimer()
        timer = loop.scheduleTimer(after: delay) { [weak self] in
            guard let self else { return }
            timer = nil
            action(self)
        }
    }

    func cancelTimer() {
        if let timer { loop.cancelTimer(timer) }
        timer = nil
    }
}
