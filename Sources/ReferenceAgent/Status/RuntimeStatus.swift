import EACPProtocol

/// What the running agent knows about its connection, kept in memory and written to the status file.
public struct RuntimeStatus: Codable, Hashable, Sendable {
    public struct Push: Codable, Hashable, Sendable {
        /// "connected", "connecting" or "disconnected".
        public var state = "disconnected"
        public var connectedSinceUnixMs: Int64?
        public var disconnectedSinceUnixMs: Int64?
        public var connectCount: Int64 = 0
        public var lastError = ""
        public var lastPingUnixMs: Int64?
        public var lastPongUnixMs: Int64?
        public var pingIntervalMs: Int64 = 30_000
        public var nextAttemptUnixMs: Int64?
    }

    public var push = Push()
    public var lastHeartbeatSentUnixMs: Int64?
    public var lastHeartbeatAnsweredUnixMs: Int64?
    public var lastHeartbeatError = ""
    public var heartbeatFailures: Int64 = 0
    public var nextHeartbeatUnixMs: Int64?
    /// Server clock minus agent clock, from the latest heartbeat reply.
    public var clockOffsetMs: Int64 = 0
    public var lastEventsSentUnixMs: Int64?
    public var lastEventsError = ""
    /// Content and upgrade downloads that failed or did not match the offer, since the agent started.
    public var downloadFailures: Int64 = 0
    public var lastDownloadError = ""
}

extension RuntimeStatus.Push {
    /// The heartbeat's view: connected only while the channel is open.
    var heartbeatState: Heartbeat.PushChannelState {
        var state = Heartbeat.PushChannelState()
        switch self.state {
        case "connected": state.status = .connected
        case "connecting": state.status = .connecting
        default: state.status = .disconnected
        }
        state.connectedSinceUnixMs = state.status == .connected ? connectedSinceUnixMs ?? 0 : 0
        state.connectCount = UInt32(clamping: connectCount)
        state.lastError = lastError.truncated(toUTF8Bytes: 512)
        return state
    }
}
