/// The WebSocket protocol after the handshake (RFC 6455, sections 5 and 7) as a value with no I/O:
/// frames and timer events go in, actions come out.
struct WebSocketStateMachine {
    enum State: Equatable {
        /// Messages flow both ways. Next: closeSent when this side closes, closed when the peer closes
        /// or on an error.
        case open
        /// This side sent a close frame and waits for the peer's. Next: closed.
        case closeSent
        /// Terminal.
        case closed
    }

    enum Action: Equatable {
        /// Hand a complete message to the application.
        case deliver([UInt8])
        /// Write a frame.
        case send(WebSocketFrame)
        /// Start the timer that closes the connection if the peer sends no close frame in reply.
        case startCloseTimer
        /// Close the TCP connection (after flushing what was sent) and report the result.
        case closeConnection(WebSocketCloseResult)
    }

    private(set) var state = State.open
    private var fragments: [UInt8]?
    /// Pings sent since the last pong arrived, the one in flight included.
    private(set) var unansweredPings = 0
    /// Missed pings in a row after which the connection is presumed dead. Values below 1 count as 1.
    let missedPongLimit: Int
    /// Whether a ping is answered without its data, from `WebSocketConfiguration.sendsEmptyPongsForTesting`.
    var sendsEmptyPongs = false

    init(missedPongLimit: Int = WebSocketConfiguration().missedPongLimit) {
        self.missedPongLimit = max(1, missedPongLimit)
    }

    /// Whether the last ping sent still waits for its pong.
    var awaitingPong: Bool { unansweredPings > 0 }

    /// Pings whose pong had not arrived when the next ping was due, counted since the last pong. Every
    /// unanswered ping but the one in flight is missed, because the next ping goes out when it is due.
    var missedPongs: Int { max(0, unansweredPings - 1) }

    mutating func frameReceived(_ frame: WebSocketFrame) -> [Action] {
        switch state {
        case .closed: return []
        case .open, .closeSent: break
        }
        switch frame.opcode {
        case .binary, .continuation: return dataReceived(frame)
        case .ping:
            guard state == .open else { return [] }
            return [.send(WebSocketFrame(opcode: .pong, payload: sendsEmptyPongs ? [] : frame.payload))]
        case .pong:
            unansweredPings = 0
            return []
        case .close: return closeReceived(frame.payload)
        default:
            // The frame parser rejects text and reserved opcodes before they get here.
            return failed(WebSocketError(.protocolViolation, "unexpected \(frame.opcode) frame"))
        }
    }

    /// Closes from this side with a closing handshake.
    mutating func closeRequested(code: WebSocketCloseCode, reason: String) -> [Action] {
        guard state == .open else { return [] }
        state = .closeSent
        return [.send(.close(code: code, reason: reason)), .startCloseTimer]
    }

    /// Sends a ping, or closes the connection as presumed dead when `missedPongLimit` pings in a row got
    /// no pong before the next one was due.
    mutating func pingDue() -> [Action] {
        guard state == .open else { return [] }
        if unansweredPings >= missedPongLimit {
            return failed(WebSocketError(.pongTimeout, "missed pong limit of \(missedPongLimit) reached"))
        }
        unansweredPings += 1
        return [.send(WebSocketFrame(opcode: .ping))]
    }

    /// Closes the connection when the last ping is still without a pong, because it is presumed half-open.
    mutating func pongTimedOut() -> [Action] {
        guard state == .open, awaitingPong else { return [] }
        return failed(WebSocketError(.pongTimeout, "no pong arrived within the pong timeout"))
    }

    mutating func closeTimedOut() -> [Action] {
        guard state == .closeSent else { return [] }
        state = .closed
        let error = WebSocketError(.closeTimeout, "peer sent no close frame in reply in time")
        return [.closeConnection(WebSocketCloseResult(code: .abnormalClosure, reason: "", error: error))]
    }

    /// Reports the end or failure of the TCP connection.
    mutating func connectionEnded(error: WebSocketError?) -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        let error = error ?? WebSocketError(.connectionClosed, "connection ended without a closing handshake")
        return [.closeConnection(WebSocketCloseResult(code: .abnormalClosure, reason: "", error: error))]
    }

    /// Fails the connection: sends a close frame with the error's code when still possible, then closes.
    mutating func failed(_ error: WebSocketError) -> [Action] {
        let canSend = state == .open
        guard state != .closed else { return [] }
        state = .closed
        let result = WebSocketCloseResult(code: error.closeCode, reason: error.message, error: error)
        let close = WebSocketFrame.close(code: error.closeCode, reason: error.message)
        return (canSend ? [.send(close)] : []) + [.closeConnection(result)]
    }

    private mutating func dataReceived(_ frame: WebSocketFrame) -> [Action] {
        guard state == .open else { return [] }  // Data after this side's close frame is discarded.
        var message = fragments ?? []
        message += frame.payload
        guard frame.fin else {
            fragments = message
            return []
        }
        fragments = nil
        return [.deliver(message)]
    }

    private mutating func closeReceived(_ payload: [UInt8]) -> [Action] {
        let close: WebSocketClose
        do {
            close = try WebSocketClose.parse(payload)
        } catch {
            return failed(error)
        }
        let result = WebSocketCloseResult(code: close.code, reason: close.reason, error: nil)
        if state == .closeSent {
            state = .closed
            return [.closeConnection(result)]
        }
        state = .closed
        // Echo the peer's code, as RFC 6455, section 5.5.1 suggests. An empty close gets 1000 in reply.
        let echoed = close.code == .noStatusReceived ? WebSocketCloseCode.normalClosure : close.code
        return [.send(.close(code: echoed)), .closeConnection(result)]
    }
}
