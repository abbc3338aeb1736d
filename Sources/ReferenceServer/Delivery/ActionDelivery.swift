import Dispatch
import EACPProtocol

/// Moves actions from the administrator to the agent and records what came back.
///
/// Every state change is written to the store, by compare-and-set, before the server acts on it:
/// an action is `pushed` before its bytes go on the socket, so a crash at any point leaves it
/// `queued` or `pushed`, and `recoverAfterRestart` puts every `pushed` action back to `queued`.
/// The agent's journal of executed ids makes a second delivery of the same id run nothing.
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
        let actionMinimum = minimum.isEmpty ? nil : try validateVersion(minimum)
        return ActionGate.decision(kind: kind, agentVersion: version, actionMinimum: actionMinimum)
    }

    /// Pushes the agent's queued actions in creation order, stopping at the first one its version
    /// takes only in a heartbeat reply, so a later action never overtakes an earlier one.
    public func pushQueued(agentID: String) {
        guard context.pushChannels.connection(agentID: agentID) != nil else { return }
        do {
            guard let agent = try context.store.agent(id: agentID) else { return }
            let queued = try context.store.actions(agentID: agentID, states: [.queued, .pushed], limit: 100)
            for record in queued {
                if record.state == .pushed { continue }
                let kind = ActionKind(rawValue: record.action.kind)
                guard case .push = try decision(kind: kind, agent: agent, minimum: record.action.minimumAgentVersion) else {
                    return
                }
                guard try push(record) else { return }
            }
        } catch let failure as ProtocolFailure {
            context.log.warning("action.push_skipped", ["agent": agentID, "error": failure.message])
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.push_failed", ["agent": agentID, "error": error])
        }
    }

    /// Marks one action `pushed`, sends it and arms the ack timer. Returns false when the socket is
    /// gone, after putting the action back to `queued`.
    private func push(_ record: ActionRecord) throws -> Bool {
        let actionID = record.action.actionID
        let envelope = try ActionEnvelopes.envelope(for: record)
        let claimed = try context.store.updateAction(
            id: actionID, expectedStates: [.queued], update: ActionUpdate(state: .pushed, pushedUnixMs: context.now))
        guard claimed else { return true }

        guard context.pushChannels.send(.action(envelope), to: record.action.agentID) else {
            _ = try context.store.updateAction(id: actionID, expectedStates: [.pushed], update: ActionUpdate(state: .queued))
            return false
        }
        context.log.debug("action.pushed", ["action": actionID, "agent": record.action.agentID])
        let timeout = DispatchTimeInterval.milliseconds(Int(context.settings.pushAckTimeoutMs))
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
            ackTimedOut(actionID: actionID)
        }
        return true
    }

    /// Puts a pushed action without an ack back on the heartbeat path.
    func ackTimedOut(actionID: String) {
        do {
            if try context.store.updateAction(id: actionID, expectedStates: [.pushed], update: ActionUpdate(state: .queued)) {
                context.log.info("action.ack_timeout", ["action": actionID])
            }
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("action.ack_timeout_failed", ["action": actionID, "error": error])
        }
    }

    /// Puts every `pushed` action back to `queued`: after a restart no socket is open, so nothing
    /// can ack them, and the next heartbeat reply carries them instead.
    public func recoverAfterRestart() throws(ServerStoreError) -> Int {
        var recovered = 0
        for agent in try context.store.agents() {
            for record in try context.store.actions(agentID: agent.agentID, states: [.pushed], limit: Int.max) {
                if try context.store.updateAction(
                    id: record.action.actionID, expectedStates: [.pushed], update: ActionUpdate(state: .queued))
                {
                    recovered += 1
                }
            }
        }
        return recovered
    }
}
