import EACPSQLite

// The action journal keeps every received action id. An action starts only from a `.new` receipt
// and a `received` entry, so it runs at most once even when push and heartbeat reply both deliver it.
extension AgentStore {
    private static let journalColumns = """
        action_id, kind, envelope, state, received_unix_ms, started_unix_ms, finished_unix_ms, terminal_state,
        result, result_acknowledged
        """

    private static func readEntry(_ row: Row) throws -> ActionJournalEntry {
        let stateText = try row.column(3, as: String.self)
        guard let state = JournalState(rawValue: stateText) else {
            // The table's CHECK constraint allows only the four states, so this means a damaged file.
            throw SQLiteError(extendedResultCode: SQLiteError.Code.corrupt.rawValue, message: "action journal has unknown state \"\(stateText)\"")
        }
        return ActionJournalEntry(
            actionID: try row.column(0), kind: try row.column(1), envelope: try row.column(2), state: state,
            receivedUnixMs: try row.column(4), startedUnixMs: try row.column(5), finishedUnixMs: try row.column(6),
            terminalState: try row.column(7), result: try row.column(8), resultAcknowledged: try row.column(9))
    }

    private static func entry(actionID: String, in database: Database) throws -> ActionJournalEntry? {
        try database.queryFirst(
            "SELECT \(journalColumns) FROM action_journal WHERE action_id = ?", [actionID], read: readEntry)
    }

    static func markInterruptedActions(in database: Database) throws -> [ActionJournalEntry] {
        try database.write {
            if BrokenVariant.isActive(.rerunsInterruptedActions) {
                try database.run("UPDATE action_journal SET state = 'received' WHERE state = 'started'")
                return []
            }
            let interrupted = try database.query(
                "SELECT \(journalColumns) FROM action_journal WHERE state = 'started' ORDER BY received_unix_ms",
                read: readEntry)
            try database.run("UPDATE action_journal SET state = 'interrupted' WHERE state = 'started'")
            return interrupted.map { entry in
                var marked = entry
                marked.state = .interrupted
                return marked
            }
        }
    }

    /// Journals a received action, or returns the existing entry when the id was journaled before.
    /// Only `.new` may lead to running the action; the agent acknowledges it after this returns.
    public func recordActionReceived(actionID: String, kind: Int32, envelope: [UInt8], receivedUnixMs: Int64) throws
        -> JournalOutcome
    {
        try writing { database in
            if let existing = try Self.entry(actionID: actionID, in: database) {
                return .known(existing)
            }
            try database.run(
                """
                INSERT INTO action_journal (action_id, kind, envelope, state, received_unix_ms)
                VALUES (?, ?, ?, 'received', ?)
                """, [actionID, kind, envelope, receivedUnixMs])
            return .new(
                ActionJournalEntry(
                    actionID: actionID, kind: kind, envelope: envelope, state: .received,
                    receivedUnixMs: receivedUnixMs, startedUnixMs: nil, finishedUnixMs: nil, terminalState: nil,
                    result: nil, resultAcknowledged: false))
        }
    }

    /// Moves a received action to `started`. Returns false when it is not in `received`, so a
    /// second caller never starts the same action.
    public func recordActionStarted(actionID: String, startedUnixMs: Int64) throws -> Bool {
        try writing { database in
            try database.run(
                "UPDATE action_journal SET state = 'started', started_unix_ms = ? WHERE action_id = ? AND state = 'received'",
                [startedUnixMs, actionID]) == 1
        }
    }

    /// Stores the action's result and moves it to `finished`. Returns false when it already had a
    /// result, which is then kept unchanged, or when the action was never journaled.
    public func recordActionResult(actionID: String, terminalState: Int32, result: [UInt8], finishedUnixMs: Int64)
        throws -> Bool
    {
        try writing { database in
            try database.run(
                """
                UPDATE action_journal SET state = 'finished', terminal_state = ?, result = ?, finished_unix_ms = ?
                WHERE action_id = ? AND state != 'finished'
                """, [terminalState, result, finishedUnixMs, actionID]) == 1
        }
    }

    public func journalEntry(actionID: String) throws -> ActionJournalEntry? {
        try withDatabase { database in try Self.entry(actionID: actionID, in: database) }
    }

    /// Records that the server acknowledged the action's result. Returns false when there was no
    /// unacknowledged result for the id.
    @discardableResult
    public func markResultAcknowledged(actionID: String) throws -> Bool {
        try writing { database in
            try database.run(
                """
                UPDATE action_journal SET result_acknowledged = 1
                WHERE action_id = ? AND state = 'finished' AND result_acknowledged = 0
                """, [actionID]) == 1
        }
    }

    /// Actions journaled but never started, oldest first, such as one that waited for its not-before
    /// time when the agent stopped.
    public func unstartedActions() throws -> [ActionJournalEntry] {
        try withDatabase { database in
            try database.query(
                """
                SELECT \(Self.journalColumns) FROM action_journal
                WHERE state = 'received' ORDER BY received_unix_ms, action_id
                """, read: Self.readEntry)
        }
    }

    /// Finished actions whose result the server has not acknowledged, oldest first: the agent sends them again.
    public func unacknowledgedResults() throws -> [ActionJournalEntry] {
        try withDatabase { database in
            try database.query(
                """
                SELECT \(Self.journalColumns) FROM action_journal
                WHERE state = 'finished' AND result_acknowledged = 0 ORDER BY finished_unix_ms, action_id
                """, read: Self.readEntry)
        }
    }

    /// Deletes finished, acknowledged entries received before `receivedBeforeUnixMs` and returns
    /// how many went. Call it with a time past the longest action expiry, because the server
    /// never delivers an expired action, so the ids are not needed for de-duplication any more.
    @discardableResult
    public func pruneJournal(receivedBeforeUnixMs: Int64) throws -> Int {
        try writing { database in
            try database.run(
                """
                DELETE FROM action_journal
                WHERE state = 'finished' AND result_acknowledged = 1 AND received_unix_ms < ?
                """, [receivedBeforeUnixMs])
        }
    }
}
