// The values the agent reports in its heartbeat for the state of each machine, so that the
// heartbeat and the local status command read them from one place.

extension PushConnectionMachine {
    /// The push channel status for `Heartbeat.PushChannelState.status`. The channel counts as
    /// connected only while it is open and no ping was missed since the last pong. A half-open
    /// connection counts as disconnected, because the agent is already tearing it down.
    public var reportedStatus: PushChannelStatus {
        switch stateName {
        case .open: missedPongCount == 0 ? .connected : .disconnected
        case .connecting, .upgrading: .connecting
        case .disconnected, .halfOpen, .closing, .backoff: .disconnected
        }
    }
}

extension ProxyChangeMachine {
    /// The proxy mode for `Heartbeat.ProxyState.mode`.
    public var reportedMode: ProxyMode {
        switch (stateName, currentSetting) {
        case (.applied, _): .proxyPending
        case (.confirmed, .direct), (.reverted, .direct): .direct
        case (.confirmed, .proxy), (.reverted, .proxy): .proxyConfirmed
        }
    }
}

extension IsolationMachine {
    /// The isolation status for `Heartbeat.IsolationState.status`. While the rules are being
    /// installed the endpoint is not yet isolated, and while they are being removed it still is.
    public var reportedStatus: IsolationStatus {
        switch stateName {
        case .notIsolated, .isolating: .notIsolated
        case .isolated, .releasing: .isolated
        }
    }
}
