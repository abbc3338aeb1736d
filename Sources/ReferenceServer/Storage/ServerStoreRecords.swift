// Records a `ServerStore` keeps about agents and what they send. Protocol messages are kept as
// their encoded bytes, next to the fields the server looks them up by. Every time is in Unix
// milliseconds, like the `_unix_ms` fields of the protocol.

/// One enrolled agent.
public struct AgentRecord: Hashable, Sendable {
    public var agentID: String
    /// SHA-256 of the agent's DER client certificate, lowercase hex. The server finds the agent by it.
    public var certificateFingerprint: String
    public var enrolledUnixMs: Int64
    /// When an administrator revoked the agent; nil while it may connect.
    public var revokedUnixMs: Int64?
    /// The agent version from the agent's last heartbeat or its enrollment.
    public var agentVersion: String
    /// The agent's last `Heartbeat`, encoded; nil before the first one.
    public var lastHeartbeat: [UInt8]?
    /// When the server last received any request from the agent.
    public var lastSeenUnixMs: Int64?
    /// The server replica that has the agent's push channel; nil when it is not connected.
    public var pushChannel: PushChannelPresence?
    /// Whether an administrator's isolation is in force for the agent.
    public var isolated: Bool
    /// The administrator's agent log collection setting for this agent; nil keeps the server's default.
    public var logCollectionOverride: Bool?

    public init(
        agentID: String, certificateFingerprint: String, enrolledUnixMs: Int64, agentVersion: String,
        revokedUnixMs: Int64? = nil, lastHeartbeat: [UInt8]? = nil, lastSeenUnixMs: Int64? = nil,
        pushChannel: PushChannelPresence? = nil, isolated: Bool = false, logCollectionOverride: Bool? = nil
    ) {
        self.agentID = agentID
        self.certificateFingerprint = certificateFingerprint
        self.enrolledUnixMs = enrolledUnixMs
        self.revokedUnixMs = revokedUnixMs
        self.agentVersion = agentVersion
        self.lastHeartbeat = lastHeartbeat
        self.lastSeenUnixMs = lastSeenUnixMs
        self.pushChannel = pushChannel
        self.isolated = isolated
        self.logCollectionOverride = logCollectionOverride
    }
}

/// The server replica an agent's push channel is connected to, and since when.
public struct PushChannelPresence: Hashable, Sendable {
    /// The id of the server process that has the WebSocket; several replicas may share one store.
    public var replicaID: String
    public var connectedUnixMs: Int64

    public init(replicaID: String, connectedUnixMs: Int64) {
        self.replicaID = replicaID
        self.connectedUnixMs = connectedUnixMs
    }
}

/// An enrollment token. The store keeps only its SHA-256, so a stolen database enrolls no agent.
public struct EnrollmentTokenRecord: Hashable, Sendable {
    /// SHA-256 of the token as the agent presents it.
    public var tokenDigest: [UInt8]
    /// A name for administrators, such as the site or batch the token was made for.
    public var label: String
    public var createdUnixMs: Int64
    public var expiresUnixMs: Int64
    /// How many agents may enroll with the token.
    public var maximumUses: Int
    public var useCount: Int
    public var revoked: Bool

    public init(
        tokenDigest: [UInt8], label: String, createdUnixMs: Int64, expiresUnixMs: Int64, maximumUses: Int,
        useCount: Int = 0, revoked: Bool = false
    ) {
        self.tokenDigest = tokenDigest
        self.label = label
        self.createdUnixMs = createdUnixMs
        self.expiresUnixMs = expiresUnixMs
        self.maximumUses = maximumUses
        self.useCount = useCount
        self.revoked = revoked
    }
}

/// The result of enrolling an agent with a token. Only `.enrolled` stored the agent and counted a use.
public enum EnrollmentOutcome: Hashable, Sendable {
    case enrolled(AgentRecord)
    case unknownToken
    case expiredToken
    case revokedToken
    /// The token was already used `maximumUses` times.
    case usedUpToken
}

/// One security event as the server stores it.
public struct SecurityEventRecord: Hashable, Sendable {
    public var agentID: String
    /// The agent's id for the event; unique per agent, the key for de-duplication.
    public var eventID: String
    public var observedUnixMs: Int64
    public var receivedUnixMs: Int64
    public var eventType: String
    /// `SecurityEventSeverity` raw value.
    public var severity: Int32
    /// The `SecurityEvent` message, encoded.
    public var encoded: [UInt8]

    public init(
        agentID: String, eventID: String, observedUnixMs: Int64, receivedUnixMs: Int64, eventType: String,
        severity: Int32, encoded: [UInt8]
    ) {
        self.agentID = agentID
        self.eventID = eventID
        self.observedUnixMs = observedUnixMs
        self.receivedUnixMs = receivedUnixMs
        self.eventType = eventType
        self.severity = severity
        self.encoded = encoded
    }
}

/// A stored security event with its position in the server's store-wide order of arrival.
public struct StoredSecurityEvent: Hashable, Sendable {
    /// Grows with each new event the store accepts, across all agents.
    public var sequence: Int64
    public var event: SecurityEventRecord
}

/// The split of a `storeEvents` call into new and already stored events. Both lists keep the order
/// of the call, and together they contain every event id of the call once.
public struct StoredEventsOutcome: Hashable, Sendable {
    public var newEventIDs: [String]
    public var duplicateEventIDs: [String]

    public init(newEventIDs: [String] = [], duplicateEventIDs: [String] = []) {
        self.newEventIDs = newEventIDs
        self.duplicateEventIDs = duplicateEventIDs
    }
}

/// One status report as received.
public struct StatusReportRecord: Hashable, Sendable {
    public var agentID: String
    public var receivedUnixMs: Int64
    /// The `StatusReport` message, encoded.
    public var encoded: [UInt8]

    public init(agentID: String, receivedUnixMs: Int64, encoded: [UInt8]) {
        self.agentID = agentID
        self.receivedUnixMs = receivedUnixMs
        self.encoded = encoded
    }
}

/// One record of an agent's own log, with the fields of `AgentLogRecord`.
public struct AgentLogEntry: Hashable, Sendable {
    /// The agent's sequence number for the record; grows by one per record, starting at 1.
    public var sequenceNumber: Int64
    public var timeUnixMs: Int64
    /// `AgentLogLevel` raw value.
    public var level: Int32
    public var component: String
    public var message: String

    public init(sequenceNumber: Int64, timeUnixMs: Int64, level: Int32, component: String, message: String) {
        self.sequenceNumber = sequenceNumber
        self.timeUnixMs = timeUnixMs
        self.level = level
        self.component = component
        self.message = message
    }
}

/// The stored log of one agent, oldest record first, with what was lost on the way.
public struct AgentLogPage: Hashable, Sendable {
    public var entries: [AgentLogEntry]
    /// The highest sequence number stored for the agent: the value of `AgentLogAck`.
    public var storedSequenceNumber: Int64
    /// Records the agent reported it discarded before sending, summed over all batches.
    public var droppedByAgent: Int64
    /// Records the server deleted, oldest first, to keep each agent's log within its limit.
    public var droppedByServer: Int64
}
