/// The server's record of one action for one agent, across both delivery paths: the push channel
/// and heartbeat replies.
///
/// The server pushes a queued action when the push channel is connected, `ActionGate` allows
/// pushing its kind to the agent's version, and every earlier action of the agent is acknowledged
/// or ended. Every heartbeat reply carries the action while it is queued, pushed or delivered, and
/// only an explicit `ActionAck`, or a result, ends that. A push without an acknowledgement in time,
/// or whose channel closes first, leaves the action to heartbeat replies and is never pushed again.
/// An administrator may cancel an action, and its expiry may end it, only while it is queued. Once
/// the action was sent, only the agent's result ends it.
public struct ActionLifecycleMachine: DescribedStateMachine, Hashable {
    /// Timeouts in milliseconds.
    public struct Configuration: Hashable, Sendable {
        /// Time the agent has to acknowledge a push before the action is left to heartbeat replies.
        /// 10 s is the default of `AgentSettings.push_ack_timeout_ms`, which allows 1000 to 300000.
        public var ackTimeoutMilliseconds: Int64 = 10_000
        /// Time from the acknowledgement to the result before the server records the action as
        /// failed. 24 h is the shortest wait after which the specification lets a server give up.
        public var resultTimeoutMilliseconds: Int64 = 86_400_000

        public init() {}
    }

    /// A terminal state. Each action reaches exactly one and never leaves it.
    public enum Outcome: Hashable, Sendable {
        case succeeded, failed, rejected, expired, cancelled
    }

    /// A terminal state that an agent may report. Only the server cancels.
    public enum ReportedOutcome: Hashable, Sendable {
        case succeeded, failed, rejected, expired

        var outcome: Outcome {
            switch self {
            case .succeeded: .succeeded
            case .failed: .failed
            case .rejected: .rejected
            case .expired: .expired
            }
        }
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case queued, pushed, delivered, acknowledged
        case succeeded, failed, rejected, expired, cancelled
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case pushChannelAvailable, acknowledged, ackTimedOut, pushChannelLost, sentInHeartbeatReply
        case resultReceived, resultTimedOut, deliveryAbandoned, agentVersionTooOld, expiryReached
        case cancelRequested
    }

    /// The server's next step, returned by every event. The server writes the new state durably
    /// before it carries the step out.
    public enum Action: Hashable, Sendable {
        /// Send the envelope over the push channel, and call `ackTimedOut` after the timeout.
        case sendPush(ackTimeoutMilliseconds: Int64)
        /// Leave the action to heartbeat replies: each one carries it until the agent acknowledges
        /// it. Never push it again.
        case deliverByHeartbeat
        /// Store the acknowledgement, and call `resultTimedOut` after the timeout.
        case startResultTimer(timeoutMilliseconds: Int64)
        /// Store the terminal state durably, then send the agent a receipt when the event came from
        /// it.
        case storeOutcome(Outcome)
        /// The action already ended: send the agent a receipt and keep the stored state.
        case answerDuplicate(stored: Outcome)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// Created and not yet sent on any path. Next: pushed, delivered, rejected, expired,
        /// cancelled.
        case queued
        /// Sent on the push channel, waiting for the `ActionAck` within the ack timeout. Heartbeat
        /// replies carry it too. Next: acknowledged, delivered, a terminal state.
        case pushed
        /// Sent in a heartbeat reply, or pushed without an `ActionAck` in time. Every heartbeat
        /// reply carries it. Next: acknowledged, a terminal state.
        case delivered
        /// The agent recorded the action in its journal. Next: succeeded, failed, rejected, expired.
        case acknowledged
        /// A terminal state. `delivered` is false when the action ended before it was ever sent,
        /// so that an acknowledgement or a result for it is forbidden. Next: none.
        case finished(Outcome, delivered: Bool)
    }

    public static let machineName = "action lifecycle"
    public static let initialState = StateName.queued

    public let configuration: Configuration
    private var state = State.queued

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Creates a machine in a state read back from storage, so that a server can apply the next
    /// event to an action it stored before a restart or on another replica.
    ///
    /// `sentToAgent` separates two kinds of terminal state: false means the action ended before it was
    /// sent (cancelled, expired or rejected while queued), so an acknowledgement or a result for it
    /// is forbidden. It is ignored for the other states, because `queued` was never sent and
    /// `pushed`, `delivered` and `acknowledged` always were. `cancelled` is never sent.
    public init(restoring stateName: StateName, sentToAgent: Bool, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        state = switch stateName {
        case .queued: .queued
        case .pushed: .pushed
        case .delivered: .delivered
        case .acknowledged: .acknowledged
        case .succeeded: .finished(.succeeded, delivered: sentToAgent)
        case .failed: .finished(.failed, delivered: sentToAgent)
        case .rejected: .finished(.rejected, delivered: sentToAgent)
        case .expired: .finished(.expired, delivered: sentToAgent)
        case .cancelled: .finished(.cancelled, delivered: false)
        }
    }

    /// Creates a machine from a stored state name, the `rawValue` of a `StateName`. Throws
    /// `UnknownStateName` for any other text, such as a name written by a newer version.
    public init(
        restoring stateName: String, sentToAgent: Bool, configuration: Configuration = Configuration()
    ) throws(UnknownStateName) {
        guard let name = StateName(rawValue: stateName) else { throw UnknownStateName(stateName: stateName) }
        self.init(restoring: name, sentToAgent: sentToAgent, configuration: configuration)
    }

    /// Whether the action was sent to the agent on either path: the value to store beside the state
    /// name for `init(restoring:sentToAgent:configuration:)`.
    public var sentToAgent: Bool {
        switch state {
        case .queued: false
        case .pushed, .delivered, .acknowledged: true
        case .finished(_, let delivered): delivered
        }
    }

    public var stateName: StateName {
        switch state {
        case .queued: .queued
        case .pushed: .pushed
        case .delivered: .delivered
        case .acknowledged: .acknowledged
        case .finished(.succeeded, _): .succeeded
        case .finished(.failed, _): .failed
        case .finished(.rejected, _): .rejected
        case .finished(.expired, _): .expired
        case .finished(.cancelled, _): .cancelled
        }
    }

    /// Whether the next heartbeat reply to the agent must carry the action: true while it is
    /// queued, pushed or delivered, so that a lost push or a lost reply does not lose it.
    public var isDueForHeartbeat: Bool {
        switch state {
        case .queued, .pushed, .delivered: true
        case .acknowledged, .finished: false
        }
    }

    /// Call when the server may push the action: the push channel is connected, `ActionGate` allows
    /// pushing the kind to the agent's version, and every earlier action of the agent is
    /// acknowledged or ended. Only a queued action is pushed, so an action is pushed at most once.
    public mutating func pushChannelAvailable() throws(Forbidden) -> Action {
        switch state {
        case .queued:
            state = .pushed
            return .sendPush(ackTimeoutMilliseconds: configuration.ackTimeoutMilliseconds)
        case .pushed, .delivered, .acknowledged, .finished:
            throw forbidden(.pushChannelAvailable)
        }
    }

    /// Call when the agent sent an `ActionAck`, over the push channel or with POST actions/ack. A
    /// repeated or late acknowledgement changes nothing. The server replies to every allowed
    /// acknowledgement with an `ActionReceipt` once it is stored.
    public mutating func acknowledged() throws(Forbidden) -> Action {
        switch state {
        case .pushed, .delivered:
            state = .acknowledged
            return .startResultTimer(timeoutMilliseconds: configuration.resultTimeoutMilliseconds)
        case .acknowledged, .finished(_, delivered: true):
            return .none
        case .queued, .finished(_, delivered: false):
            throw forbidden(.acknowledged)
        }
    }

    /// Call when the agent did not acknowledge the push within the ack timeout.
    public mutating func ackTimedOut() throws(Forbidden) -> Action {
        switch state {
        case .pushed:
            state = .delivered
            return .deliverByHeartbeat
        case .queued, .delivered, .acknowledged, .finished:
            throw forbidden(.ackTimedOut)
        }
    }

    /// Call when the push channel closed before the agent acknowledged the push.
    public mutating func pushChannelLost() throws(Forbidden) -> Action {
        switch state {
        case .pushed:
            state = .delivered
            return .deliverByHeartbeat
        case .queued, .delivered, .acknowledged, .finished:
            throw forbidden(.pushChannelLost)
        }
    }

    /// Call before a heartbeat reply that carries the action goes out. The reply is no
    /// acknowledgement: the action stays due for every later reply until an `ActionAck` or a
    /// result arrives.
    public mutating func sentInHeartbeatReply() throws(Forbidden) -> Action {
        switch state {
        case .queued:
            state = .delivered
            return .deliverByHeartbeat
        case .pushed, .delivered:
            return .none
        case .acknowledged, .finished:
            throw forbidden(.sentInHeartbeatReply)
        }
    }

    /// Call when the agent reported the action's terminal state. A result also acknowledges the
    /// action. A result for an action that already ended gets a receipt, and the stored state stays.
    public mutating func resultReceived(_ reported: ReportedOutcome) throws(Forbidden) -> Action {
        switch state {
        case .pushed, .delivered, .acknowledged:
            state = .finished(reported.outcome, delivered: true)
            return .storeOutcome(reported.outcome)
        case .finished(let stored, delivered: true):
            return .answerDuplicate(stored: stored)
        case .queued, .finished(_, delivered: false):
            throw forbidden(.resultReceived)
        }
    }

    /// Call when no result arrived within the result timeout after the acknowledgement.
    public mutating func resultTimedOut() throws(Forbidden) -> Action {
        switch state {
        case .acknowledged:
            state = .finished(.failed, delivered: true)
            return .storeOutcome(.failed)
        case .queued, .pushed, .delivered, .finished:
            throw forbidden(.resultTimedOut)
        }
    }

    /// Call when the server gives up on a delivered action that the agent never acknowledged. The
    /// specification allows this no sooner than seven days after the action's expiry passed.
    public mutating func deliveryAbandoned() throws(Forbidden) -> Action {
        switch state {
        case .delivered:
            state = .finished(.expired, delivered: true)
            return .storeOutcome(.expired)
        case .queued, .pushed, .acknowledged, .finished:
            throw forbidden(.deliveryAbandoned)
        }
    }

    /// Call when the agent reported a version, after the action was queued, that cannot carry the
    /// action out. The action ends as rejected with AGENT_VERSION_TOO_OLD, so that it does not hold
    /// back later actions.
    public mutating func agentVersionTooOld() throws(Forbidden) -> Action {
        try endBeforeSending(with: .rejected, event: .agentVersionTooOld)
    }

    /// Call when the action's expiry time passed. Forbidden once the action was sent, because then
    /// only the agent's result ends it.
    public mutating func expiryReached() throws(Forbidden) -> Action {
        try endBeforeSending(with: .expired, event: .expiryReached)
    }

    /// Call when an administrator asked to cancel the action. Forbidden once the action was sent.
    public mutating func cancelRequested() throws(Forbidden) -> Action {
        try endBeforeSending(with: .cancelled, event: .cancelRequested)
    }

    private mutating func endBeforeSending(with outcome: Outcome, event: EventName) throws(Forbidden) -> Action {
        switch state {
        case .queued:
            state = .finished(outcome, delivered: false)
            return .storeOutcome(outcome)
        case .pushed, .delivered, .acknowledged, .finished:
            throw forbidden(event)
        }
    }
}

extension ActionLifecycleMachine {
    /// A stored state name that is not the raw value of any `StateName`.
    public struct UnknownStateName: Error, Hashable, Sendable, CustomStringConvertible {
        /// The text that was read.
        public let stateName: String

        public var description: String {
            let known = StateName.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown action lifecycle state \"\(stateName)\"; expected one of: \(known)"
        }
    }
}

extension ActionLifecycleMachine {
    public static let transitions: [Transition<StateName, EventName>] = {
        var table: [Transition<StateName, EventName>] = [
            Transition(.queued, .pushChannelAvailable, .pushed),
            Transition(.queued, .sentInHeartbeatReply, .delivered),
            Transition(.queued, .agentVersionTooOld, .rejected),
            Transition(.queued, .expiryReached, .expired),
            Transition(.queued, .cancelRequested, .cancelled),
            Transition(.pushed, .acknowledged, .acknowledged),
            Transition(.pushed, .ackTimedOut, .delivered),
            Transition(.pushed, .pushChannelLost, .delivered),
            Transition(.pushed, .sentInHeartbeatReply, .pushed),
            Transition(.delivered, .acknowledged, .acknowledged),
            Transition(.delivered, .sentInHeartbeatReply, .delivered),
            Transition(.delivered, .deliveryAbandoned, .expired),
            Transition(.acknowledged, .acknowledged, .acknowledged),
            Transition(.acknowledged, .resultTimedOut, .failed),
        ]
        let reportable: [StateName] = [.succeeded, .failed, .rejected, .expired]
        for from in [StateName.pushed, .delivered, .acknowledged] {
            for to in reportable {
                table.append(Transition(from, .resultReceived, to))
            }
        }
        // Only the server cancels, and only before sending, so an acknowledgement or a result for
        // a cancelled action is forbidden.
        for terminal in reportable {
            table.append(Transition(terminal, .resultReceived, terminal))
            table.append(Transition(terminal, .acknowledged, terminal))
        }
        return table
    }()
}
