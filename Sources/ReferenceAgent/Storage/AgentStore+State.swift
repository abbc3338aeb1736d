import EACPSQLite

// Enrollment identity, installed content, resumable downloads and upgrade state.
extension AgentStore {
    // MARK: Identity

    /// Stores the identity from enrollment, replacing any earlier one.
    public func storeIdentity(_ identity: AgentIdentityRecord) throws {
        try writing { database in
            try database.run(
                """
                INSERT OR REPLACE INTO identity (slot, agent_id, server_url, certificate_fingerprint, enrolled_unix_ms)
                VALUES (1, ?, ?, ?, ?)
                """,
                [identity.agentID, identity.serverURL, identity.certificateFingerprint, identity.enrolledUnixMs])
        }
    }

    /// Returns the identity from enrollment, or nil before the agent enrolled.
    public func identity() throws -> AgentIdentityRecord? {
        try withDatabase { database in
            try database.queryFirst(
                "SELECT agent_id, server_url, certificate_fingerprint, enrolled_unix_ms FROM identity"
            ) { row in
                AgentIdentityRecord(
                    agentID: try row.column(0), serverURL: try row.column(1),
                    certificateFingerprint: try row.column(2), enrolledUnixMs: try row.column(3))
            }
        }
    }

    // MARK: Content

    public func storeInstalledContent(_ content: InstalledContentRecord) throws {
        try writing { database in
            try database.run(
                "INSERT OR REPLACE INTO installed_content (slot, revision, sha256, installed_unix_ms) VALUES (1, ?, ?, ?)",
                [content.revision, content.sha256, content.installedUnixMs])
        }
    }

    /// Returns the content the agent runs, or nil when it has none.
    public func installedContent() throws -> InstalledContentRecord? {
        try withDatabase { database in
            try database.queryFirst("SELECT revision, sha256, installed_unix_ms FROM installed_content") { row in
                InstalledContentRecord(revision: try row.column(0), sha256: try row.column(1), installedUnixMs: try row.column(2))
            }
        }
    }

    // MARK: Downloads

    /// Starts tracking a download, replacing any earlier one of the same kind.
    public func storeDownload(_ download: DownloadProgress) throws {
        try writing { database in
            try database.run(
                """
                INSERT OR REPLACE INTO downloads (kind, version, sha256, total_size, received_offset, file_path)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [download.kind.rawValue, download.version, download.sha256, download.totalSize,
                 download.receivedOffset, download.filePath])
        }
    }

    public func download(kind: DownloadKind) throws -> DownloadProgress? {
        try withDatabase { database in
            try database.queryFirst(
                "SELECT version, sha256, total_size, received_offset, file_path FROM downloads WHERE kind = ?",
                [kind.rawValue]
            ) { row in
                DownloadProgress(
                    kind: kind, version: try row.column(0), sha256: try row.column(1), totalSize: try row.column(2),
                    receivedOffset: try row.column(3), filePath: try row.column(4))
            }
        }
    }

    /// Records the bytes synced to the download's file. Call it after the file is synced, so the
    /// stored offset never runs ahead of the bytes on disk. Returns false when no such download exists.
    @discardableResult
    public func advanceDownload(kind: DownloadKind, receivedOffset: Int64) throws -> Bool {
        try writing { database in
            try database.run(
                "UPDATE downloads SET received_offset = ? WHERE kind = ? AND ? <= total_size",
                [receivedOffset, kind.rawValue, receivedOffset]) == 1
        }
    }

    @discardableResult
    public func removeDownload(kind: DownloadKind) throws -> Bool {
        try writing { database in
            try database.run("DELETE FROM downloads WHERE kind = ?", [kind.rawValue]) == 1
        }
    }

    // MARK: Upgrades

    /// Stores the upgrade in progress, or (with nil) clears it once it ended.
    public func storeUpgradeState(_ state: UpgradeStateRecord?) throws {
        try writing { database in
            guard let state else {
                try database.run("DELETE FROM upgrade_state")
                return
            }
            try database.run(
                """
                INSERT OR REPLACE INTO upgrade_state (slot, from_version, to_version, phase, started_unix_ms)
                VALUES (1, ?, ?, ?, ?)
                """, [state.fromVersion, state.toVersion, state.phase.rawValue, state.startedUnixMs])
        }
    }

    public func upgradeState() throws -> UpgradeStateRecord? {
        try withDatabase { database in
            try database.queryFirst("SELECT from_version, to_version, phase, started_unix_ms FROM upgrade_state") {
                row in
                let phaseText = try row.column(2, as: String.self)
                guard let phase = UpgradeStateRecord.Phase(rawValue: phaseText) else {
                    // The CHECK constraint allows only the three phases, so this means a damaged file.
                    throw SQLiteError(extendedResultCode: SQLiteError.Code.corrupt.rawValue, message: "upgrade state has unknown phase \"\(phaseText)\"")
                }
                return UpgradeStateRecord(
                    fromVersion: try row.column(0), toVersion: try row.column(1), phase: phase,
                    startedUnixMs: try row.column(3))
            }
        }
    }

    /// Stores the encoded `Heartbeat.UpgradeRecord` of the last upgrade that ended.
    public func storeLastUpgrade(encoded: [UInt8]) throws {
        try writing { database in
            try database.run("INSERT OR REPLACE INTO last_upgrade (slot, encoded) VALUES (1, ?)", [encoded])
        }
    }

    public func lastUpgrade() throws -> [UInt8]? {
        try withDatabase { database in
            try database.queryFirst("SELECT encoded FROM last_upgrade") { row in try row.column(0, as: [UInt8].self) }
        }
    }
}
