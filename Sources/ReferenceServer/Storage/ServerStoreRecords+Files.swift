// Records a `ServerStore` keeps about files: content, agent builds, uploads, and the audit trail
// of live terminal sessions. The files themselves live on disk; the store keeps their path,
// size and SHA-256. Times are Unix milliseconds.

/// One published revision of the detection content.
public struct ContentRevisionRecord: Hashable, Sendable {
    /// Only grows for new content; an older revision is published again only with `downgrade`.
    public var revision: Int64
    /// SHA-256 of the content package, 32 bytes.
    public var sha256: [UInt8]
    public var filePath: String
    public var sizeBytes: Int64
    public var publishedUnixMs: Int64
    /// True when an administrator published this revision although a higher one was current.
    public var downgrade: Bool

    public init(
        revision: Int64, sha256: [UInt8], filePath: String, sizeBytes: Int64, publishedUnixMs: Int64,
        downgrade: Bool = false
    ) {
        self.revision = revision
        self.sha256 = sha256
        self.filePath = filePath
        self.sizeBytes = sizeBytes
        self.publishedUnixMs = publishedUnixMs
        self.downgrade = downgrade
    }
}

/// An installation package of one agent version for one platform.
public struct AgentBuildRecord: Hashable, Sendable {
    /// A dotted agent version.
    public var version: String
    /// The platform the package installs on, such as "linux-x86_64".
    public var platform: String
    public var filePath: String
    public var sizeBytes: Int64
    /// SHA-256 of the package, 32 bytes.
    public var sha256: [UInt8]
    public var builtUnixMs: Int64

    public init(
        version: String, platform: String, filePath: String, sizeBytes: Int64, sha256: [UInt8], builtUnixMs: Int64
    ) {
        self.version = version
        self.platform = platform
        self.filePath = filePath
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.builtUnixMs = builtUnixMs
    }
}

/// The target of an upgrade assignment: one agent or the whole fleet. An assignment for one agent wins over the fleet's.
public enum UpgradeTarget: Hashable, Sendable {
    case fleet
    case agent(String)
}

/// The agent version an administrator wants a target to run.
public struct UpgradeAssignmentRecord: Hashable, Sendable {
    public var target: UpgradeTarget
    public var version: String
    public var assignedUnixMs: Int64

    public init(target: UpgradeTarget, version: String, assignedUnixMs: Int64) {
        self.target = target
        self.version = version
        self.assignedUnixMs = assignedUnixMs
    }
}

/// A chunked upload from an agent: what is expected and how much has been stored.
public struct UploadRecord: Hashable, Sendable {
    public var agentID: String
    /// Chosen by the agent; unique per agent.
    public var uploadID: String
    public var actionID: String
    public var totalSize: Int64
    /// SHA-256 of the whole upload, 32 bytes.
    public var totalSHA256: [UInt8]
    /// Bytes stored durably from the start of the upload: where the next chunk goes.
    public var receivedOffset: Int64
    public var filePath: String
    /// True once all bytes are stored and their SHA-256 matched.
    public var complete: Bool
    public var createdUnixMs: Int64
    public var updatedUnixMs: Int64

    public init(
        agentID: String, uploadID: String, actionID: String, totalSize: Int64, totalSHA256: [UInt8],
        filePath: String, createdUnixMs: Int64, receivedOffset: Int64 = 0, complete: Bool = false,
        updatedUnixMs: Int64? = nil
    ) {
        self.agentID = agentID
        self.uploadID = uploadID
        self.actionID = actionID
        self.totalSize = totalSize
        self.totalSHA256 = totalSHA256
        self.receivedOffset = receivedOffset
        self.filePath = filePath
        self.complete = complete
        self.createdUnixMs = createdUnixMs
        self.updatedUnixMs = updatedUnixMs ?? createdUnixMs
    }
}

/// The audit record of one live terminal session.
public struct TerminalSessionRecord: Hashable, Sendable {
    public var sessionID: String
    public var agentID: String
    /// The START_LIVE_TERMINAL action that opened the session.
    public var actionID: String
    /// The administrator who opened it, as the administrator API authenticated them.
    public var openedBy: String
    public var openedUnixMs: Int64
    public var closedUnixMs: Int64?
    /// The reason the session ended, for a person, or nil while it is open.
    public var closeReason: String?

    public init(
        sessionID: String, agentID: String, actionID: String, openedBy: String, openedUnixMs: Int64,
        closedUnixMs: Int64? = nil, closeReason: String? = nil
    ) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.actionID = actionID
        self.openedBy = openedBy
        self.openedUnixMs = openedUnixMs
        self.closedUnixMs = closedUnixMs
        self.closeReason = closeReason
    }
}
