import EACPProtocol

extension ActionDelivery {
    /// The largest number of actions one heartbeat reply carries, from `HeartbeatReply.pending_actions`.
    static let maximumPendingActions = 100
    /// The maximum bytes of pending actions in one heartbeat reply: the 1 MiB limit of a success
    /// response less 16 KiB for the reply's other fields, whose offers and settings take a few hundred.
    static let pendingActionsByteBudget = 1_048_576 - 16_384

    /// Loads an action that must belong to `agentID`. Another agent's action is answered exactly like
    /// an unknown id, so an agent learns nothing about actions it does not own.
    func ownedAction(_ actionID: String, agentID: String) throws(ProtocolFailure) -> ActionRecord {
        let record = try context.stored("action") { () throws(ServerStoreError) in try context.store.action(id: actionID) }
        guard let record, record.action.agentID == agentID || BrokenVariant.isActive(.acceptsOtherAgentsActions) else {
            throw ProtocolFailure(.notFound, "no action \(actionID) for this agent")
        }
        return record
    }

    /// Records the agent's ack, then pushes the agent's next action. Acking an action that is already
    /// acknowledged or finished changes nothing. Throws NOT_FOUND for an action that was never sent to
    /// the agent (still queued, or ended before sending), so the agent discards the ack.
    func acknowledge(_ ack: ActionAck, agentID: String, overPush: Bool) throws(ProtocolFailure) {
        let record = try ownedAction(ack.actionId, agentID: agentID)
        let now = context.now
        let path = record.deliveryPath ?? (overPush ? .push : .heartbeat)
        // NOTE: the machine returns `startResultTimer`, but this server never ends an
        // acknowledged action without a result. The specification allows that after 24 h and does
        // not require it.
        let step = try advance(record, .acknowledged) { (current, _) throws(ServerStoreError) in
            try context.store.acknowledgeAction(id: current.action.actionID, deliveryPath: path, acknowledgedUnixMs: now)
        }
        switch step {
        case .forbidden(_, let state):
            throw ProtocolFailure(.notFound, "action \(ack.actionId) was never sent to this agent; it is \(state.rawValue)")
        case .applied(_, _, _, written: true):
            (path == .push ? context.metrics.pushDeliveries : context.metrics.heartbeatDeliveries).add(1)
            context.metrics.deliveryLatencyMs.observe(Double(max(0, now - record.action.createdUnixMs)))
            context.log.info("action.acknowledged", ["action": ack.actionId, "agent": agentID, "path": path.rawValue])
        case .applied(_, _, _, written: false):
            break
        }
        pushQueued(agentID: agentID)
    }

    /// Records the agent's result, which acknowledges the action as well. A result for an action
    /// already finished (sent again from the agent's journal, or after the server ended it) keeps the
    /// first outcome. Throws BAD_REQUEST for a result that breaks a rule: no terminal state or one
    /// only the server sets, another kind than the action's, or an upload that is not complete.
    /// Throws NOT_FOUND for an action that was never sent to the agent.
    func recordResult(_ result: ActionResult, agentID: String) throws(ProtocolFailure) {
        let record = try ownedAction(result.actionId, agentID: agentID)
        // The machine returns `answerDuplicate` for any result to a finished action, whatever it
        // reports, so a repeated result gets its receipt before the checks below.
        var machine = try lifecycle(of: record)
        if case .answerDuplicate = try? ActionLifecycleEvent.resultReceived(.failed).apply(to: &machine) {
            if BrokenVariant.isActive(.replacesStoredResult) { try BrokenVariant.replaceOutcome(of: record, with: result, context: context) }
            return
        }
        let reported = try reportedOutcome(of: result)
        try validate(result, of: record, agentID: agentID)

        let now = context.now
        let outcome = ActionOutcome(
            terminalState: result.state.rawValue, errorCode: result.errorCode.rawValue,
            detail: String(decoding: Array(result.detail.utf8.prefix(4096)), as: UTF8.self),
            result: result.wireBytes(), finishedUnixMs: now)
        let step = try advance(record, .resultReceived(reported)) { (current, next) throws(ServerStoreError) in
            let update = ActionUpdate(
                state: ActionState(lifecycle: next), acknowledgedUnixMs: current.acknowledgedUnixMs == nil ? now : nil,
                outcome: outcome)
            return try context.store.updateAction(id: current.action.actionID, expectedStates: [current.state], update: update)
        }
        switch step {
        case .forbidden(_, let state):
            throw ProtocolFailure(.notFound, "action \(result.actionId) was never sent to this agent; it is \(state.rawValue)")
        case .applied(_, _, _, written: true):
            context.log.info("action.finished", ["action": result.actionId, "agent": agentID, "state": result.state])
        case .applied(_, _, _, written: false):
            break
        }
        pushQueued(agentID: agentID)
    }

    private func reportedOutcome(of result: ActionResult) throws(ProtocolFailure) -> ActionLifecycleMachine.ReportedOutcome {
        switch result.state {
        case .succeeded: return .succeeded
        case .failed: return .failed
        case .rejected: return .rejected
        case .expired: return .expired
        case .unspecified:
            throw ProtocolFailure(.badRequest, "the result of \(result.actionId) has no terminal state")
        case .cancelled, .unrecognized:
            throw ProtocolFailure(
                .badRequest, "the result of \(result.actionId) reports \(result.state), which only the server may set")
        }
    }

    private func validate(_ result: ActionResult, of record: ActionRecord, agentID: String) throws(ProtocolFailure) {
        if !BrokenVariant.isActive(.truncatesLongResultDetail) {
            guard result.detail.utf8.count <= 4_096 else {
                throw ProtocolFailure(
                    .badRequest, "the result of \(result.actionId) has a detail of \(result.detail.utf8.count) bytes, above 4096")
            }
        }
        guard result.uploads.count <= 100 else {
            throw ProtocolFailure(.badRequest, "the result of \(result.actionId) lists \(result.uploads.count) uploads, above 100")
        }
        guard result.kind.rawValue == record.action.kind || BrokenVariant.isActive(.acceptsResultOfOtherKind) else {
            throw ProtocolFailure(
                .badRequest,
                "the result of \(result.actionId) names kind \(result.kind), "
                    + "but the action is \(ActionKind(rawValue: record.action.kind))")
        }
        for reference in result.uploads {
            guard reference.totalSha256.count == 32 || BrokenVariant.isActive(.acceptsShortReferenceDigest),
                (1...4_096).contains(reference.name.utf8.count)
            else {
                throw ProtocolFailure(
                    .badRequest,
                    "upload \(reference.uploadId) in the result of \(result.actionId) needs a total_sha256 of 32 bytes "
                        + "and a name of 1 to 4096 bytes")
            }
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
        let record = try context.stored("action") { () throws(ServerStoreError) in try context.store.action(id: actionID) }
        guard let record else { throw ProtocolFailure(.notFound, "no action has id \(actionID)") }
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.cancelled.rawValue, detail: "cancelled by an administrator",
            finishedUnixMs: context.now)
        let step = try advance(record, .cancelRequested) { (current, next) throws(ServerStoreError) in
            try context.store.updateAction(
                id: actionID, expectedStates: [current.state],
                update: ActionUpdate(state: ActionState(lifecycle: next), outcome: outcome))
        }
        switch step {
        case .forbidden where BrokenVariant.isActive(.cancelsSentActions):
            try BrokenVariant.cancelAnyway(record, outcome: outcome, context: context)
        case .forbidden(_, let state):
            throw ProtocolFailure(.badRequest, "action \(actionID) is \(state.rawValue) and can no longer be cancelled")
        case .applied(_, _, _, written: false):
            throw ProtocolFailure(.badRequest, "action \(actionID) changed meanwhile and was not cancelled")
        case .applied(_, _, _, written: true):
            break
        }
        let cancelled = try context.stored("action") { () throws(ServerStoreError) in try context.store.action(id: actionID) }
        guard let cancelled else { throw ProtocolFailure(.notFound, "no action has id \(actionID)") }
        context.log.info("action.cancelled", ["action": actionID, "agent": record.action.agentID])
        return cancelled
    }

    /// Finishes every queued action whose expiry passed. This is the machine's `expiryReached`
    /// for each of them. One statement applies it to all, because the machine's step depends on
    /// the state alone. Actions that were sent are left to the agent's result.
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
    /// without an ack, in creation order, at most 100. Queued ones become `delivered` before the reply
    /// goes out. They stay in every reply until the agent acks them, so a lost reply loses nothing. A
    /// queued action the agent's current version cannot carry out is finished as rejected instead.
    func heartbeatPending(agent: AgentRecord) throws(ProtocolFailure) -> [ActionEnvelope] {
        let now = context.now
        let pending = try context.stored("unacknowledged actions") { () throws(ServerStoreError) in
            try context.store.unacknowledgedActions(agentID: agent.agentID, limit: Self.maximumPendingActions)
        }
        var envelopes: [ActionEnvelope] = []
        var budget = Self.pendingActionsByteBudget
        for record in pending {
            var envelope: ActionEnvelope
            do {
                envelope = try ActionEnvelopes.envelope(for: record)
            } catch {
                try rejectUndecodable(record, reason: "its stored parameters do not decode: \(error)")
                continue
            }
            if record.state == .queued {
                // A queued action past its expiry is never delivered. The expiry sweep finishes it, so
                // a heartbeat needs no write transaction of its own for expiry.
                if record.action.expiresUnixMs <= now && !BrokenVariant.isActive(.deliversExpiredActions) { continue }
                let kind = ActionKind(rawValue: record.action.kind)
                if case .unsupported(let reason) = try decision(kind: kind, agent: agent, minimum: record.action.minimumAgentVersion) {
                    try reject(record, reason: reason.description)
                    continue
                }
            }
            if record.state != .queued && BrokenVariant.isActive(.changesRedeliveredEnvelope) { envelope.createdUnixMs += 1 }

            // An envelope takes its bytes, a one-byte tag and a length prefix of at most 5 bytes. The
            // actions stay in order, so the first one that does not fit ends the list.
            let cost = envelope.wireBytes().count + 6
            if cost > budget && !BrokenVariant.isActive(.ignoresReplySizeLimit) { break }
            budget -= cost

            // A queued action becomes delivered. A pushed or delivered one needs no write, and one
            // that a push claimed meanwhile rides in the reply all the same.
            _ = try advance(record, .sentInHeartbeatReply) { (current, next) throws(ServerStoreError) in
                try context.store.updateAction(
                    id: current.action.actionID, expectedStates: [current.state],
                    update: ActionUpdate(state: ActionState(lifecycle: next), deliveryPath: .heartbeat))
            }
            envelopes.append(envelope)
        }
        return BrokenVariant.isActive(.reversesHeartbeatActions) ? envelopes.reversed() : envelopes
    }

    /// Ends a queued action as rejected with AGENT_VERSION_TOO_OLD, through the machine's
    /// `agentVersionTooOld`. Once it was sent, the machine forbids it and the action waits for the
    /// agent's own answer.
    private func reject(_ record: ActionRecord, reason: String) throws(ProtocolFailure) {
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.rejected.rawValue, errorCode: ActionErrorCode.agentVersionTooOld.rawValue,
            detail: reason, finishedUnixMs: context.now)
        let step = try advance(record, .agentVersionTooOld) { (current, next) throws(ServerStoreError) in
            try context.store.updateAction(
                id: current.action.actionID, expectedStates: [current.state],
                update: ActionUpdate(state: ActionState(lifecycle: next), outcome: outcome))
        }
        if case .applied(_, _, _, written: true) = step {
            context.log.warning("action.rejected", ["action": record.action.actionID, "reason": reason])
        }
    }

    // NOTE: the machine has no event for stored parameters that no longer decode, which only a
    // damaged or hand-edited database produces, so this rejection of a queued action bypasses it.
    private func rejectUndecodable(_ record: ActionRecord, reason: String) throws(ProtocolFailure) {
        let outcome = ActionOutcome(
            terminalState: ActionTerminalState.rejected.rawValue, errorCode: ActionErrorCode.invalidParameters.rawValue,
            detail: reason, finishedUnixMs: context.now)
        _ = try context.stored("reject action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: record.action.actionID, expectedStates: [.queued], update: ActionUpdate(state: .finished, outcome: outcome))
        }
        context.log.warning("action.rejected", ["action": record.action.actionID, "reason": reason])
    }
}
