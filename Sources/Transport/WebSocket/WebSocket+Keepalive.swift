import Foundation
import Synchronization

/// The ping and pong record of an open WebSocket, for a liveness check or a status display.
public struct WebSocketLiveness: Hashable, Sendable {
    /// When this side last sent a ping, or nil before the first one.
    public var lastPingSent: Date?
    /// When the last pong arrived, or nil before the first one.
    public var lastPongReceived: Date?
    /// The application data of the last pong, or nil before the first one.
    public var lastPongPayload: [UInt8]?
    /// Pings sent since the last pong arrived, the one in flight included.
    public var unansweredPings = 0
    /// Pings whose pong had not arrived when the next ping was due, counted since the last pong. The
    /// connection closes with 1001 when one more ping comes due after `missedPongLimit` of them.
    public var missedPongs = 0
    /// The `WebSocketConfiguration.missedPongLimit` in force (at least 1).
    public var missedPongLimit: Int

    public init(missedPongLimit: Int) {
        self.missedPongLimit = missedPongLimit
    }
}

extension WebSocket {
    /// The pings sent and pongs received so far. Read it from any thread.
    public var liveness: WebSocketLiveness { livenessState.withLock { $0 } }

    /// Sends a ping every `pingInterval` and, when configured, starts the pong deadline for it.
    func schedulePing() {
        pingTimer = connection.loop.scheduleTimer(after: configuration.pingInterval) { [weak self] in
            guard let self, machine.state == .open else { return }
            perform(machine.pingDue())
            guard machine.state == .open else {
                // The missed pong limit closed the connection, so every unanswered ping counts as missed.
                let missed = machine.unansweredPings
                livenessState.withLock { $0.missedPongs = missed }
                return
            }
            pingSent()
            startPongTimer()
            schedulePing()
        }
    }

    private func startPongTimer() {
        guard let pongTimeout = configuration.pongTimeout else { return }
        // A deadline left from the previous ping would close the connection while this ping is in flight.
        if let pongTimer { connection.loop.cancelTimer(pongTimer) }
        pongTimer = connection.loop.scheduleTimer(after: pongTimeout) { [weak self] in
            guard let self else { return }
            pongTimer = nil
            perform(machine.pongTimedOut())
        }
    }

    private func pingSent() {
        let unanswered = machine.unansweredPings
        let missed = machine.missedPongs
        livenessState.withLock { liveness in
            liveness.lastPingSent = Date()
            liveness.unansweredPings = unanswered
            liveness.missedPongs = missed
        }
    }

    /// Records a pong, solicited or not. Either one shows the peer is alive.
    func pongReceived(payload: [UInt8]) {
        if let pongTimer { connection.loop.cancelTimer(pongTimer) }
        pongTimer = nil
        livenessState.withLock { liveness in
            liveness.lastPongReceived = Date()
            liveness.lastPongPayload = payload
            liveness.unansweredPings = 0
            liveness.missedPongs = 0
        }
    }
}
