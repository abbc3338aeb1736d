import Synchronization

/// A function that runs on the event loop when a server accepts a WebSocket upgrade. `request` is the
/// upgrade request.
public typealias WebSocketAcceptHandler = @Sendable (WebSocket, HTTPRequest) -> Void

/// An open WebSocket connection carrying binary messages, on the server or the client side.
///
/// `send` and `close` may be called from any thread. Received messages arrive on `messages`, which
/// finishes when the connection closes. `closeResult` then contains the outcome, and `liveness` reports
/// the pings and pongs while it is open.
public final class WebSocket: ConnectionHandler, @unchecked Sendable {
    // @unchecked: `parser`, `machine` and the timers are touched only on the connection's loop thread.
    // `result` and `livenessState` are behind mutexes, and the stream continuation and `inboundQueue` are
    // thread-safe.

    public enum Role: Sendable { case server, client }

    public let role: Role
    public let configuration: WebSocketConfiguration
    /// Complete binary messages from the peer, in order.
    public let messages: AsyncStream<[UInt8]>

    let connection: Connection
    private let continuation: AsyncStream<[UInt8]>.Continuation
    let inboundQueue: WebSocketInboundQueue
    private let result = Mutex<WebSocketCloseResult?>(nil)
    let livenessState: Mutex<WebSocketLiveness>
    private var parser: WebSocketFrameParser
    var machine: WebSocketStateMachine
    var pingTimer: TimerID?
    var pongTimer: TimerID?
    private var closeTimer: TimerID?
    /// A function that runs on the loop once the connection has closed. The server counts connections with it.
    var onClosed: (() -> Void)?

    /// Takes over `connection` after a successful handshake. `inbound` are bytes that arrived behind the
    /// handshake. Call on the connection's loop thread.
    init(connection: Connection, role: Role, configuration: WebSocketConfiguration, inbound: [UInt8]) {
        self.connection = connection
        self.role = role
        self.configuration = configuration
        // The stream itself is unbounded, and `inboundQueue` stops reading the socket when too much waits in it.
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
        self.continuation = continuation
        inboundQueue = WebSocketInboundQueue(configuration: configuration, connection: connection)
        messages = AsyncStream.counting(stream, off: inboundQueue)
        machine = WebSocketStateMachine(missedPongLimit: configuration.missedPongLimit)
        machine.sendsEmptyPongs = configuration.sendsEmptyPongsForTesting
        livenessState = Mutex(WebSocketLiveness(missedPongLimit: machine.missedPongLimit))
        parser = WebSocketFrameParser(role: role == .server ? .server : .client, maxMessageBytes: configuration.maxMessageBytes)
        parser.treatsTextAsBinary = configuration.treatsTextAsBinaryForTesting
        connection.handler = self
        schedulePing()
        if !inbound.isEmpty {
            inbound.withUnsafeBytes { received($0) }
        }
    }

    /// The outcome of the connection, or nil while it is open.
    public var closeResult: WebSocketCloseResult? { result.withLock { $0 } }

    /// Sends one binary message. Messages sent after close are dropped.
    ///
    /// NOTE: output waits in the connection without bound while the peer does not read. The connection
    /// stops reading above `ConnectionConfiguration.outboundHighWaterMark`, but `send` keeps queueing, which
    /// is acceptable only because EACP sends few, small push messages.
    public func send(_ message: [UInt8]) {
        connection.execute { [self] _ in
            guard machine.state == .open else { return }
            write(WebSocketFrame(opcode: .binary, payload: message))
        }
    }

    /// Writes `frame` as it is, whatever its opcode, while the connection is open. EACP sends only binary
    /// messages and its own pings, so only tests call this, to act as a faulty peer or to ping with data.
    public func sendFrameForTesting(_ frame: WebSocketFrame) {
        connection.execute { [self] _ in
            guard machine.state == .open else { return }
            write(frame)
        }
    }

    /// Starts the closing handshake with `code` and a UTF-8 `reason`, cut to the 123 bytes a close frame has
    /// room for. The connection closes once the peer's close frame arrives or `closeTimeout` passes.
    ///
    /// `code` must be one a close frame may carry (`isAllowedOnWire`): 1005, 1006 and unassigned numbers
    /// stop the program, because they are a mistake in the caller.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        precondition(code.isAllowedOnWire, "close code \(code) may not be sent in a close frame")
        connection.execute { [self] _ in perform(machine.closeRequested(code: code, reason: reason)) }
    }

    /// Closes at once with `error`'s close code and its message as the reason, without waiting for the
    /// peer's close frame. For example `.malformedMessage` (1007) for a message that does not decode, or
    /// `.policyViolation` (1008) for one that breaks a rule.
    public func fail(_ error: WebSocketError) {
        connection.execute { [self] _ in perform(machine.failed(error)) }
    }

    // MARK: ConnectionHandler

    public func connectionDidBecomeActive(_ connection: Connection) {}

    public func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    public func connectionDidReadEndOfStream(_ connection: Connection) {
        perform(machine.connectionEnded(error: nil))
    }

    public func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        let failure = error.map { WebSocketError(.connectionClosed, "connection failed: \($0)") }
        perform(machine.connectionEnded(error: failure))
        cancelTimers()
        finish(result: closeResult ?? WebSocketCloseResult(code: .abnormalClosure, reason: "", error: failure))
        onClosed?()
        onClosed = nil
    }

    // MARK: Inbound and actions

    private func received(_ bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        while machine.state != .closed {
            do {
                guard let frame = try parser.nextFrame() else { return }
                perform(machine.frameReceived(frame))
                if frame.opcode == .pong { pongReceived(payload: frame.payload) }
            } catch {
                perform(machine.failed(error))
            }
        }
    }

    func perform(_ actions: [WebSocketStateMachine.Action]) {
        for action in actions {
            switch action {
            case .deliver(let message):
                // Counted before the yield, so a reader on another thread never counts it off first.
                inboundQueue.enqueued(byteCount: message.count)
                continuation.yield(message)
            case .send(let frame):
                write(frame)
            case .startCloseTimer:
                closeTimer = connection.loop.scheduleTimer(after: configuration.closeTimeout) { [weak self] in
                    guard let self else { return }
                    perform(machine.closeTimedOut())
                }
            case .closeConnection(let closeResult):
                finish(result: closeResult)
                cancelTimers()
                connection.close()
            }
        }
    }

    private func write(_ frame: WebSocketFrame) {
        let maskingKey = role == .client ? WebSocketFrame.randomMaskingKey() : nil
        connection.write(frame.encode(maskingKey: maskingKey))
    }

    private func finish(result closeResult: WebSocketCloseResult) {
        let first = result.withLock { stored in
            guard stored == nil else { return false }
            stored = closeResult
            return true
        }
        if first { continuation.finish() }
    }

    private func cancelTimers() {
        for timer in [pingTimer, pongTimer, closeTimer].compactMap({ $0 }) { connection.loop.cancelTimer(timer) }
        pingTimer = nil
        pongTimer = nil
        closeTimer = nil
    }
}
