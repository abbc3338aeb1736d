/// The server's durable state, behind one interface for every storage engine.
///
/// Every method is synchronous and throws `ServerStoreError`. Both engines the server supports
/// block the calling thread (SQLite always, PostgreSQL through libpq), so an async surface would
/// only move the same blocking call onto another thread. Request handlers already run on worker
/// threads, off the event loop, and call the store directly.
///
/// A method that stores something returns only after the data is durable, so the caller may
/// acknowledge it to the agent. Methods that change state by comparison (`updateAction`,
/// `advanceUpload`, `clearPushChannel`) are atomic compare-and-set operations: when several
/// server replicas share one store, exactly one of them wins and the others get false.
/// Implementations are safe to call from several threads at once.
public protocol ServerStore: AnyObject, Sendable {
    // MARK: Agents and enrollment

    /// Stores a new enrollment token. Throws `.conflict` when a token with the same digest exists.
    func insertEnrollmentToken(_ token: EnrollmentTokenRecord) throws(ServerStoreError)

    /// Looks up a token by the SHA-256 of its text.
    func enrollmentToken(digest: [UInt8]) throws(ServerStoreError) -> EnrollmentTokenRecord?

    /// Marks a token revoked. Returns false when no token has the digest.
    func revokeEnrollmentToken(digest: [UInt8]) throws(ServerStoreError) -> Bool

    /// Checks the token and stores the agent in one transaction, counting one use of the token
    /// only when the agent is stored. Throws `.conflict` when the agent id or certificate
    /// fingerprint is already enrolled.
    func enrollAgent(_ agent: AgentRecord, tokenDigest: [UInt8], nowUnixMs: Int64) throws(ServerStoreError)
        -> EnrollmentOutcome

    func agent(id: String) throws(ServerStoreError) -> AgentRecord?

    /// Finds the agent a client certificate belongs to, by the certificate's SHA-256 fingerprint.
    func agent(certificateFingerprint: String) throws(ServerStoreError) -> AgentRecord?

    /// Returns every agent, ordered by agent id.
    func agents() throws(ServerStoreError) -> [AgentRecord]

    /// Stores the agent's latest heartbeat and version and updates when it was last seen.
    /// Throws `.notFound` for an unknown agent.
    func recordHeartbeat(agentID: String, agentVersion: String, heartbeat: [UInt8], receivedUnixMs: Int64)
        throws(ServerStoreError)

    /// Records that a replica has the agent's push channel, replacing any earlier presence.
    func setPushChannel(agentID: String, presence: PushChannelPresence) throws(ServerStoreError)

    /// Clears the push channel presence only if `replicaID` still has it, so a replica whose
    /// old connection closes late does not erase a newer connection on another replica.
    func clearPushChannel(agentID: String, replicaID: String) throws(ServerStoreError) -> Bool

    func setIsolation(agentID: String, isolated: Bool) throws(ServerStoreError)

    /// Sets or (with nil) removes the agent's log collection override.
    func setLogCollectionOverride(agentID: String, enabled: Bool?) throws(ServerStoreError)

    /// Revokes the agent. Returns false when it was already revoked.
    func revokeAgent(agentID: String, revokedUnixMs: Int64) throws(ServerStoreError) -> Bool

    // MARK: Security events, status reports, agent logs

    /// Stores the events that are new and reports which were new and which were stored before,
    /// keyed by (agent id, event id). An id repeated within the call counts as a duplicate after
    /// its first occurrence. All new events are durable when the call returns.
    func storeEvents(_ events: [SecurityEventRecord]) throws(ServerStoreError) -> StoredEventsOutcome

    /// Returns the agent's events in order of arrival, after `afterSequence` (0 = from the start).
    func securityEvents(agentID: String, afterSequence: Int64, limit: Int) throws(ServerStoreError)
        -> [StoredSecurityEvent]

    /// Stores a status report as the agent's latest and keeps at most
    /// `ServerStoreLimits.statusReportHistoryPerAgent` of its reports.
    func storeStatusReport(_ report: StatusReportRecord) throws(ServerStoreError)

    func latestStatusReport(agentID: String) throws(ServerStoreError) -> StatusReportRecord?

    /// Returns the agent's kept status reports, newest first.
    func statusReportHistory(agentID: String) throws(ServerStoreError) -> [StatusReportRecord]

    /// Stores the log records with a sequence number above the highest stored so far, adds
    /// `droppedByAgent` to the agent's count when at least one record was new, deletes the oldest
    /// records beyond `ServerStoreLimits.agentLogRecordsPerAgent`, and returns the highest
    /// sequence number stored.
    func storeAgentLogs(agentID: String, entries: [AgentLogEntry], droppedByAgent: Int64, receivedUnixMs: Int64)
        throws(ServerStoreError) -> Int64

    /// Returns the agent's newest `limit` log records, oldest first, with the drop counts.
    func agentLogs(agentID: String, limit: Int) throws(ServerStoreError) -> AgentLogPage

    // MARK: Actions

    /// Stores a new action in state `queued` with the agent's next sequence number.
    /// Throws `.notFound` for an unknown agent and `.conflict` when the action id exists.
    func insertAction(_ action: NewAction) throws(ServerStoreError) -> ActionRecord

    func action(id: String) throws(ServerStoreError) -> ActionRecord?

    /// Returns the agent's actions in the given states, in creation order, at most `limit`.
    func actions(agentID: String, states: Set<ActionState>, limit: Int) throws(ServerStoreError) -> [ActionRecord]

    /// Applies `update` only if the action is in one of `expectedStates`, atomically. Returns
    /// false when it is in another state. Throws `.notFound` when no action has the id.
    func updateAction(id: String, expectedStates: Set<ActionState>, update: ActionUpdate) throws(ServerStoreError)
        -> Bool

    /// Finishes every queued action whose expiry is at or before `nowUnixMs`, with terminal state
    /// `expiredTerminalState`, and returns them as updated. An action that was sent is left to the
    /// agent, which ends it as expired itself.
    func expireActions(nowUnixMs: Int64, expiredTerminalState: Int32) throws(ServerStoreError) -> [ActionRecord]

    /// Returns the agent's queued, pushed and delivered actions that have no acknowledgement yet, in
    /// creation order, at most `limit`.
    func unacknowledgedActions(agentID: String, limit: Int) throws(ServerStoreError) -> [ActionRecord]

    /// Records the agent's acknowledgement: the action becomes `delivered` with `acknowledgedUnixMs`
    /// set, and keeps the delivery path it already had. Returns false when the action was already
    /// acknowledged or finished. Throws `.notFound` when no action has the id.
    func acknowledgeAction(id: String, deliveryPath: ActionDeliveryPath, acknowledgedUnixMs: Int64)
        throws(ServerStoreError) -> Bool

    /// Moves every `pushed` action of the agent (of every agent when nil) to `delivered`, so the next
    /// heartbeat reply carries it. Returns how many moved.
    func deliverPushedActions(agentID: String?) throws(ServerStoreError) -> Int

    /// Counts actions by delivery stage in one query.
    func actionCounts() throws(ServerStoreError) -> ActionCounts

    // MARK: Content and upgrades

    /// Publishes a content revision and makes it current. A new revision must be higher than every
    /// revision stored before. Publishing a stored revision again needs the same SHA-256, and also
    /// `downgrade` when it is lower than the current one. Throws `.conflict` otherwise.
    func publishContentRevision(_ revision: ContentRevisionRecord) throws(ServerStoreError)

    /// Returns the most recently published revision, or nil before the first.
    func currentContentRevision() throws(ServerStoreError) -> ContentRevisionRecord?

    /// Returns the last publication of `revision`, or nil when it was never published.
    func contentRevision(_ revision: Int64) throws(ServerStoreError) -> ContentRevisionRecord?

    /// Stores an agent build. Throws `.conflict` when the same version and platform exist with another SHA-256.
    func storeAgentBuild(_ build: AgentBuildRecord) throws(ServerStoreError)

    func agentBuild(version: String, platform: String) throws(ServerStoreError) -> AgentBuildRecord?

    /// Sets the target's assigned version, replacing an earlier assignment for the same target.
    func assignUpgrade(_ assignment: UpgradeAssignmentRecord) throws(ServerStoreError)

    /// Removes the target's assignment. Returns false when there was none.
    func removeUpgradeAssignment(target: UpgradeTarget) throws(ServerStoreError) -> Bool

    /// Returns the assignment that applies to the agent: its own, or else the fleet's.
    func upgradeAssignment(agentID: String) throws(ServerStoreError) -> UpgradeAssignmentRecord?

    // MARK: Uploads and audit

    /// Stores a new upload, or returns the stored one when the agent resumes an upload with the
    /// same id and the same action, size and SHA-256. Throws `.conflict` when those differ.
    func beginUpload(_ upload: UploadRecord) throws(ServerStoreError) -> UploadRecord

    func upload(agentID: String, uploadID: String) throws(ServerStoreError) -> UploadRecord?

    /// Moves the received offset from `expectedOffset` to `newOffset` and sets `complete`, only
    /// if the stored offset is still `expectedOffset`. Returns false otherwise.
    func advanceUpload(
        agentID: String, uploadID: String, expectedOffset: Int64, newOffset: Int64, complete: Bool, nowUnixMs: Int64
    ) throws(ServerStoreError) -> Bool

    /// Moves the received offset back to 0, only if it is still `expectedOffset` and the upload is not
    /// complete, after the whole upload failed its SHA-256 check. Returns false otherwise.
    func resetUpload(agentID: String, uploadID: String, expectedOffset: Int64, nowUnixMs: Int64)
        throws(ServerStoreError) -> Bool

    func openTerminalSession(_ session: TerminalSessionRecord) throws(ServerStoreError)

    /// Records the end of an open session. Returns false when it was already closed.
    func closeTerminalSession(sessionID: String, closedUnixMs: Int64, reason: String) throws(ServerStoreError) -> Bool

    /// Returns the agent's terminal sessions, oldest first.
    func terminalSessions(agentID: String) throws(ServerStoreError) -> [TerminalSessionRecord]
}

/// Bounds on what a `ServerStore` keeps per agent.
public struct ServerStoreLimits: Hashable, Sendable {
    /// Status reports kept per agent. The agent sends one an hour by default, so 24 is a day of history.
    public var statusReportHistoryPerAgent: Int
    /// Agent log records kept per agent; older ones are deleted and counted. Ten thousand records
    /// at the 4096-byte message limit is about 40 MB per agent at most.
    public var agentLogRecordsPerAgent: Int

    public init(statusReportHistoryPerAgent: Int = 24, agentLogRecordsPerAgent: Int = 10_000) {
        self.statusReportHistoryPerAgent = statusReportHistoryPerAgent
        self.agentLogRecordsPerAgent = agentLogRecordsPerAgent
    }
}
