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
    private(set) var awaitingPong = false

    mutating func frameReceived(_ frame: WebSocketFrame) -> [Action] {
        switch state {
        case .closed: return []
        case .open, .closeSent: break
        }
        switch frame.opcode {
        case .binary, .continuation: return dataReceived(frame)
        case .ping: return state == .open ? [.send(WebSocketFrame(opcode: .pong, payload: frame.payload))] : []
        case .pong:
            awaitingPong = false
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

    /// Sends a ping, or closes when the previous ping is still unanswered.
    mutating func pingDue() -> [Action] {
        guard state == .open else { return [] }
        guard !awaitingPong else {
            return failed(WebSocketError(.pongTimeout, "no pong arrived within the pong timeout"))
        }
        awaitingPong = true
        return [.send(WebSocketFrame(opcode: .ping))]
    }

    /// Closes the connection when the ping is still without a pong, because it is presumed half-open.
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
