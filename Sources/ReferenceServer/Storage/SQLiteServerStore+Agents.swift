import EACPSQLite

extension SQLiteServerStore {
    private static let agentColumns = """
        agent_id, certificate_fingerprint, enrolled_unix_ms, revoked_unix_ms, agent_version, last_heartbeat,
        last_seen_unix_ms, push_replica_id, push_connected_unix_ms, isolated, log_collection_override
        """

    private static func readAgent(_ row: Row) throws -> AgentRecord {
        var presence: PushChannelPresence?
        if let replicaID = try row.column(7, as: String?.self) {
            presence = PushChannelPresence(replicaID: replicaID, connectedUnixMs: try row.column(8))
        }
        return AgentRecord(
            agentID: try row.column(0), certificateFingerprint: try row.column(1), enrolledUnixMs: try row.column(2),
            agentVersion: try row.column(4), revokedUnixMs: try row.column(3), lastHeartbeat: try row.column(5),
            lastSeenUnixMs: try row.column(6), pushChannel: presence, isolated: try row.column(9),
            logCollectionOverride: try row.column(10))
    }

    private static let tokenColumns =
        "token_digest, label, created_unix_ms, expires_unix_ms, maximum_uses, use_count, revoked"

    private static func readToken(_ row: Row) throws -> EnrollmentTokenRecord {
        EnrollmentTokenRecord(
            tokenDigest: try row.column(0), label: try row.column(1), createdUnixMs: try row.column(2),
            expiresUnixMs: try row.column(3), maximumUses: try row.column(4), useCount: try row.column(5),
            revoked: try row.column(6))
    }

    public func insertEnrollmentToken(_ token: EnrollmentTokenRecord) throws(ServerStoreError) {
        try writing("storing an enrollment token") { database in
            try database.run(
                "INSERT INTO enrollment_tokens (\(Self.tokenColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [token.tokenDigest, token.label, token.createdUnixMs, token.expiresUnixMs, token.maximumUses,
                 token.useCount, token.revoked])
        }
    }

    public func enrollmentToken(digest: [UInt8]) throws(ServerStoreError) -> EnrollmentTokenRecord? {
        try withDatabase("reading an enrollment token") { database in
            try database.queryFirst(
                "SELECT \(Self.tokenColumns) FROM enrollment_tokens WHERE token_digest = ?", [digest],
                read: Self.readToken)
        }
    }

    public func revokeEnrollmentToken(digest: [UInt8]) throws(ServerStoreError) -> Bool {
        try writing("revoking an enrollment token") { database in
            try database.run("UPDATE enrollment_tokens SET revoked = 1 WHERE token_digest = ?", [digest]) == 1
        }
    }

    public func enrollAgent(_ agent: AgentRecord, tokenDigest: [UInt8], nowUnixMs: Int64) throws(ServerStoreError)
        -> EnrollmentOutcome
    {
        try writing("enrolling agent \(agent.agentID)") { database in
            let found = try database.queryFirst(
                "SELECT \(Self.tokenColumns) FROM enrollment_tokens WHERE token_digest = ?", [tokenDigest],
                read: Self.readToken)
            guard let token = found else { return .unknownToken }
            guard !token.revoked else { return .revokedToken }
            guard nowUnixMs < token.expiresUnixMs else { return .expiredToken }
            guard token.useCount < token.maximumUses || BrokenVariant.isActive(.acceptsUsedUpToken) else { return .usedUpToken }

            try database.run(
                "UPDATE enrollment_tokens SET use_count = use_count + 1 WHERE token_digest = ?", [tokenDigest])
            try Self.insertAgent(agent, into: database)
            return .enrolled(agent)
        }
    }

    private static func insertAgent(_ agent: AgentRecord, into database: Database) throws {
        try database.run(
            "INSERT INTO agents (\(agentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [agent.agentID, agent.certificateFingerprint, agent.enrolledUnixMs, agent.revokedUnixMs,
             agent.agentVersion, agent.lastHeartbeat, agent.lastSeenUnixMs, agent.pushChannel?.replicaID,
             agent.pushChannel?.connectedUnixMs, agent.isolated, agent.logCollectionOverride])
    }

    public func agent(id: String) throws(ServerStoreError) -> AgentRecord? {
        try withDatabase("reading agent \(id)") { database in
            try database.queryFirst("SELECT \(Self.agentColumns) FROM agents WHERE agent_id = ?", [id], read: Self.readAgent)
        }
    }

    public func agent(certificateFingerprint: String) throws(ServerStoreError) -> AgentRecord? {
        try withDatabase("finding the agent of certificate \(certificateFingerprint)") { database in
            try database.queryFirst(
                "SELECT \(Self.agentColumns) FROM agents WHERE certificate_fingerprint = ?", [certificateFingerprint],
                read: Self.readAgent)
        }
    }

    public func agents() throws(ServerStoreError) -> [AgentRecord] {
        try withDatabase("listing agents") { database in
            try database.query("SELECT \(Self.agentColumns) FROM agents ORDER BY agent_id", read: Self.readAgent)
        }
    }

    public func recordHeartbeat(agentID: String, agentVersion: String, heartbeat: [UInt8], receivedUnixMs: Int64)
        throws(ServerStoreError)
    {
        try updateAgent(
            agentID, "recording a heartbeat of agent \(agentID)",
            "UPDATE agents SET agent_version = ?, last_heartbeat = ?, last_seen_unix_ms = ? WHERE agent_id = ?",
            [agentVersion, heartbeat, receivedUnixMs, agentID])
    }

    public func setPushChannel(agentID: String, presence: PushChannelPresence) throws(ServerStoreError) {
        try updateAgent(
            agentID, "recording the push channel of agent \(agentID)",
            "UPDATE agents SET push_replica_id = ?, push_connected_unix_ms = ? WHERE agent_id = ?",
            [presence.replicaID, presence.connectedUnixMs, agentID])
    }

    public func clearPushChannel(agentID: String, replicaID: String) throws(ServerStoreError) -> Bool {
        try writing("clearing the push channel of agent \(agentID)") { database in
            try database.run(
                """
                UPDATE agents SET push_replica_id = NULL, push_connected_unix_ms = NULL
                WHERE agent_id = ? AND push_replica_id = ?
                """, [agentID, replicaID]) == 1
        }
    }

    public func setIsolation(agentID: String, isolated: Bool) throws(ServerStoreError) {
        try updateAgent(
            agentID, "setting isolation of agent \(agentID)", "UPDATE agents SET isolated = ? WHERE agent_id = ?",
            [isolated, agentID])
    }

    public func setLogCollectionOverride(agentID: String, enabled: Bool?) throws(ServerStoreError) {
        try updateAgent(
            agentID, "setting log collection of agent \(agentID)",
            "UPDATE agents SET log_collection_override = ? WHERE agent_id = ?", [enabled, agentID])
    }

    public func revokeAgent(agentID: String, revokedUnixMs: Int64) throws(ServerStoreError) -> Bool {
        try writing("revoking agent \(agentID)") { database in
            guard try Self.agentExists(agentID, in: database) else { throw Self.notFound(agentID: agentID) }
            return try database.run(
                "UPDATE agents SET revoked_unix_ms = ? WHERE agent_id = ? AND revoked_unix_ms IS NULL",
                [revokedUnixMs, agentID]) == 1
        }
    }

    /// Runs an UPDATE of one agent row and throws `.notFound` when it matched no row.
    private func updateAgent(
        _ agentID: String, _ operation: @autoclosure () -> String, _ sql: String, _ values: [any SQLiteBindable]
    ) throws(ServerStoreError) {
        try writing(operation()) { database in
            guard try database.run(sql, values) == 1 else { throw Self.notFound(agentID: agentID) }
        }
    }

    static func agentExists(_ agentID: String, in database: Database) throws -> Bool {
        try database.queryFirst("SELECT 1 FROM agents WHERE agent_id = ?", [agentID]) { _ in true } ?? false
    }
}
