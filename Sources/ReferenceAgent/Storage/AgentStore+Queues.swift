import EACPSQLite

// The security event queue, the coalesced status report and the agent log buffer.
extension AgentStore {
    private static let droppedEventsCounter = "dropped_security_events"
    private static let droppedLogsCounter = "dropped_log_records"
    private static let logSequenceCounter = "log_sequence"

    // MARK: Security event queue

    /// Adds an event at the end of the queue. Returns `.dropped` when the queue is full, because
    /// discarding the newest event keeps the order of everything already promised to the server.
    public func enqueueEvent(eventID: String, encoded: [UInt8], recordedUnixMs: Int64) throws -> EnqueueOutcome {
        try writing { database in
            let depth = try Self.eventQueueDepth(in: database)
            if try database.queryFirst("SELECT 1 FROM security_event_queue WHERE event_id = ?", [eventID], read: { _ in 1 })
                != nil
            {
                return .alreadyQueued
            }
            guard depth < limits.securityEventQueueCapacity else {
                try Self.addToCounter(Self.droppedEventsCounter, 1, in: database)
                return .dropped
            }
            try database.run(
                "INSERT INTO security_event_queue (event_id, recorded_unix_ms, encoded) VALUES (?, ?, ?)",
                [eventID, recordedUnixMs, encoded])
            return .queued(sequence: database.lastInsertRowID)
        }
    }

    /// Returns the oldest `limit` queued events, oldest first. They stay queued until `removeEvents`.
    public func peekEvents(limit: Int) throws -> [QueuedSecurityEvent] {
        try withDatabase { database in
            try database.query(
                """
                SELECT sequence, event_id, recorded_unix_ms, encoded FROM security_event_queue
                ORDER BY sequence LIMIT ?
                """, [limit]
            ) { row in
                QueuedSecurityEvent(
                    sequence: try row.column(0), eventID: try row.column(1), recordedUnixMs: try row.column(2),
                    encoded: try row.column(3))
            }
        }
    }

    /// Removes the events the server acknowledged (stored or rejected) and returns how many were queued.
    @discardableResult
    public func removeEvents(eventIDs: [String]) throws -> Int {
        try writing { database in
            try eventIDs.reduce(0) { removed, eventID in
                removed + (try database.run("DELETE FROM security_event_queue WHERE event_id = ?", [eventID]))
            }
        }
    }

    public func eventQueueDepth() throws -> Int {
        try withDatabase { database in try Self.eventQueueDepth(in: database) }
    }

    private static func eventQueueDepth(in database: Database) throws -> Int {
        try database.queryFirst("SELECT count(*) FROM security_event_queue") { row in try row.column(0, as: Int.self) } ?? 0
    }

    /// When the oldest queued event was recorded, or nil when the queue is empty.
    public func oldestQueuedEventUnixMs() throws -> Int64? {
        try withDatabase { database in
            try database.queryFirst("SELECT recorded_unix_ms FROM security_event_queue ORDER BY sequence LIMIT 1") {
                row in try row.column(0, as: Int64.self)
            }
        }
    }

    /// Events discarded because the queue was full, over the life of this store.
    public func droppedEventCount() throws -> Int64 {
        try withDatabase { database in try Self.counter(Self.droppedEventsCounter, in: database) }
    }

    // MARK: Status report

    /// Stores a status report in place of any waiting one and returns its generation.
    @discardableResult
    public func storeStatusReport(encoded: [UInt8], recordedUnixMs: Int64) throws -> Int64 {
        try writing { database in
            let generation = try Self.addToCounter("status_generation", 1, in: database)
            try database.run(
                """
                INSERT INTO status_report (slot, generation, recorded_unix_ms, encoded) VALUES (1, ?, ?, ?)
                ON CONFLICT (slot) DO UPDATE SET generation = excluded.generation,
                    recorded_unix_ms = excluded.recorded_unix_ms, encoded = excluded.encoded
                """, [generation, recordedUnixMs, encoded])
            return generation
        }
    }

    public func pendingStatusReport() throws -> PendingStatusReport? {
        try withDatabase { database in
            try database.queryFirst("SELECT generation, recorded_unix_ms, encoded FROM status_report") { row in
                PendingStatusReport(generation: try row.column(0), recordedUnixMs: try row.column(1), encoded: try row.column(2))
            }
        }
    }

    /// Removes the waiting report if it is still `generation`, and returns whether it did. A report
    /// stored while the older one was in flight stays, so it is sent next.
    @discardableResult
    public func removeStatusReport(generation: Int64) throws -> Bool {
        try writing { database in
            try database.run("DELETE FROM status_report WHERE generation = ?", [generation]) == 1
        }
    }

    // MARK: Agent log buffer

    /// Appends a log record with the next sequence number and returns it. When the buffer is
    /// full, the oldest record is discarded and counted.
    @discardableResult
    public func appendLogRecord(timeUnixMs: Int64, level: Int32, component: String, message: String) throws -> Int64 {
        try writing { database in
            let sequenceNumber = try Self.addToCounter(Self.logSequenceCounter, 1, in: database)
            try database.run(
                "INSERT INTO log_buffer (sequence_number, time_unix_ms, level, component, message) VALUES (?, ?, ?, ?, ?)",
                [sequenceNumber, timeUnixMs, level, component, message])
            let discarded = try database.run(
                """
                DELETE FROM log_buffer WHERE sequence_number <= (
                    SELECT sequence_number FROM log_buffer ORDER BY sequence_number DESC LIMIT 1 OFFSET ?)
                """, [limits.logBufferCapacity])
            if discarded > 0 {
                try Self.addToCounter(Self.droppedLogsCounter, Int64(discarded), in: database)
            }
            return sequenceNumber
        }
    }

    /// Returns the oldest `limit` buffered records and the count of records discarded since the last
    /// acknowledged batch. They stay buffered until `removeLogRecords`.
    public func peekLogRecords(limit: Int) throws -> LogBatch {
        try withDatabase { database in
            try database.read {
                let records = try database.query(
                    """
                    SELECT sequence_number, time_unix_ms, level, component, message FROM log_buffer
                    ORDER BY sequence_number LIMIT ?
                    """, [limit]
                ) { row in
                    BufferedLogRecord(
                        sequenceNumber: try row.column(0), timeUnixMs: try row.column(1), level: try row.column(2),
                        component: try row.column(3), message: try row.column(4))
                }
                return LogBatch(records: records, droppedCount: try Self.counter(Self.droppedLogsCounter, in: database))
            }
        }
    }

    /// Removes records up to `storedSequenceNumber` (from `AgentLogAck`) and subtracts the dropped
    /// count the acknowledged batch carried, so later drops are still reported.
    public func removeLogRecords(throughSequenceNumber storedSequenceNumber: Int64, reportedDroppedCount: Int64) throws {
        try writing { database in
            try database.run("DELETE FROM log_buffer WHERE sequence_number <= ?", [storedSequenceNumber])
            try Self.addToCounter(Self.droppedLogsCounter, -reportedDroppedCount, in: database)
        }
    }

    public func logBufferDepth() throws -> Int {
        try withDatabase { database in
            try database.queryFirst("SELECT count(*) FROM log_buffer") { row in try row.column(0, as: Int.self) } ?? 0
        }
    }
}
