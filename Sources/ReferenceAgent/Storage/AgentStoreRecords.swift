// Records the agent keeps in its store. Protocol messages are kept as their encoded bytes next to
// the fields the agent looks them up by. Every time is in Unix milliseconds.

/// A security event waiting in the durable queue for the server's acknowledgement.
public struct QueuedSecurityEvent: Hashable, Sendable {
    /// Position in the queue; grows with each enqueued event and is never reused.
    public var sequence: Int64
    public var eventID: String
    public var recordedUnixMs: Int64
    /// The `SecurityEvent` message, encoded.
    public var encoded: [UInt8]

    public init(sequence: Int64, eventID: String, recordedUnixMs: Int64, encoded: [UInt8]) {
        self.sequence = sequence
        self.eventID = eventID
        self.recordedUnixMs = recordedUnixMs
        self.encoded = encoded
    }
}

/// The result of `AgentStore.enqueueEvent`.
public enum EnqueueOutcome: Hashable, Sendable {
    /// Stored durably at this queue position.
    case queued(sequence: Int64)
    /// An event with the same id is already in the queue; nothing changed.
    case alreadyQueued
    /// The queue is at capacity; the event was discarded and counted in `droppedEventCount`.
    case dropped
}

/// The stage an action has reached in the agent's journal.
public enum JournalState: String, Hashable, Sendable {
    /// Recorded and acknowledged to the server, not started. Next: `started`, `finished` (rejected or expired).
    case received
    /// Running. Next: `finished`, or `interrupted` when the agent stopped before it finished.
    case started
    /// Started before the agent last stopped, with no result. Next: `finished` (reported as failed).
    case interrupted
    /// Has a result, which is sent again unchanged when the server delivers the action again. Final.
    case finished
}

/// One action in the agent's journal of received action ids.
public struct ActionJournalEntry: Hashable, Sendable {
    public var actionID: String
    /// `ActionKind` raw value.
    public var kind: Int32
    /// The `ActionEnvelope` as received, encoded.
    public var envelope: [UInt8]
    public var state: JournalState
    public var receivedUnixMs: Int64
    public var startedUnixMs: Int64?
    public var finishedUnixMs: Int64?
    /// `ActionTerminalState` raw value, once finished.
    public var terminalState: Int32?
    /// The `ActionResult`, encoded, once finished.
    public var result: [UInt8]?
    /// True once the server acknowledged the result with an `ActionReceipt`.
    public var resultAcknowledged: Bool
}

/// The result of `AgentStore.recordActionReceived`.
public enum JournalOutcome: Hashable, Sendable {
    /// The action was not in the journal and is now recorded as received.
    case new(ActionJournalEntry)
    /// The action was journaled before (a push followed by the same action in a heartbeat reply);
    /// it must not run again.
    case known(ActionJournalEntry)
}

/// The status report waiting to be sent; a newer one replaces it.
public struct PendingStatusReport: Hashable, Sendable {
    /// Grows with each stored report, so the sender can remove exactly the one it sent.
    public var generation: Int64
    public var recordedUnixMs: Int64
    /// The `StatusReport` message, encoded.
    public var encoded: [UInt8]

    public init(generation: Int64, recordedUnixMs: Int64, encoded: [UInt8]) {
        self.generation = generation
        self.recordedUnixMs = recordedUnixMs
        self.encoded = encoded
    }
}

/// One record of the agent's own log, with the fields of `AgentLogRecord`.
public struct BufferedLogRecord: Hashable, Sendable {
    /// Grows by one with each record, across restarts; starts at 1.
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

/// The oldest buffered log records and how many were discarded since the last acknowledged batch.
public struct LogBatch: Hashable, Sendable {
    public var records: [BufferedLogRecord]
    public var droppedCount: Int64

    public init(records: [BufferedLogRecord], droppedCount: Int64) {
        self.records = records
        self.droppedCount = droppedCount
    }
}

/// The agent's identity from enrollment. The key and certificate are files next to the store.
public struct AgentIdentityRecord: Hashable, Sendable {
    public var agentID: String
    public var serverURL: String
    /// SHA-256 of the agent's DER client certificate, lowercase hex.
    public var certificateFingerprint: String
    public var enrolledUnixMs: Int64

    public init(agentID: String, serverURL: String, certificateFingerprint: String, enrolledUnixMs: Int64) {
        self.agentID = agentID
        self.serverURL = serverURL
        self.certificateFingerprint = certificateFingerprint
        self.enrolledUnixMs = enrolledUnixMs
    }
}

/// The content version the agent runs.
public struct InstalledContentRecord: Hashable, Sendable {
    public var revision: Int64
    /// SHA-256 of the content package, 32 bytes.
    public var sha256: [UInt8]
    public var installedUnixMs: Int64

    public init(revision: Int64, sha256: [UInt8], installedUnixMs: Int64) {
        self.revision = revision
        self.sha256 = sha256
        self.installedUnixMs = installedUnixMs
    }
}

/// The kind of file a resumable download fetches.
public enum DownloadKind: String, Hashable, Sendable {
    case content
    case upgrade
}

/// A resumable download: what it fetches and how many bytes are on disk.
public struct DownloadProgress: Hashable, Sendable {
    public var kind: DownloadKind
    /// The content revision or agent version being fetched, as text.
    public var version: String
    /// SHA-256 the finished file must have, 32 bytes.
    public var sha256: [UInt8]
    public var totalSize: Int64
    /// Bytes written and synced to `filePath`; the next Range request starts here.
    public var receivedOffset: Int64
    public var filePath: String

    public init(
        kind: DownloadKind, version: String, sha256: [UInt8], totalSize: Int64, receivedOffset: Int64 = 0,
        filePath: String
    ) {
        self.kind = kind
        self.version = version
        self.sha256 = sha256
        self.totalSize = totalSize
        self.receivedOffset = receivedOffset
        self.filePath = filePath
    }
}

/// An agent upgrade in progress, kept so a restart in the middle can finish or roll back.
public struct UpgradeStateRecord: Hashable, Sendable {
    public enum Phase: String, Hashable, Sendable {
        case downloading
        case installing
        /// The new version is installed and must pass its self-check, or the old one is restored.
        case verifying
    }

    public var fromVersion: String
    public var toVersion: String
    public var phase: Phase
    public var startedUnixMs: Int64

    public init(fromVersion: String, toVersion: String, phase: Phase, startedUnixMs: Int64) {
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.phase = phase
        self.startedUnixMs = startedUnixMs
    }
}
