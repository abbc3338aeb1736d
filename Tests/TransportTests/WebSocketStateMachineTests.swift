import Testing

@testable import EACPTransport

private let ping = WebSocketFrame(opcode: .ping)
private let pong = WebSocketFrame(opcode: .pong)

/// Returns the actions of a failure: a close frame with `code` and `reason`, then closing the connection.
private func failure(_ code: WebSocketError.Code, _ reason: String) -> [WebSocketStateMachine.Action] {
    let error = WebSocketError(code, reason)
    return [
        .send(.close(code: error.closeCode, reason: reason)),
        .closeConnection(WebSocketCloseResult(code: error.closeCode, reason: reason, error: error)),
    ]
}

@Suite struct WebSocketStateMachineTests {
    @Test func missedPongLimitClosesWith1001() {
        var machine = WebSocketStateMachine(missedPongLimit: 3)

        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.missedPongs == 0)
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.missedPongs == 1)
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.missedPongs == 2)
        #expect(machine.unansweredPings == 3)
        #expect(machine.pingDue() == failure(.pongTimeout, "missed pong limit of 3 reached"))
        #expect(machine.state == .closed)
        #expect(WebSocketError(.pongTimeout, "").closeCode.rawValue == 1001)
    }

    @Test func pongResetsMissedCount() {
        var machine = WebSocketStateMachine(missedPongLimit: 2)

        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.missedPongs == 1)
        #expect(machine.frameReceived(pong) == [])
        #expect(machine.unansweredPings == 0)
        #expect(machine.missedPongs == 0)
        #expect(machine.awaitingPong == false)
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.state == .open)
    }

    @Test func limitOfOneClosesAtSecondPing() {
        var machine = WebSocketStateMachine(missedPongLimit: 1)

        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.pingDue() == failure(.pongTimeout, "missed pong limit of 1 reached"))
    }

    @Test func limitBelowOneCountsAsOne() {
        var machine = WebSocketStateMachine(missedPongLimit: 0)

        #expect(machine.missedPongLimit == 1)
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.pingDue() == failure(.pongTimeout, "missed pong limit of 1 reached"))
    }

    @Test func pongTimeoutClosesOnlyWhileAwaitingPong() {
        var machine = WebSocketStateMachine(missedPongLimit: 3)

        #expect(machine.pongTimedOut() == [])
        #expect(machine.pingDue() == [.send(ping)])
        #expect(machine.pongTimedOut() == failure(.pongTimeout, "no pong arrived within the pong timeout"))
    }

    @Test func closeRequestedSendsGivenCode() {
        var machine = WebSocketStateMachine()

        let actions = machine.closeRequested(code: .tryAgainLater, reason: "storage is down")

        #expect(actions == [.send(.close(code: .tryAgainLater, reason: "storage is down")), .startCloseTimer])
        #expect(machine.state == .closeSent)
        #expect(machine.pingDue() == [])
    }
}

@Suite struct WebSocketErrorTests {
    /// Every close code in EACP's error table, and the code each failure maps to.
    @Test(arguments: [
        (WebSocketError.Code.pongTimeout, 1001),
        (.protocolViolation, 1002),
        (.handshakeFailed, 1002),
        (.textNotSupported, 1003),
        (.invalidCloseReason, 1007),
        (.malformedMessage, 1007),
        (.policyViolation, 1008),
        (.messageTooLarge, 1009),
        (.internalError, 1011),
        (.closeTimeout, 1011),
        (.connectionClosed, 1011),
        (.unavailable, 1013),
    ])
    func errorMapsToCloseCode(code: WebSocketError.Code, closeCode: Int) {
        let error = WebSocketError(code, "reason")

        #expect(error.closeCode.rawValue == UInt16(closeCode))
        #expect(error.closeCode.isAllowedOnWire)
    }

    @Test func tryAgainLaterIsAllowedOnWire() {
        #expect(WebSocketCloseCode.tryAgainLater.rawValue == 1013)
        #expect(WebSocketCloseCode.tryAgainLater.isAllowedOnWire)
    }
}
