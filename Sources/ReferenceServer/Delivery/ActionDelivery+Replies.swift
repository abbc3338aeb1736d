import EACPProtocol

extension ActionDelivery {
    /// The largest number of actions one heartbeat reply carries, from `HeartbeatReply.pending_actions`.
    static let maximumPendingActions = 100

    /// Loads an action that must belong to `agentID`. Another agent's action is answered exactly like
    /// an unknown id, so an agent learns nothing about actions it does not own.
    func ownedAction(_ actionID: String, agentID: String) throws(ProtocolFailure) -> ActionRecord {
        let record = try context.stored("action") { () throws(ServerStoreError) in try context.store.action(id: actionID) }
        guard let record, record.action.agentID == agentID else {
            throw ProtocolFailure(.notFound, "no action \(actionID) for this agent")
        }
        return record
    }

    /// Records the agent's ack. Acking an action that is already delivered or finished changes nothing.
    func acknowledge(_ ack: ActionAck, agentID: String, overPush: Bool) throws(ProtocolFailure) {
        let record = try ownedAction(ack.actionId, agentID: agentID)
        let now = context.now
        let path: ActionDeliveryPath = overPush || record.state == .pushed ? .push : .heartbeat
        let changed = try context.stored("acknowledge action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: ack.actionId, expectedStates: [.queued, .pushed],
                update: ActionUpdate(state: .delivered, deliveryPath: path, acknowledgedUnixMs: now))
        }
        guard changed else { return }
        (path == .push ? context.metrics.pushDeliveries : context.metrics.heartbeatDeliveries).add(1)
        context.metrics.deliveryLatencyMs.observe(Double(max(0, now - record.action.createdUnixMs)))
        context.log.info("action.delivered", ["action": ack.actionId, "agent": agentID, "path": path.rawValue])
    }

    /// Records the agent's result. A result for an action already finished (sent again from the
    /// agent's journal, or after the server expired or cancelled it) keeps the first outcome.
    func recordResult(_ result: ActionResult, agentID: String) throws(ProtocolFailure) {
        let record = try ownedAction(result.actionId, agentID: agentID)
        guard result.state != .unspecified else {
            throw ProtocolFailure(.badRequest, "the result of \(result.actionId) has no terminal state")
        }
        guard record.state != .finished else { return }
        let outcome = ActionOutcome(
            terminalState: result.state.rawValue, errorCode: result.errorCode.rawValue,
            detail: String(decoding: Array(result.detail.utf8.prefix(4096)), as: UTF8.self),
            result: result.wireBytes(), finishedUnixMs: context.now)
        let changed = try context.stored("finish action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: result.actionId, expectedStates: [.queued, .pushed, .delivered],
                update: ActionUpdate(state: .finished, outcome: outcome))
        }
        if changed {
            context.log.info("action.finished", ["action": result.actionId, "agent": agentID, "state": result.state])
        }
    }

    /// Cancels an action that is not yet with the agent. Throws 409-like BAD_REQUEST once the agent
    /// acknowledged it, because the agent may already be carrying it out.
    public func cancel(actionID: String) throws(ProtocolFailure) -> ActionRecord {
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.cancelled.rawValue, detail: "cancelled by an administrator",
            finishedUnixMs: context.now)
        let changed = try context.stored("cancel action") { () throws(ServerStoreError) in
            do throws(ServerStoreError) {
                return try context.store.updateAction(
                    id: actionID, expectedStates: [.queued], update: ActionUpdate(state: .finished, outcome: outcome))
            } catch where error.code == .notFound {
                return false
            }
        }
        let record = try context.stored("action") { () throws(ServerStoreError) in try context.store.action(id: actionID) }
        guard let record else { throw ProtocolFailure(.notFound, "no action has id \(actionID)") }
        guard changed else {
            throw ProtocolFailure(.badRequest, "action \(actionID) is \(record.state.rawValue) and can no longer be cancelled")
        }
        context.log.info("action.cancelled", ["action": actionID, "agent": record.action.agentID])
        return record
    }

    /// Finishes every action whose expiry passed before the agent acknowledged it.
    public func expireDue() {
        do {
            let expired = try context.store.expireActions(
                nowUnixMs: context.now, expiredTerminalState: ActionTerminalState.expired.rawValue)
            for record in expired {
                context.log.info("action.expired", ["action": record.action.actionID, "agent": record.action.agentID])
            }
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.expiry_failed", ["error": error])
        }
    }

    /// The actions a heartbeat reply carries: every `queued` action of the agent in creation order,
    /// at most 100. They stay `queued` until the agent acks them, so a lost reply loses nothing.
    /// An action the agent's current version cannot carry out is finished as rejected instead.
    func heartbeatPending(agent: AgentRecord) throws(ProtocolFailure) -> [ActionEnvelope] {
        expireDue()
        let queued = try context.stored("queued actions") { () throws(ServerStoreError) in
            try context.store.actions(agentID: agent.agentID, states: [.queued], limit: Self.maximumPendingActions)
        }
        var envelopes: [ActionEnvelope] = []
        for record in queued {
            let kind = ActionKind(rawValue: record.action.kind)
            if case .unsupported(let reason) = try decision(kind: kind, agent: agent, minimum: record.action.minimumAgentVersion) {
                try rejectUnsupported(record, reason: reason.description)
                continue
            }
            do {
                envelopes.append(try ActionEnvelopes.envelope(for: record))
            } catch {
                try rejectUnsupported(record, reason: "its stored parameters do not decode: \(error)")
            }
        }
        return envelopes
    }

    private func rejectUnsupported(_ record: ActionRecord, reason: String) throws(ProtocolFailure) {
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.rejected.rawValue,
            errorCode: ActionErrorCode.agentVersionTooOld.rawValue, detail: reason, finishedUnixMs: context.now)
        _ = try context.stored("reject action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: record.action.actionID, expectedStates: [.queued], update: ActionUpdate(state: .finished, outcome: outcome))
        }
        context.log.warning("action.rejected", ["action": record.action.actionID, "reason": reason])
    }
}
