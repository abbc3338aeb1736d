import EACPProtocol

/// Proxy changes: apply, confirm with a heartbeat through the new setting, or revert by itself at
/// the deadline. The pending change is kept in the state file, so it survives a restart.
extension Agent {
    static let defaultProxyConfirmTimeoutMs: Int64 = 300_000

    func changeProxy(to setting: LocalState.ProxySetting, confirmTimeoutMs: UInt32, actionID: String) async -> ActionOutcome {
        let timeout = confirmTimeoutMs == 0 ? Self.defaultProxyConfirmTimeoutMs : Int64(confirmTimeoutMs)
        let deadline = AgentClock.nowUnixMs() + timeout
        if setting.isDirect, BrokenVariant.isActive(.disableKeepsProxy) { return .succeeded() }
        do {
            try localState.update { state in
                let previous = state.pendingProxyChange?.previous ?? state.proxy
                let previousActionID = state.pendingProxyChange.map { $0.previousActionID ?? "" } ?? state.proxyActionID
                state.pendingProxyChange = LocalState.PendingProxyChange(
                    actionID: actionID, previous: previous, deadlineUnixMs: deadline, previousActionID: previousActionID)
                state.proxy = setting
                state.proxyActionID = actionID
            }
        } catch {
            return .failed(.internal, "the proxy change could not be stored: \(error)")
        }
        applyConnectionSettings()
        log.info("proxy", "proxy.applied", ["host": setting.host, "port": setting.port, "deadline_unix_ms": deadline])

        while true {
            guard let pending = localState.current.pendingProxyChange, pending.actionID == actionID else {
                let confirmed = localState.current.proxyActionID == actionID
                return confirmed ? .succeeded("the proxy setting is confirmed")
                    : .failed(.proxyNotConfirmed, "no heartbeat got through the new setting before the deadline")
            }
            if AgentClock.nowUnixMs() >= pending.deadlineUnixMs {
                try? revertProxyChange(pending)
                return .failed(.proxyNotConfirmed, "no heartbeat got through the new setting before the deadline")
            }
            if case .success = await heartbeatNow() { continue }
            let wait = min(10_000, pending.deadlineUnixMs - AgentClock.nowUnixMs())
            try? await Task.sleep(for: .milliseconds(max(0, wait)))
        }
    }

    /// Keeps the pending setting once a heartbeat reply came back through it.
    func confirmProxyChange(through used: LocalState.ProxySetting) {
        guard !BrokenVariant.isActive(.neverConfirmsProxy) else { return }
        let confirmed = try? localState.update { state -> Bool in
            guard state.pendingProxyChange != nil, state.proxy == used else { return false }
            state.pendingProxyChange = nil
            return true
        }
        if confirmed == true { log.info("proxy", "proxy.confirmed", ["host": used.host, "port": used.port]) }
    }

    func revertProxyChange(_ pending: LocalState.PendingProxyChange) throws {
        guard !BrokenVariant.isActive(.neverRevertsProxy) else { return }
        try localState.update { state in
            guard state.pendingProxyChange == pending else { return }
            state.proxy = BrokenVariant.isActive(.revertsToDirect) ? LocalState.ProxySetting() : pending.previous
            state.proxyActionID = pending.previousActionID ?? ""
            state.pendingProxyChange = nil
        }
        applyConnectionSettings()
        log.warning("proxy", "proxy.reverted", ["action": pending.actionID, "host": pending.previous.host])
    }

    /// Sends later requests and the push channel through the proxy in the state file.
    func applyConnectionSettings() {
        link.useProxy(localState.current.proxy)
        push.reconnect()
    }

    /// Reverts a pending change whose deadline passed with no action waiting on it, such as one
    /// left by a restart.
    func proxyDeadlineLoop() async {
        while !Task.isCancelled {
            if let pending = localState.current.pendingProxyChange, pending.deadlineUnixMs <= AgentClock.nowUnixMs() {
                try? revertProxyChange(pending)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
