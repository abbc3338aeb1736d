import EACPSQLite

extension SQLiteServerStore {
    private static let actionColumns = """
        action_id, agent_id, kind, parameters, created_unix_ms, not_before_unix_ms, expires_unix_ms,
        minimum_agent_version, sequence_number, state, delivery_path, push_attempts, last_push_unix_ms,
        acknowledged_unix_ms, terminal_state, error_code, detail, result, finished_unix_ms
        """

    private static func readAction(_ row: Row) throws -> ActionRecord {
        let action = NewAction(
            actionID: try row.column(0), agentID: try row.column(1), kind: try row.column(2),
            parameters: try row.column(3), createdUnixMs: try row.column(4), notBeforeUnixMs: try row.column(5),
            expiresUnixMs: try row.column(6), minimumAgentVersion: try row.column(7))
        var outcome: ActionOutcome?
        if let terminalState = try row.column(14, as: Int32?.self) {
            outcome = ActionOutcome(
                terminalState: terminalState, errorCode: try row.column(15), detail: try row.column(16),
                result: try row.column(17), finishedUnixMs: try row.column(18))
        }
        return ActionRecord(
            action: action, sequenceNumber: try row.column(8), state: try readState(row, column: 9),
            deliveryPath: try row.column(10, as: String?.self).flatMap(ActionDeliveryPath.init(rawValue:)),
            pushAttempts: try row.column(11), lastPushUnixMs: try row.column(12),
            acknowledgedUnixMs: try row.column(13), outcome: outcome)
    }

    private static func readState(_ row: Row, column: Int32) throws -> ActionState {
        let text = try row.column(column, as: String.self)
        guard let state = ActionState(rawValue: text) else {
            // The table's CHECK constraint allows only the four states, so this means a damaged file.
            throw ServerStoreError(code: .corrupt, message: "action has unknown state \"\(text)\"")
        }
        return state
    }

    public func insertAction(_ action: NewAction) throws(ServerStoreError) -> ActionRecord {
        try writing("storing action \(action.actionID) for agent \(action.agentID)") { database in
            let sequence = try database.queryFirst(
                """
                UPDATE agents SET next_action_sequence = next_action_sequence + 1 WHERE agent_id = ?
                RETURNING next_action_sequence - 1
                """, [action.agentID]
            ) { row in try row.column(0, as: Int64.self) }
            guard let sequence else { throw Self.notFound(agentID: action.agentID) }

            try database.run(
                """
                INSERT INTO actions (action_id, agent_id, sequence_number, kind, parameters, created_unix_ms,
                    not_before_unix_ms, expires_unix_ms, minimum_agent_version, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')
                """,
                [action.actionID, action.agentID, sequence, action.kind, action.parameters, action.createdUnixMs,
                 action.notBeforeUnixMs, action.expiresUnixMs, action.minimumAgentVersion])
            return ActionRecord(
                action: action, sequenceNumber: sequence, state: .queued, deliveryPath: nil, pushAttempts: 0,
                lastPushUnixMs: nil, acknowledgedUnixMs: nil, outcome: nil)
        }
    }

    public func action(id: String) throws(ServerStoreError) -> ActionRecord? {
        try withDatabase("reading action \(id)") { database in
            try Self.action(id: id, in: database)
        }
    }

    private static func action(id: String, in database: Database) throws -> ActionRecord? {
        try database.queryFirst("SELECT \(actionColumns) FROM actions WHERE action_id = ?", [id], read: readAction)
    }

    public func actions(agentID: String, states: Set<ActionState>, limit: Int) throws(ServerStoreError)
        -> [ActionRecord]
    {
        // Sorted, so each set of states always produces the same SQL text and reuses one cached statement.
        let stateNames = states.map(\.rawValue).sorted()
        guard !stateNames.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: stateNames.count).joined(separator: ", ")
        return try withDatabase("listing actions of agent \(agentID)") { database in
            try database.query(
                """
                SELECT \(Self.actionColumns) FROM actions
                WHERE agent_id = ? AND state IN (\(placeholders)) ORDER BY sequence_number LIMIT ?
                """, [agentID] + stateNames + [limit], read: Self.readAction)
        }
    }

    public func updateAction(id: String, expectedStates: Set<ActionState>, update: ActionUpdate)
        throws(ServerStoreError) -> Bool
    {
        guard (update.state == .finished) == (update.outcome != nil) else {
            throw ServerStoreError(
                code: .conflict,
                message: "update of action \(id) to state \(update.state.rawValue) must carry an outcome "
                    + "exactly when the state is finished")
        }
        return try writing("updating action \(id) to \(update.state.rawValue)") { database in
            guard let current = try Self.action(id: id, in: database) else {
                throw ServerStoreError(code: .notFound, message: "action \(id) not found")
            }
            guard expectedStates.contains(current.state) else { return false }

            // The state in the WHERE clause makes the UPDATE itself the compare-and-set, so the
            // same statement stays correct on an engine without serialized write transactions.
            let outcome = update.outcome
            return try database.run(
                """
                UPDATE actions SET state = ?, delivery_path = coalesce(?, delivery_path),
                    push_attempts = push_attempts + ?, last_push_unix_ms = coalesce(?, last_push_unix_ms),
                    acknowledged_unix_ms = coalesce(?, acknowledged_unix_ms),
                    terminal_state = coalesce(?, terminal_state), error_code = coalesce(?, error_code),
                    detail = coalesce(?, detail), result = coalesce(?, result),
                    finished_unix_ms = coalesce(?, finished_unix_ms)
                WHERE action_id = ? AND state = ?
                """,
                [update.state.rawValue, update.deliveryPath?.rawValue, update.pushedUnixMs == nil ? 0 : 1,
                 update.pushedUnixMs, update.acknowledgedUnixMs, outcome?.terminalState, outcome?.errorCode,
                 outcome?.detail, outcome?.result, outcome?.finishedUnixMs, id, current.state.rawValue]) == 1
        }
    }

    public func expireActions(nowUnixMs: Int64, expiredTerminalState: Int32) throws(ServerStoreError)
        -> [ActionRecord]
    {
        try writing("expiring actions") { database in
            let expiredIDs = try database.query(
                """
                UPDATE actions SET state = 'finished', terminal_state = ?, error_code = 0,
                    detail = 'expired before it was delivered', finished_unix_ms = ?
                WHERE state = 'queued' AND expires_unix_ms <= ?
                RETURNING action_id
                """, [expiredTerminalState, nowUnixMs, nowUnixMs]
            ) { row in try row.column(0, as: String.self) }
            return try expiredIDs.compactMap { id in try Self.action(id: id, in: database) }
                .sorted { ($0.action.agentID, $0.sequenceNumber) < ($1.action.agentID, $1.sequenceNumber) }
        }
    }

    public func unacknowledgedActions(agentID: String, limit: Int) throws(ServerStoreError) -> [ActionRecord] {
        try withDatabase("listing unacknowledged actions of agent \(agentID)") { database in
            try database.query(
                """
                SELECT \(Self.actionColumns) FROM actions
                WHERE agent_id = ? AND state IN ('queued', 'pushed', 'delivered') AND acknowledged_unix_ms IS NULL
                ORDER BY sequence_number LIMIT ?
                """, [agentID, limit], read: Self.readAction)
        }
    }

    public func acknowledgeAction(id: String, deliveryPath: ActionDeliveryPath, acknowledgedUnixMs: Int64)
        throws(ServerStoreError) -> Bool
    {
        try writing("acknowledging action \(id)") { database in
            guard try Self.action(id: id, in: database) != nil else {
                throw ServerStoreError(code: .notFound, message: "action \(id) not found")
            }
            return try database.run(
                """
                UPDATE actions SET state = 'delivered', delivery_path = coalesce(delivery_path, ?),
                    acknowledged_unix_ms = ?
                WHERE action_id = ? AND state IN ('queued', 'pushed', 'delivered') AND acknowledged_unix_ms IS NULL
                """, [deliveryPath.rawValue, acknowledgedUnixMs, id]) == 1
        }
    }

    public func deliverPushedActions(agentID: String?) throws(ServerStoreError) -> Int {
        try writing("moving pushed actions to the heartbeat path") { database in
            if let agentID {
                return try database.run(
                    "UPDATE actions SET state = 'delivered' WHERE state = 'pushed' AND agent_id = ?", [agentID])
            }
            return try database.run("UPDATE actions SET state = 'delivered' WHERE state = 'pushed'")
        }
    }

    public func actionCounts() throws(ServerStoreError) -> ActionCounts {
        try withDatabase("counting actions") { database in
            var counts = ActionCounts()
            // One aggregate query, so a scrape of /metrics costs one pass over the table, not one query per agent.
            let rows = try database.query(
                """
                SELECT state, acknowledged_unix_ms IS NOT NULL, count(*) FROM actions
                GROUP BY state, acknowledged_unix_ms IS NOT NULL
                """
            ) { row in (try row.column(0, as: String.self), try row.column(1, as: Int64.self), try row.column(2, as: Int.self)) }
            for (state, acknowledged, count) in rows {
                switch (ActionState(rawValue: state), acknowledged != 0) {
                case (.queued?, _): counts.queued += count
                case (.pushed?, _): counts.pushed += count
                case (.delivered?, false): counts.delivered += count
                case (.delivered?, true): counts.acknowledged += count
                case (.finished?, _): counts.finished += count
                case (nil, _): throw ServerStoreError(code: .corrupt, message: "action has unknown state \"\(state)\"")
                }
            }
            return counts
        }
    }
}
