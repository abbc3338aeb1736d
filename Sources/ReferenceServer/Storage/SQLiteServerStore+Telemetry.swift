import EACPSQLite

// Security events, status reports and agent logs.
extension SQLiteServerStore {
    private static let eventColumns =
        "sequence, agent_id, event_id, observed_unix_ms, received_unix_ms, event_type, severity, encoded"

    public func storeEvents(_ events: [SecurityEventRecord]) throws(ServerStoreError) -> StoredEventsOutcome {
        try writing("storing \(events.count) security events") { database in
            var outcome = StoredEventsOutcome()
            for event in events {
                let inserted = try database.run(
                    """
                    INSERT INTO security_events
                        (agent_id, event_id, observed_unix_ms, received_unix_ms, event_type, severity, encoded)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (agent_id, event_id) DO NOTHING
                    """,
                    [event.agentID, event.eventID, event.observedUnixMs, event.receivedUnixMs, event.eventType,
                     event.severity, event.encoded])
                if inserted == 1 {
                    outcome.newEventIDs.append(event.eventID)
                } else {
                    outcome.duplicateEventIDs.append(event.eventID)
                }
            }
            return outcome
        }
    }

    public func securityEvents(agentID: String, afterSequence: Int64, limit: Int) throws(ServerStoreError)
        -> [StoredSecurityEvent]
    {
        try withDatabase("reading security events of agent \(agentID)") { database in
            try database.query(
                """
                SELECT \(Self.eventColumns) FROM security_events
                WHERE agent_id = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """, [agentID, afterSequence, limit]
            ) { row in
                let event = SecurityEventRecord(
                    agentID: try row.column(1), eventID: try row.column(2), observedUnixMs: try row.column(3),
                    receivedUnixMs: try row.column(4), eventType: try row.column(5), severity: try row.column(6),
                    encoded: try row.column(7))
                return StoredSecurityEvent(sequence: try row.column(0), event: event)
            }
        }
    }

    public func storeStatusReport(_ report: StatusReportRecord) throws(ServerStoreError) {
        try writing("storing a status report of agent \(report.agentID)") { database in
            try database.run(
                "INSERT INTO status_reports (agent_id, received_unix_ms, encoded) VALUES (?, ?, ?)",
                [report.agentID, report.receivedUnixMs, report.encoded])
            try database.run(
                """
                DELETE FROM status_reports WHERE agent_id = ? AND sequence NOT IN (
                    SELECT sequence FROM status_reports WHERE agent_id = ? ORDER BY sequence DESC LIMIT ?)
                """, [report.agentID, report.agentID, limits.statusReportHistoryPerAgent])
        }
    }

    public func latestStatusReport(agentID: String) throws(ServerStoreError) -> StatusReportRecord? {
        try statusReports(agentID: agentID, limit: 1).first
    }

    public func statusReportHistory(agentID: String) throws(ServerStoreError) -> [StatusReportRecord] {
        try statusReports(agentID: agentID, limit: limits.statusReportHistoryPerAgent)
    }

    private func statusReports(agentID: String, limit: Int) throws(ServerStoreError) -> [StatusReportRecord] {
        try withDatabase("reading status reports of agent \(agentID)") { database in
            try database.query(
                """
                SELECT agent_id, received_unix_ms, encoded FROM status_reports
                WHERE agent_id = ? ORDER BY sequence DESC LIMIT ?
                """, [agentID, limit]
            ) { row in
                StatusReportRecord(agentID: try row.column(0), receivedUnixMs: try row.column(1), encoded: try row.column(2))
            }
        }
    }

    public func storeAgentLogs(agentID: String, entries: [AgentLogEntry], droppedByAgent: Int64, receivedUnixMs: Int64)
        throws(ServerStoreError) -> Int64
    {
        try writing("storing \(entries.count) log records of agent \(agentID)") { database in
            guard var stored = try Self.logCounters(agentID, in: database)?.stored else {
                throw Self.notFound(agentID: agentID)
            }
            // Records at or below the highest stored number arrived before, in a batch whose ack was lost.
            let fresh = entries.filter { $0.sequenceNumber > stored }
            for entry in fresh {
                try database.run(
                    """
                    INSERT INTO agent_logs
                        (agent_id, sequence_number, time_unix_ms, level, component, message, received_unix_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [agentID, entry.sequenceNumber, entry.timeUnixMs, entry.level, entry.component, entry.message,
                     receivedUnixMs])
                stored = max(stored, entry.sequenceNumber)
            }
            guard !fresh.isEmpty else { return stored }

            // NOTE: droppedByAgent can overcount. The agent counts drops since its last acknowledged
            // batch, so when an ack is lost and the next batch mixes resent and new records, the same
            // drops are added again. The protocol carries nothing to tell the two cases apart.
            let trimmed = try Self.trimAgentLogs(agentID, keeping: limits.agentLogRecordsPerAgent, in: database)
            try database.run(
                """
                UPDATE agents SET log_stored_sequence = ?, log_dropped_by_agent = log_dropped_by_agent + ?,
                    log_dropped_by_server = log_dropped_by_server + ?
                WHERE agent_id = ?
                """, [stored, droppedByAgent, trimmed, agentID])
            return stored
        }
    }

    /// Deletes the agent's oldest log records beyond `keeping` and returns how many went.
    private static func trimAgentLogs(_ agentID: String, keeping: Int, in database: Database) throws -> Int {
        try database.run(
            """
            DELETE FROM agent_logs WHERE agent_id = ? AND sequence_number <= (
                SELECT sequence_number FROM agent_logs WHERE agent_id = ?
                ORDER BY sequence_number DESC LIMIT 1 OFFSET ?)
            """, [agentID, agentID, keeping])
    }

    private static func logCounters(_ agentID: String, in database: Database) throws
        -> (stored: Int64, droppedByAgent: Int64, droppedByServer: Int64)?
    {
        try database.queryFirst(
            "SELECT log_stored_sequence, log_dropped_by_agent, log_dropped_by_server FROM agents WHERE agent_id = ?",
            [agentID]
        ) { row in (try row.column(0), try row.column(1), try row.column(2)) }
    }

    public func agentLogs(agentID: String, limit: Int) throws(ServerStoreError) -> AgentLogPage {
        try withDatabase("reading log records of agent \(agentID)") { database in
            try database.read {
                guard let counters = try Self.logCounters(agentID, in: database) else {
                    throw Self.notFound(agentID: agentID)
                }
                let newestFirst = try database.query(
                    """
                    SELECT sequence_number, time_unix_ms, level, component, message FROM agent_logs
                    WHERE agent_id = ? ORDER BY sequence_number DESC LIMIT ?
                    """, [agentID, limit]
                ) { row in
                    AgentLogEntry(
                        sequenceNumber: try row.column(0), timeUnixMs: try row.column(1), level: try row.column(2),
                        component: try row.column(3), message: try row.column(4))
                }
                return AgentLogPage(
                    entries: newestFirst.reversed(), storedSequenceNumber: counters.stored,
                    droppedByAgent: counters.droppedByAgent, droppedByServer: counters.droppedByServer)
            }
        }
    }
}
