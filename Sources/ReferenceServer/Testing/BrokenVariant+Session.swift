import EACPProtocol

/// Broken variants of enrollment, heartbeats, content, versions and upgrades. Each changes one
/// behaviour at the spot named in its comment.
extension BrokenVariant {
    /// Records every heartbeat's state, even one whose sequence_number is not above the highest
    /// recorded one (breaks EACP-HEARTBEAT-007). Switched in `HeartbeatHandler`.
    static let recordsOlderHeartbeats = BrokenVariant("records-older-heartbeats")
    /// Leaves out the content and upgrade offers of a heartbeat reply that carries pending actions
    /// (breaks EACP-HEARTBEAT-008). Switched in `HeartbeatHandler`.
    static let dropsOffersWithActions = BrokenVariant("drops-offers-with-actions")
    /// Records a heartbeat under the agent that its reserved field 15 (`agent_id`) names, instead of
    /// the agent of the client certificate (breaks EACP-ENROLL-008). Switched in `HeartbeatHandler`.
    static let trustsHeartbeatAgentID = BrokenVariant("trusts-heartbeat-agent-id")
    /// Compares the reported and the assigned agent version as text, so `2.5.0` differs from `2.5`
    /// (breaks EACP-VERSION-004). Switched in `UpgradePackages.offer`.
    static let comparesVersionsAsText = BrokenVariant("compares-versions-as-text")
    /// Puts the SHA-256 of the uploaded build in the upgrade offer instead of that of the package
    /// the agent downloads (breaks EACP-UPGRADE-001). Switched in `UpgradePackages.offer`.
    static let offersBuildDigest = BrokenVariant("offers-build-digest")
    /// Serves the agent's upgrade package under any version in the download path (breaks
    /// EACP-UPGRADE-002). Switched in `DownloadHandlers.upgrade`.
    static let servesAnyUpgradeVersion = BrokenVariant("serves-any-upgrade-version")
    /// Publishes a new content package under a revision below the highest one published (breaks
    /// EACP-CONTENT-001). Switched in `SQLiteServerStore.publishContentRevision`.
    static let publishesLowerRevision = BrokenVariant("publishes-lower-revision")

    /// Returns the agent named in field 15 of `heartbeat` while `trusts-heartbeat-agent-id` is
    /// active, and nil otherwise or when the field names no agent.
    static func claimedAgent(in heartbeat: Heartbeat, context: ServerContext) -> AgentRecord? {
        guard isActive(.trustsHeartbeatAgentID) else { return nil }
        // Tag 0x7A is field 15 with wire type 2. Only the one-byte length form is read, which covers
        // every agent id the reference server issues.
        let fields = heartbeat.unknownFields
        guard fields.count >= 2, fields[0] == 0x7A, fields[1] < 0x80, fields.count >= 2 + Int(fields[1]) else { return nil }
        let agentID = String(decoding: fields[2..<(2 + Int(fields[1]))], as: UTF8.self)
        return try? context.store.agent(id: agentID)
    }
}
