import EACPSQLite

// Uploads and the audit trail of live terminal sessions.
extension SQLiteServerStore {
    private static let uploadColumns = """
        agent_id, upload_id, action_id, total_size, total_sha256, received_offset, file_path, complete,
        created_unix_ms, updated_unix_ms
        """

    private static func readUpload(_ row: Row) throws -> UploadRecord {
        UploadRecord(
            agentID: try row.column(0), uploadID: try row.column(1), actionID: try row.column(2),
            totalSize: try row.column(3), totalSHA256: try row.column(4), filePath: try row.column(6),
            createdUnixMs: try row.column(8), receivedOffset: try row.column(5), complete: try row.column(7),
            updatedUnixMs: try row.column(9))
    }

    private static func upload(agentID: String, uploadID: String, in database: Database) throws -> UploadRecord? {
        try database.queryFirst(
            "SELECT \(uploadColumns) FROM uploads WHERE agent_id = ? AND upload_id = ?", [agentID, uploadID],
            read: readUpload)
    }

    public func beginUpload(_ upload: UploadRecord) throws(ServerStoreError) -> UploadRecord {
        try writing("starting upload \(upload.uploadID) of agent \(upload.agentID)") { database in
            if let existing = try Self.upload(agentID: upload.agentID, uploadID: upload.uploadID, in: database) {
                let sameUpload =
                    existing.actionID == upload.actionID && existing.totalSize == upload.totalSize
                    && existing.totalSHA256 == upload.totalSHA256
                guard sameUpload else {
                    throw ServerStoreError(
                        code: .conflict,
                        message: "upload \(upload.uploadID) of agent \(upload.agentID) already exists "
                            + "with another action, size or SHA-256")
                }
                return existing
            }
            try database.run(
                "INSERT INTO uploads (\(Self.uploadColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [upload.agentID, upload.uploadID, upload.actionID, upload.totalSize, upload.totalSHA256,
                 upload.receivedOffset, upload.filePath, upload.complete, upload.createdUnixMs, upload.updatedUnixMs])
            return upload
        }
    }

    public func upload(agentID: String, uploadID: String) throws(ServerStoreError) -> UploadRecord? {
        try withDatabase("reading upload \(uploadID) of agent \(agentID)") { database in
            try Self.upload(agentID: agentID, uploadID: uploadID, in: database)
        }
    }

    public func advanceUpload(
        agentID: String, uploadID: String, expectedOffset: Int64, newOffset: Int64, complete: Bool, nowUnixMs: Int64
    ) throws(ServerStoreError) -> Bool {
        try writing("advancing upload \(uploadID) of agent \(agentID) to \(newOffset)") { database in
            guard let existing = try Self.upload(agentID: agentID, uploadID: uploadID, in: database) else {
                throw ServerStoreError(code: .notFound, message: "upload \(uploadID) of agent \(agentID) not found")
            }
            guard newOffset >= expectedOffset, newOffset <= existing.totalSize else {
                throw ServerStoreError(
                    code: .conflict,
                    message: "upload \(uploadID) offset \(newOffset) is outside \(expectedOffset)...\(existing.totalSize)")
            }
            return try database.run(
                """
                UPDATE uploads SET received_offset = ?, complete = ?, updated_unix_ms = ?
                WHERE agent_id = ? AND upload_id = ? AND received_offset = ? AND complete = 0
                """, [newOffset, complete, nowUnixMs, agentID, uploadID, expectedOffset]) == 1
        }
    }

    public func resetUpload(agentID: String, uploadID: String, expectedOffset: Int64, nowUnixMs: Int64)
        throws(ServerStoreError) -> Bool
    {
        try writing("resetting upload \(uploadID) of agent \(agentID)") { database in
            try database.run(
                """
                UPDATE uploads SET received_offset = 0, complete = 0, updated_unix_ms = ?
                WHERE agent_id = ? AND upload_id = ? AND received_offset = ? AND complete = 0
                """, [nowUnixMs, agentID, uploadID, expectedOffset]) == 1
        }
    }

    private static let sessionColumns =
        "session_id, agent_id, action_id, opened_by, opened_unix_ms, closed_unix_ms, close_reason"

    public func openTerminalSession(_ session: TerminalSessionRecord) throws(ServerStoreError) {
        try writing("recording terminal session \(session.sessionID) of agent \(session.agentID)") { database in
            try database.run(
                "INSERT INTO terminal_sessions (\(Self.sessionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [session.sessionID, session.agentID, session.actionID, session.openedBy, session.openedUnixMs,
                 session.closedUnixMs, session.closeReason])
        }
    }

    public func closeTerminalSession(sessionID: String, closedUnixMs: Int64, reason: String) throws(ServerStoreError)
        -> Bool
    {
        try writing("closing terminal session \(sessionID)") { database in
            let changed = try database.run(
                """
                UPDATE terminal_sessions SET closed_unix_ms = ?, close_reason = ?
                WHERE session_id = ? AND closed_unix_ms IS NULL
                """, [closedUnixMs, reason, sessionID])
            if changed == 0, try database.queryFirst(
                "SELECT 1 FROM terminal_sessions WHERE session_id = ?", [sessionID], read: { _ in true }) == nil
            {
                throw ServerStoreError(code: .notFound, message: "terminal session \(sessionID) not found")
            }
            return changed == 1
        }
    }

    public func terminalSessions(agentID: String) throws(ServerStoreError) -> [TerminalSessionRecord] {
        try withDatabase("listing terminal sessions of agent \(agentID)") { database in
            try database.query(
                "SELECT \(Self.sessionColumns) FROM terminal_sessions WHERE agent_id = ? ORDER BY opened_unix_ms, rowid",
                [agentID]
            ) { row in
                TerminalSessionRecord(
                    sessionID: try row.column(0), agentID: try row.column(1), actionID: try row.column(2),
                    openedBy: try row.column(3), openedUnixMs: try row.column(4), closedUnixMs: try row.column(5),
                    closeReason: try row.column(6))
            }
        }
    }
}
