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

    /// Records the agent's ack, then pushes the agent's next action. Acking an action that is already
    /// acknowledged or finished changes nothing.
    func acknowledge(_ ack: ActionAck, agentID: String, overPush: Bool) throws(ProtocolFailure) {
        let record = try ownedAction(ack.actionId, agentID: agentID)
        let now = context.now
        let path = record.deliveryPath ?? (overPush ? .push : .heartbeat)
        let changed = try context.stored("acknowledge action") { () throws(ServerStoreError) in
            try context.store.acknowledgeAction(id: ack.actionId, deliveryPath: path, acknowledgedUnixMs: now)
        }
        if changed {
            (path == .push ? context.metrics.pushDeliveries : context.metrics.heartbeatDeliveries).add(1)
            context.metrics.deliveryLatencyMs.observe(Double(max(0, now - record.action.createdUnixMs)))
            context.log.info("action.acknowledged", ["action": ack.actionId, "agent": agentID, "path": path.rawValue])
        }
        pushQueued(agentID: agentID)
    }

    /// Records the agent's result, which acknowledges the action as well. A result for an action
    /// already finished (sent again from the agent's journal, or after the server ended it) keeps the
    /// first outcome. Throws BAD_REQUEST for a result that breaks a rule: no terminal state, another
    /// kind than the action's, or an upload that is not complete.
    func recordResult(_ result: ActionResult, agentID: String) throws(ProtocolFailure) {
        let record = try ownedAction(result.actionId, agentID: agentID)
        guard record.state != .finished else { return }
        try validate(result, of: record, agentID: agentID)

        let now = context.now
        let outcome = ActionOutcome(
            terminalState: result.state.rawValue, errorCode: result.errorCode.rawValue,
            detail: String(decoding: Array(result.detail.utf8.prefix(4096)), as: UTF8.self),
            result: result.wireBytes(), finishedUnixMs: now)
        let update = ActionUpdate(
            state: .finished, acknowledgedUnixMs: record.acknowledgedUnixMs == nil ? now : nil, outcome: outcome)
        let changed = try context.stored("finish action") { () throws(ServerStoreError) in
            try context.store.updateAction(id: result.actionId, expectedStates: [.queued, .pushed, .delivered], update: update)
        }
        if changed {
            context.log.info("action.finished", ["action": result.actionId, "agent": agentID, "state": result.state])
        }
        pushQueued(agentID: agentID)
    }

    private func validate(_ result: ActionResult, of record: ActionRecord, agentID: String) throws(ProtocolFailure) {
        guard result.state != .unspecified else {
            throw ProtocolFailure(.badRequest, "the result of \(result.actionId) has no terminal state")
        }
        guard result.kind.rawValue == record.action.kind else {
            throw ProtocolFailure(
                .badRequest,
                "the result of \(result.actionId) names kind \(result.kind), "
                    + "but the action is \(ActionKind(rawValue: record.action.kind))")
        }
        for reference in result.uploads {
            let upload = try context.stored("upload") { () throws(ServerStoreError) in
                try context.store.upload(agentID: agentID, uploadID: reference.uploadId)
            }
            guard let upload, upload.complete, upload.actionID == result.actionId else {
                throw ProtocolFailure(
                    .badRequest, "the result of \(result.actionId) refers to upload \(reference.uploadId), which is not complete")
            }
        }
    }

    /// Cancels an action that is still queued. Throws BAD_REQUEST once it was sent on either path,
    /// because the agent may already be carrying it out.
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

    /// Returns the actions a heartbeat reply carries: the agent's queued, pushed and delivered actions
    /// without an ack, in creation order, at most 100. Queued ones become `delivered` before the reply goes out.
    /// They stay in every reply until the agent acks them, so a lost reply loses nothing. A queued
    /// action the agent's current version cannot carry out is finished as rejected instead.
    func heartbeatPending(agent: AgentRecord) throws(ProtocolFailure) -> [ActionEnvelope] {
        let now = context.now
        let pending = try context.stored("unacknowledged actions") { () throws(ServerStoreError) in
            try context.store.unacknowledgedActions(agentID: agent.agentID, limit: Self.maximumPendingActions)
        }
        var envelopes: [ActionEnvelope] = []
        for record in pending {
            let envelope: ActionEnvelope
            do {
                envelope = try ActionEnvelopes.envelope(for: record)
            } catch {
                try reject(record, errorCode: .invalidParameters, reason: "its stored parameters do not decode: \(error)")
                continue
            }
            if record.state == .queued {
                // A queued action past its expiry is never delivered. The expiry sweep finishes it, so
                // a heartbeat needs no write transaction of its own for expiry.
                if record.action.expiresUnixMs <= now { continue }
                let kind = ActionKind(rawValue: record.action.kind)
                if case .unsupported(let reason) = try decision(kind: kind, agent: agent, minimum: record.action.minimumAgentVersion) {
                    try reject(record, errorCode: .agentVersionTooOld, reason: reason.description)
                    continue
                }
                // A false result means a push claimed the action meanwhile; the reply carries it all the same.
                _ = try context.stored("deliver action by heartbeat") { () throws(ServerStoreError) in
                    try context.store.updateAction(
                        id: record.action.actionID, expectedStates: [.queued],
                        update: ActionUpdate(state: .delivered, deliveryPath: .heartbeat))
                }
            }
            envelopes.append(envelope)
        }
        return envelopes
    }

    private func reject(_ record: ActionRecord, errorCode: ActionErrorCode, reason: String) throws(ProtocolFailure) {
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.rejected.rawValue, errorCode: errorCode.rawValue, detail: reason,
            finishedUnixMs: context.now)
        _ = try context.stored("reject action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: record.action.actionID, expectedStates: [.queued], update: ActionUpdate(state: .finished, outcome: outcome))
        }
        context.log.warning("action.rejected", ["action": record.action.actionID, "reason": reason])
    }
}
