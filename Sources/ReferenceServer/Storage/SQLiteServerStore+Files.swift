import EACPSQLite

// Content revisions, agent builds and upgrade assignments.
extension SQLiteServerStore {
    private static let publicationQuery = """
        SELECT r.revision, r.sha256, r.file_path, r.size_bytes, p.published_unix_ms, p.downgrade
        FROM content_publications p JOIN content_revisions r ON r.revision = p.revision
        """

    private static func readPublication(_ row: Row) throws -> ContentRevisionRecord {
        ContentRevisionRecord(
            revision: try row.column(0), sha256: try row.column(1), filePath: try row.column(2),
            sizeBytes: try row.column(3), publishedUnixMs: try row.column(4), downgrade: try row.column(5))
    }

    public func publishContentRevision(_ revision: ContentRevisionRecord) throws(ServerStoreError) {
        try writing("publishing content revision \(revision.revision)") { database in
            let current = try database.queryFirst(
                Self.publicationQuery + " ORDER BY p.publication DESC LIMIT 1", read: Self.readPublication)
            let stored = try database.queryFirst(
                "SELECT sha256 FROM content_revisions WHERE revision = ?", [revision.revision]
            ) { row in try row.column(0, as: [UInt8].self) }
            // max() of an empty table is one row holding NULL, hence the optional inside the optional.
            let highest = try database.queryFirst("SELECT max(revision) FROM content_revisions") { row in
                try row.column(0, as: Int64?.self)
            } ?? nil

            if let stored {
                guard stored == revision.sha256 else {
                    throw ServerStoreError(
                        code: .conflict,
                        message: "content revision \(revision.revision) is already stored with another SHA-256")
                }
            } else if let highest, revision.revision <= highest, !BrokenVariant.isActive(.publishesLowerRevision) {
                throw ServerStoreError(
                    code: .conflict,
                    message: "content revision \(revision.revision) is not higher than stored revision \(highest)")
            } else {
                try database.run(
                    "INSERT INTO content_revisions (revision, sha256, file_path, size_bytes) VALUES (?, ?, ?, ?)",
                    [revision.revision, revision.sha256, revision.filePath, revision.sizeBytes])
            }

            if let current, revision.revision < current.revision, !revision.downgrade {
                throw ServerStoreError(
                    code: .conflict,
                    message: "content revision \(revision.revision) is lower than current revision "
                        + "\(current.revision); publish it with the downgrade flag")
            }
            try database.run(
                "INSERT INTO content_publications (revision, published_unix_ms, downgrade) VALUES (?, ?, ?)",
                [revision.revision, revision.publishedUnixMs, revision.downgrade])
        }
    }

    public func currentContentRevision() throws(ServerStoreError) -> ContentRevisionRecord? {
        try withDatabase("reading the current content revision") { database in
            try database.queryFirst(
                Self.publicationQuery + " ORDER BY p.publication DESC LIMIT 1", read: Self.readPublication)
        }
    }

    public func contentRevision(_ revision: Int64) throws(ServerStoreError) -> ContentRevisionRecord? {
        try withDatabase("reading content revision \(revision)") { database in
            try database.queryFirst(
                Self.publicationQuery + " WHERE p.revision = ? ORDER BY p.publication DESC LIMIT 1", [revision],
                read: Self.readPublication)
        }
    }

    private static let buildColumns = "version, platform, file_path, size_bytes, sha256, built_unix_ms"

    private static func readBuild(_ row: Row) throws -> AgentBuildRecord {
        AgentBuildRecord(
            version: try row.column(0), platform: try row.column(1), filePath: try row.column(2),
            sizeBytes: try row.column(3), sha256: try row.column(4), builtUnixMs: try row.column(5))
    }

    public func storeAgentBuild(_ build: AgentBuildRecord) throws(ServerStoreError) {
        try writing("storing agent build \(build.version) for \(build.platform)") { database in
            let existing = try database.queryFirst(
                "SELECT \(Self.buildColumns) FROM agent_builds WHERE version = ? AND platform = ?",
                [build.version, build.platform], read: Self.readBuild)
            if let existing {
                guard existing.sha256 == build.sha256 else {
                    throw ServerStoreError(
                        code: .conflict,
                        message: "agent build \(build.version) for \(build.platform) is already stored "
                            + "with another SHA-256")
                }
                return
            }
            try database.run(
                "INSERT INTO agent_builds (\(Self.buildColumns)) VALUES (?, ?, ?, ?, ?, ?)",
                [build.version, build.platform, build.filePath, build.sizeBytes, build.sha256, build.builtUnixMs])
        }
    }

    public func agentBuild(version: String, platform: String) throws(ServerStoreError) -> AgentBuildRecord? {
        try withDatabase("reading agent build \(version) for \(platform)") { database in
            try database.queryFirst(
                "SELECT \(Self.buildColumns) FROM agent_builds WHERE version = ? AND platform = ?", [version, platform],
                read: Self.readBuild)
        }
    }

    /// Returns the `upgrade_assignments.agent_id` of a target: the agent id, or "" for the fleet.
    private static func assignmentKey(_ target: UpgradeTarget) -> String {
        switch target {
        case .fleet: ""
        case .agent(let agentID): agentID
        }
    }

    public func assignUpgrade(_ assignment: UpgradeAssignmentRecord) throws(ServerStoreError) {
        try writing("assigning agent version \(assignment.version)") { database in
            if case .agent(let agentID) = assignment.target, try !Self.agentExists(agentID, in: database) {
                throw Self.notFound(agentID: agentID)
            }
            try database.run(
                """
                INSERT INTO upgrade_assignments (agent_id, version, assigned_unix_ms) VALUES (?, ?, ?)
                ON CONFLICT (agent_id) DO UPDATE SET version = excluded.version,
                    assigned_unix_ms = excluded.assigned_unix_ms
                """, [Self.assignmentKey(assignment.target), assignment.version, assignment.assignedUnixMs])
        }
    }

    public func removeUpgradeAssignment(target: UpgradeTarget) throws(ServerStoreError) -> Bool {
        try writing("removing an upgrade assignment") { database in
            try database.run("DELETE FROM upgrade_assignments WHERE agent_id = ?", [Self.assignmentKey(target)]) == 1
        }
    }

    public func upgradeAssignment(agentID: String) throws(ServerStoreError) -> UpgradeAssignmentRecord? {
        try withDatabase("reading the upgrade assignment of agent \(agentID)") { database in
            // The agent's own row sorts before the fleet's empty key because agent ids are never empty.
            try database.queryFirst(
                """
                SELECT agent_id, version, assigned_unix_ms FROM upgrade_assignments
                WHERE agent_id IN (?, '') ORDER BY agent_id DESC LIMIT 1
                """, [agentID]
            ) { row in
                let key = try row.column(0, as: String.self)
                return UpgradeAssignmentRecord(
                    target: key.isEmpty ? .fleet : .agent(key), version: try row.column(1),
                    assignedUnixMs: try row.column(2))
            }
        }
    }
}
