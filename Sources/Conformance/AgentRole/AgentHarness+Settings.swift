import EACPProtocol

extension AgentHarness {
    /// Hands the agent the current script's heartbeat reply, settings included, as soon as it can.
    ///
    /// With a push channel open, pushes `PERFORM_HEARTBEAT` and waits for the heartbeat it causes and
    /// the action's result, so that nothing of the action is still in flight when the case goes on.
    /// Without one, waits for the agent's next scheduled heartbeat. Returns that heartbeat with the
    /// time it arrived, or nil when none came within `timeout`.
    func requestHeartbeatNow(timeout: Duration = .seconds(10)) async throws -> HarnessObservations.Stamped<Heartbeat>? {
        let count = handlers.observations.value.heartbeats.count
        var pushed: ActionEnvelope?
        if handlers.pushChannel.value != nil {
            let envelope = envelope(.performHeartbeat, .performHeartbeat(PerformHeartbeatParameters()))
            if !handlers.push(.action(envelope)) {
                // The channel closed in between: the next heartbeat reply carries the action instead.
                handlers.script.update { $0.heartbeatActions.append(envelope) }
            }
            pushed = envelope
        }
        let arrived = try await waitFor(timeout: timeout) { [handlers] in
            let heartbeats = handlers.observations.value.heartbeats
            return heartbeats.count > count ? heartbeats[count] : nil
        }
        if let pushed {
            _ = try await result(for: pushed.actionId, timeout: timeout)
        }
        return arrived
    }
}
