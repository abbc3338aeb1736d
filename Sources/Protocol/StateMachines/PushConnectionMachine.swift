/// The agent's push channel: one WebSocket connection to the server, kept open, with pings to
/// detect a dead path and exponential backoff between connection attempts.
///
/// The machine does no I/O and reads no clock. The agent reports what happened on the socket and
/// its timers, and carries out the returned action. Every teardown of a socket ends with
/// `connectionClosed`, so that the machine always tracks whether a socket is still open.
public struct PushConnectionMachine: DescribedStateMachine, Hashable {
    /// Timing of pings, reconnection and closing, in milliseconds.
    public struct Configuration: Hashable, Sendable {
        /// Time between pings. 30 s stays well inside the 60 s idle timeout common in proxies and
        /// load balancers.
        public var pingIntervalMilliseconds: Int64 = 30_000
        /// Unanswered pings in a row after which the agent closes the connection. 3 is the default
        /// of `AgentSettings.push_missed_pong_limit`, so the agent gives up before the server, which
        /// closes an idle channel after one more interval.
        public var missedPongLimit = 3
        /// Upper bound of the delay after the first failure. 1 s lets a short outage heal quickly.
        public var initialBackoffMilliseconds: Int64 = 1_000
        /// Upper bound of any reconnect delay. 300 s, the default heartbeat interval, so that a
        /// returning server gets the push channel back no later than the next heartbeat.
        public var maximumBackoffMilliseconds: Int64 = 300_000
        /// Time to wait for the server's close frame before closing the socket anyway. 5 s.
        public var closeTimeoutMilliseconds: Int64 = 5_000

        public init() {}
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case disconnected, connecting, upgrading, open, halfOpen, closing, backoff
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case start, connected, upgradeCompleted, pingTimerFired, pongReceived, closeReceived, stop
        case connectionClosed, reconnectTimerFired
    }

    /// The agent's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Open a TCP connection to the server, or to the proxy when one is set.
        case connect
        /// Run the TLS handshake, then send the HTTP request that upgrades to WebSocket.
        case startUpgrade
        /// Mark the push channel connected and send a ping at every interval.
        case startPingTimer(intervalMilliseconds: Int64)
        /// Send a WebSocket ping.
        case sendPing
        /// Stop the ping timer and send a close frame. Close the socket when the server has not
        /// closed it within the timeout.
        case sendCloseFrame(timeoutMilliseconds: Int64)
        /// Stop the ping timer and close the socket without a close handshake.
        case abortConnection
        /// Stop the ping timer, send a close frame with `closeCode`, and close the socket without
        /// waiting for the server's close frame, because the missed pongs show that the path is dead.
        case closeUnresponsive(closeCode: UInt16)
        /// Call `reconnectTimerFired` after the delay.
        case scheduleReconnect(delayMilliseconds: Int64)
        /// Cancel the pending reconnect timer.
        case cancelReconnect
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// Not connected and not trying. Next: connecting.
        case disconnected
        /// Opening TCP. `failures` counts failed attempts in a row. Next: upgrading, backoff, closing.
        case connecting(failures: Int)
        /// TLS handshake and WebSocket upgrade in progress. Next: open, backoff, closing.
        case upgrading(failures: Int)
        /// Connected. `awaitingPong` is true from a ping until its pong. Next: open, halfOpen,
        /// closing, backoff.
        case open(awaitingPong: Bool, missedPongs: Int)
        /// Pongs stopped coming and the socket is being closed. Next: closing, backoff.
        case halfOpen
        /// Close handshake in progress. Next: disconnected when the agent stopped, otherwise backoff.
        case closing(reconnect: Bool)
        /// Waiting to reconnect. Next: connecting, disconnected.
        case backoff(failures: Int)
    }

    public static let machineName = "push connection"
    public static let initialState = StateName.disconnected

    public let configuration: Configuration
    private var state = State.disconnected

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var stateName: StateName {
        switch state {
        case .disconnected: .disconnected
        case .connecting: .connecting
        case .upgrading: .upgrading
        case .open: .open
        case .halfOpen: .halfOpen
        case .closing: .closing
        case .backoff: .backoff
        }
    }

    /// Pings in a row that went unanswered on the open connection. The heartbeat reports the
    /// channel as connected only while this is 0.
    public var missedPongCount: Int {
        switch state {
        case .open(_, let missedPongs): missedPongs
        case .disconnected, .connecting, .upgrading, .halfOpen, .closing, .backoff: 0
        }
    }

    /// Failed connection attempts since the last open connection, for status output.
    public var consecutiveFailures: Int {
        switch state {
        case .connecting(let failures), .upgrading(let failures), .backoff(let failures): failures
        case .disconnected, .open, .halfOpen, .closing: 0
        }
    }

    /// Call when the agent wants the push channel.
    public mutating func start() throws(Forbidden) -> Action {
        switch state {
        case .disconnected:
            state = .connecting(failures: 0)
            return .connect
        case .connecting, .upgrading, .open, .halfOpen, .closing, .backoff:
            throw forbidden(.start)
        }
    }

    /// Call when the TCP connection (and the proxy's CONNECT tunnel, when there is one) is established.
    public mutating func connected() throws(Forbidden) -> Action {
        switch state {
        case .connecting(let failures):
            state = .upgrading(failures: failures)
            return .startUpgrade
        case .disconnected, .upgrading, .open, .halfOpen, .closing, .backoff:
            throw forbidden(.connected)
        }
    }

    /// Call when the server accepted the WebSocket upgrade with the `eacp.v1` sub-protocol.
    public mutating func upgradeCompleted() throws(Forbidden) -> Action {
        switch state {
        case .upgrading:
            state = .open(awaitingPong: false, missedPongs: 0)
            return .startPingTimer(intervalMilliseconds: configuration.pingIntervalMilliseconds)
        case .disconnected, .connecting, .open, .halfOpen, .closing, .backoff:
            throw forbidden(.upgradeCompleted)
        }
    }

    /// Call when the ping interval passed. A ping still unanswered from the last interval counts as missed.
    /// After `missedPongLimit` missed pings in a row the agent closes the channel with code 1001
    /// (going away) and reconnects. A timer that fires after the connection left `open` is ignored.
    public mutating func pingTimerFired() throws(Forbidden) -> Action {
        switch state {
        case .open(let awaitingPong, var missedPongs):
            if awaitingPong {
                missedPongs += 1
            }
            if missedPongs >= configuration.missedPongLimit {
                state = .halfOpen
                return .closeUnresponsive(closeCode: 1001)
            }
            state = .open(awaitingPong: true, missedPongs: missedPongs)
            return .sendPing
        case .halfOpen, .closing:
            return .none
        case .disconnected, .connecting, .upgrading, .backoff:
            throw forbidden(.pingTimerFired)
        }
    }

    /// Call when a pong arrived. While the socket is being torn down a late pong changes nothing.
    public mutating func pongReceived() throws(Forbidden) -> Action {
        switch state {
        case .open:
            state = .open(awaitingPong: false, missedPongs: 0)
            return .none
        case .halfOpen, .closing:
            return .none
        case .disconnected, .connecting, .upgrading, .backoff:
            throw forbidden(.pongReceived)
        }
    }

    /// Call when the server sent a close frame. In `closing` it is the reply to the agent's own close frame.
    public mutating func closeReceived() throws(Forbidden) -> Action {
        switch state {
        case .open:
            state = .closing(reconnect: true)
            return .sendCloseFrame(timeoutMilliseconds: configuration.closeTimeoutMilliseconds)
        case .halfOpen, .closing:
            return .none
        case .disconnected, .connecting, .upgrading, .backoff:
            throw forbidden(.closeReceived)
        }
    }

    /// Call when the agent no longer wants the push channel, for example because it is shutting down.
    public mutating func stop() throws(Forbidden) -> Action {
        switch state {
        case .connecting, .upgrading:
            state = .closing(reconnect: false)
            return .abortConnection
        case .open:
            state = .closing(reconnect: false)
            return .sendCloseFrame(timeoutMilliseconds: configuration.closeTimeoutMilliseconds)
        case .halfOpen, .closing:
            // The socket is already being closed; only the reconnect is dropped.
            state = .closing(reconnect: false)
            return .none
        case .backoff:
            state = .disconnected
            return .cancelReconnect
        case .disconnected:
            throw forbidden(.stop)
        }
    }

    /// Call when the socket is closed, whether by the agent, the server, the network or a failed handshake.
    ///
    /// - Parameter jitter: a random value from 0 to 1, drawn by the caller, that spreads reconnects
    ///   of many agents over time. Values outside 0...1 are clamped.
    public mutating func connectionClosed(jitter: Double) throws(Forbidden) -> Action {
        switch state {
        case .connecting(let failures), .upgrading(let failures):
            return enterBackoff(failures: failures + 1, jitter: jitter)
        case .open, .halfOpen, .closing(reconnect: true):
            return enterBackoff(failures: 1, jitter: jitter)
        case .closing(reconnect: false):
            state = .disconnected
            return .none
        case .disconnected, .backoff:
            throw forbidden(.connectionClosed)
        }
    }

    /// Call when the reconnect delay passed.
    public mutating func reconnectTimerFired() throws(Forbidden) -> Action {
        switch state {
        case .backoff(let failures):
            state = .connecting(failures: failures)
            return .connect
        case .disconnected, .connecting, .upgrading, .open, .halfOpen, .closing:
            throw forbidden(.reconnectTimerFired)
        }
    }

    private mutating func enterBackoff(failures: Int, jitter: Double) -> Action {
        state = .backoff(failures: failures)
        let delay = Self.backoffDelay(failures: failures, jitter: jitter, configuration: configuration)
        return .scheduleReconnect(delayMilliseconds: delay)
    }

    /// Computes the reconnect delay after `failures` failed attempts in a row (at least 1).
    ///
    /// The upper bound starts at `initialBackoffMilliseconds` and doubles with each failure up to
    /// `maximumBackoffMilliseconds`. The delay lies between half the bound and the whole bound:
    /// `bound / 2 + jitter * bound / 2`, rounded down. Keeping half the bound fixed stops agents
    /// from retrying at once, and the random half spreads agents that failed together.
    public static func backoffDelay(failures: Int, jitter: Double, configuration: Configuration) -> Int64 {
        var bound = configuration.initialBackoffMilliseconds
        var doublings = max(failures, 1) - 1
        while doublings > 0 && bound < configuration.maximumBackoffMilliseconds {
            bound *= 2
            doublings -= 1
        }
        bound = min(bound, configuration.maximumBackoffMilliseconds)

        let clamped = min(max(jitter, 0), 1)
        let half = bound / 2
        return half + Int64(clamped * Double(bound - half))
    }
}

extension PushConnectionMachine {
    public static let transitions: [Transition<StateName, EventName>] = [
        Transition(.disconnected, .start, .connecting),
        Transition(.connecting, .connected, .upgrading),
        Transition(.connecting, .connectionClosed, .backoff),
        Transition(.connecting, .stop, .closing),
        Transition(.upgrading, .upgradeCompleted, .open),
        Transition(.upgrading, .connectionClosed, .backoff),
        Transition(.upgrading, .stop, .closing),
        Transition(.open, .pingTimerFired, .open),
        Transition(.open, .pingTimerFired, .halfOpen),
        Transition(.open, .pongReceived, .open),
        Transition(.open, .closeReceived, .closing),
        Transition(.open, .stop, .closing),
        Transition(.open, .connectionClosed, .backoff),
        Transition(.halfOpen, .pingTimerFired, .halfOpen),
        Transition(.halfOpen, .pongReceived, .halfOpen),
        Transition(.halfOpen, .closeReceived, .halfOpen),
        Transition(.halfOpen, .stop, .closing),
        Transition(.halfOpen, .connectionClosed, .backoff),
        Transition(.closing, .pingTimerFired, .closing),
        Transition(.closing, .pongReceived, .closing),
        Transition(.closing, .closeReceived, .closing),
        Transition(.closing, .stop, .closing),
        Transition(.closing, .connectionClosed, .disconnected),
        Transition(.closing, .connectionClosed, .backoff),
        Transition(.backoff, .reconnectTimerFired, .connecting),
        Transition(.backoff, .stop, .disconnected),
    ]
}
