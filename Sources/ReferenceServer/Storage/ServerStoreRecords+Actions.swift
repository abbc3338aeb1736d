// Records a `ServerStore` keeps about actions. Times are Unix milliseconds.

/// The delivery stage of an action on its way to the agent. The terminal outcome is in `ActionOutcome`.
public enum ActionState: String, Hashable, Sendable, CaseIterable {
    /// Created and not yet sent on any path. Next: `pushed`, `delivered`, `finished` (expired,
    /// cancelled or rejected before delivery).
    case queued
    /// Sent over the push channel and waiting for the agent's `ActionAck`.
    /// Next: `delivered` (acknowledged, or no ack in time so the heartbeat path carries it), `finished`.
    case pushed
    /// Sent in a heartbeat reply, or pushed without an ack in time; `ActionRecord.acknowledgedUnixMs`
    /// is set once the agent acknowledged it. Next: `finished`.
    case delivered
    /// The action reached a terminal state; `ActionRecord.outcome` records which. Final.
    case finished
}

/// How many actions are in each delivery stage, across all agents.
public struct ActionCounts: Hashable, Sendable {
    public var queued = 0
    public var pushed = 0
    /// Delivered and not yet acknowledged.
    public var delivered = 0
    /// Delivered and acknowledged, waiting for the result.
    public var acknowledged = 0
    public var finished = 0

    public init() {}
}

/// The path that delivered an action to the agent.
public enum ActionDeliveryPath: String, Hashable, Sendable {
    case push
    case heartbeat
}

/// An action as an administrator creates it.
public struct NewAction: Hashable, Sendable {
    /// Unique across all agents.
    public var actionID: String
    public var agentID: String
    /// `ActionKind` raw value.
    public var kind: Int32
    /// The encoded parameters message that matches `kind`.
    public var parameters: [UInt8]
    public var createdUnixMs: Int64
    /// 0 = at once.
    public var notBeforeUnixMs: Int64
    public var expiresUnixMs: Int64
    /// A dotted agent version; empty = any version.
    public var minimumAgentVersion: String

    public init(
        actionID: String, agentID: String, kind: Int32, parameters: [UInt8], createdUnixMs: Int64,
        notBeforeUnixMs: Int64 = 0, expiresUnixMs: Int64, minimumAgentVersion: String = ""
    ) {
        self.actionID = actionID
        self.agentID = agentID
        self.kind = kind
        self.parameters = parameters
        self.createdUnixMs = createdUnixMs
        self.notBeforeUnixMs = notBeforeUnixMs
        self.expiresUnixMs = expiresUnixMs
        self.minimumAgentVersion = minimumAgentVersion
    }
}

/// The end of an action, from the agent's `ActionResult` or from the server (expired, cancelled).
public struct ActionOutcome: Hashable, Sendable {
    /// `ActionTerminalState` raw value.
    public var terminalState: Int32
    /// `ActionErrorCode` raw value; 0 when the action succeeded.
    public var errorCode: Int32
    public var detail: String
    /// The agent's `ActionResult`, encoded; nil when the server ended the action itself.
    public var result: [UInt8]?
    public var finishedUnixMs: Int64

    public init(terminalState: Int32, errorCode: Int32 = 0, detail: String = "", result: [UInt8]? = nil,
                finishedUnixMs: Int64) {
        self.terminalState = terminalState
        self.errorCode = errorCode
        self.detail = detail
        self.result = result
        self.finishedUnixMs = finishedUnixMs
    }
}

/// An action with everything the server has recorded about its delivery.
public struct ActionRecord: Hashable, Sendable {
    public var action: NewAction
    /// Creation order for the agent: 1 for its first action, growing by one. Delivery follows it.
    public var sequenceNumber: Int64
    public var state: ActionState
    public var deliveryPath: ActionDeliveryPath?
    /// How many times the action was sent over the push channel.
    public var pushAttempts: Int
    public var lastPushUnixMs: Int64?
    public var acknowledgedUnixMs: Int64?
    /// Set once the state is `finished`.
    public var outcome: ActionOutcome?
}

/// A change to an action, applied by `ServerStore.updateAction` only when the action is in one of
/// the expected states. Nil fields keep their stored value.
public struct ActionUpdate: Hashable, Sendable {
    public var state: ActionState
    public var deliveryPath: ActionDeliveryPath?
    /// Set to count one more push attempt and record its time.
    public var pushedUnixMs: Int64?
    public var acknowledgedUnixMs: Int64?
    public var outcome: ActionOutcome?

    public init(
        state: ActionState, deliveryPath: ActionDeliveryPath? = nil, pushedUnixMs: Int64? = nil,
        acknowledgedUnixMs: Int64? = nil, outcome: ActionOutcome? = nil
    ) {
        self.state = state
        self.deliveryPath = deliveryPath
        self.pushedUnixMs = pushedUnixMs
        self.acknowledgedUnixMs = acknowledgedUnixMs
        self.outcome = outcome
    }
}
