import Dispatch
import EACPProtocol

/// Moves actions from the administrator to the agent and records what came back.
///
/// Every state change is written to the store, by compare-and-set, before the server acts on it.
/// An action is `pushed` before its bytes go on the socket, and `delivered` before a heartbeat reply
/// carrying it goes out, so a crash at any point loses nothing. `recoverAfterRestart` moves every
/// `pushed` action to `delivered`, and heartbeat replies carry delivered actions until the agent
/// acknowledges them. The agent's journal of executed ids makes a second delivery of the same id
/// run nothing.
///
/// `ActionLifecycleMachine` decides every transition. Each step reads the action from the store,
/// restores the machine in the stored state, applies the event, and writes the machine's next state
/// by compare-and-set, so the store stays the authority across requests, replicas and restarts. The
/// store's `delivered` state with `acknowledgedUnixMs` set is the machine's `acknowledged`.
public final class ActionDelivery: Sendable {
    let context: ServerContext

    init(context: ServerContext) {
        self.context = context
    }

    /// The request to create one action, before it has an id or a sequence number.
    public struct Order: Sendable {
        public var agentID: String
        public var kind: ActionKind
        public var parameters: [UInt8]
        public var notBeforeUnixMs: Int64
        public var expiresUnixMs: Int64
        public var minimumAgentVersion: String

        public init(agentID: String, kind: ActionKind, parameters: [UInt8], notBeforeUnixMs: Int64 = 0,
                    expiresUnixMs: Int64, minimumAgentVersion: String = "") {
            self.agentID = agentID
            self.kind = kind
            self.parameters = parameters
            self.notBeforeUnixMs = notBeforeUnixMs
            self.expiresUnixMs = expiresUnixMs
            self.minimumAgentVersion = minimumAgentVersion
        }
    }

    /// Stores a new action and pushes it when the agent is connected and its version takes the kind
    /// by push. Throws 404 for an unknown agent, 403 for a revoked one and 400 with the gate's reason
    /// when the agent's version cannot carry the kind out.
    public func queue(_ order: Order) throws(ProtocolFailure) -> ActionRecord {
        let agent = try context.stored("agent") { () throws(ServerStoreError) in try context.store.agent(id: order.agentID) }
        guard let agent else { throw ProtocolFailure(.notFound, "no agent has id \(order.agentID)") }
        guard agent.revokedUnixMs == nil else { throw ProtocolFailure(.forbidden, "agent \(agent.agentID) is revoked") }
        let now = context.now
        guard order.expiresUnixMs > now else {
            throw ProtocolFailure(.badRequest, "the expiry time \(order.expiresUnixMs) is not in the future")
        }
        if case .unsupported(let reason) = try decision(kind: order.kind, agent: agent, minimum: order.minimumAgentVersion) {
            throw ProtocolFailure(.badRequest, "agent \(agent.agentID) at version \(agent.agentVersion) cannot receive it: \(reason)")
        }

        let action = NewAction(
            actionID: "act-" + ServerTokens.randomToken().prefix(24), agentID: agent.agentID,
            kind: order.kind.rawValue, parameters: order.parameters, createdUnixMs: now,
            notBeforeUnixMs: order.notBeforeUnixMs, expiresUnixMs: order.expiresUnixMs,
            minimumAgentVersion: order.minimumAgentVersion)
        let record = try context.stored("insert action") { () throws(ServerStoreError) in try context.store.insertAction(action) }
        context.log.info("action.queued", ["action": action.actionID, "agent": agent.agentID, "kind": order.kind])
        pushQueued(agentID: agent.agentID)
        return record
    }

    func decision(kind: ActionKind, agent: AgentRecord, minimum: String) throws(ProtocolFailure) -> ActionGate.Decision {
        guard let version = try? AgentVersion(parsing: agent.agentVersion) else {
            return .unsupported(.unspecifiedKind)
        }
        let actionMinimum = minimum.isEmpty || BrokenVariant.isActive(.ignoresActionMinimum)
            ? nil : try validateVersion(minimum)
        if let reason = BrokenVariant.textualMinimumRejection(agentVersion: agent.agentVersion, minimum: actionMinimum) {
            return .unsupported(reason)
        }
        return ActionGate.decision(kind: kind, agentVersion: version, actionMinimum: actionMinimum)
    }

    /// Pushes the agent's oldest action that has no acknowledgement yet, when the agent's version
    /// takes its kind by push and the machine allows the push, which it does only while the action
    /// is queued. Only one pushed action waits for its ack at a time and an action is pushed only
    /// after every earlier one was acknowledged or finished, so the agent receives actions in
    /// creation order. The ack of that action pushes the next one.
    public func pushQueued(agentID: String) {
        guard context.pushChannels.connection(agentID: agentID) != nil else { return }
        do {
            guard let agent = try context.store.agent(id: agentID),
                let oldest = BrokenVariant.isActive(.pushesBeforeAck)
                    ? try context.store.unacknowledgedActions(agentID: agentID, limit: 100).first(where: { $0.state == .queued })
                    : try context.store.unacknowledgedActions(agentID: agentID, limit: 1).first,
                oldest.action.expiresUnixMs > context.now
            else { return }
            let kind = ActionKind(rawValue: oldest.action.kind)
            guard try decision(kind: kind, agent: agent, minimum: oldest.action.minimumAgentVersion).allowsPush else { return }
            try push(oldest)
        } catch let failure as ProtocolFailure {
            context.log.warning("action.push_skipped", ["agent": agentID, "error": failure.message])
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.push_failed", ["agent": agentID, "error": error])
        }
    }

    /// Marks one action `pushed`, sends it and arms the ack timer. When the socket is already gone the
    /// claim is undone and the action is `queued` again: its bytes never left, so for the machine it
    /// was never pushed.
    private func push(_ record: ActionRecord) throws {
        let actionID = record.action.actionID
        let envelope = try ActionEnvelopes.envelope(for: record)
        let step = try advance(record, .pushChannelAvailable) { (current, next) throws(ServerStoreError) in
            try context.store.updateAction(
                id: actionID, expectedStates: [current.state],
                update: ActionUpdate(state: ActionState(lifecycle: next), deliveryPath: .push, pushedUnixMs: context.now))
        }
        guard case .applied(_, .sendPush(let ackTimeoutMilliseconds), _, written: true) = step else { return }

        guard context.pushChannels.send(.action(envelope), to: record.action.agentID) else {
            _ = try context.store.updateAction(id: actionID, expectedStates: [.pushed], update: ActionUpdate(state: .queued))
            return
        }
        context.log.debug("action.pushed", ["action": actionID, "agent": record.action.agentID])
        let timeout = DispatchTimeInterval.milliseconds(Int(ackTimeoutMilliseconds))
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
            ackTimedOut(actionID: actionID)
        }
    }

    /// Moves a pushed action without an ack to `delivered`, so heartbeat replies carry it. It is not
    /// pushed again. The machine forbids the event once the ack or a result arrived, and then
    /// nothing changes.
    func ackTimedOut(actionID: String) {
        do {
            guard let record = try context.store.action(id: actionID) else { return }
            if BrokenVariant.isActive(.repushesAfterAckTimeout) {
                _ = try context.store.updateAction(id: actionID, expectedStates: [.pushed], update: ActionUpdate(state: .queued))
                pushQueued(agentID: record.action.agentID)
                return
            }
            if case .applied(_, _, _, written: true) = try advance(record, .ackTimedOut, write: moveToHeartbeatPath) {
                context.log.info("action.ack_timeout", ["action": actionID])
            }
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.ack_timeout_failed", ["action": actionID, "error": error])
        }
    }

    /// Moves the agent's pushed actions to `delivered` after its push channel closed, because no ack
    /// can arrive on a closed channel.
    func pushChannelClosed(agentID: String) {
        do {
            var moved = 0
            let pushed = try context.store.actions(agentID: agentID, states: [.pushed], limit: Self.maximumPendingActions)
            for record in pushed {
                if case .applied(_, _, _, written: true) = try advance(record, .pushChannelLost, write: moveToHeartbeatPath) {
                    moved += 1
                }
            }
            if moved > 0 {
                context.log.info("action.push_channel_lost", ["agent": agentID, "count": moved])
            }
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.push_channel_lost_failed", ["agent": agentID, "error": error])
        }
    }

    private func moveToHeartbeatPath(_ current: ActionRecord, _ next: ActionLifecycleMachine.StateName)
        throws(ServerStoreError) -> Bool
    {
        try context.store.updateAction(
            id: current.action.actionID, expectedStates: [current.state],
            update: ActionUpdate(state: ActionState(lifecycle: next)))
    }

    /// Moves every `pushed` action to `delivered`: after a restart no socket is open, so nothing can
    /// ack them, and the next heartbeat reply carries them instead. This is the machine's
    /// `pushChannelLost` for each of them. One statement applies it to all, because the machine's
    /// step depends on the state alone and a fleet may have one pushed action per agent.
    public func recoverAfterRestart() throws(ServerStoreError) -> Int {
        try context.store.deliverPushedActions(agentID: nil)
    }
}
