import EACPProtocol

/// POST /eacp/v1/events, /status and /logs: what the agent reports, stored durably before the
/// answer goes out.
struct TelemetryHandlers {
    let context: ServerContext

    static let maximumEventsPerBatch = 500
    static let maximumEventBodyBytes = 65_536
    static let maximumLogRecordsPerBatch = 1_000

    func events(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let batch = try request.decodeBody(SecurityEventBatch.self)
        guard (1...Self.maximumEventsPerBatch).contains(batch.events.count) else {
            throw ProtocolFailure(.badRequest, "a batch holds 1 to 500 events, not \(batch.events.count)")
        }
        if BrokenVariant.isActive(.storesRejectedBatch) { try storeBeforeChecks(batch, agentID: agent.agentID) }
        guard Set(batch.events.map(\.eventId)).count == batch.events.count || BrokenVariant.isActive(.acceptsRepeatedEventIDs) else {
            throw ProtocolFailure(.badRequest, "two events of the batch have the same event_id")
        }

        let now = context.now
        var ack = SecurityEventAck()
        var records: [SecurityEventRecord] = []
        for event in batch.events {
            if let reason = Self.invalidEventReason(event) {
                var rejected = RejectedSecurityEvent()
                rejected.eventId = event.eventId
                rejected.code = .badRequest
                rejected.message = reason
                if !BrokenVariant.isActive(.omitsRejectedEvents) { ack.rejected.append(rejected) }
                continue
            }
            records.append(SecurityEventRecord(
                agentID: agent.agentID, eventID: event.eventId, observedUnixMs: event.observedUnixMs,
                receivedUnixMs: now, eventType: event.eventType, severity: event.severity.rawValue,
                encoded: event.wireBytes()))
        }
        var duplicates: [String] = []
        if !records.isEmpty {
            let outcome = try context.stored("store events") { () throws(ServerStoreError) in
                try context.store.storeEvents(records)
            }
            context.metrics.securityEvents.add(outcome.newEventIDs.count)
            duplicates = outcome.duplicateEventIDs
        }
        ack.storedEventIds = records.map(\.eventID)
        if BrokenVariant.isActive(.rejectsStoredEvents) { BrokenVariant.moveToRejected(duplicates, in: &ack) }
        context.log.debug("events.stored", ["agent": agent.agentID, "stored": records.count, "rejected": ack.rejected.count])
        return .message(ack)
    }

    /// Returns why an event breaks a rule of `SecurityEvent`, or nil when it is valid.
    static func invalidEventReason(_ event: SecurityEvent) -> String? {
        if !Identifier.isValid(event.eventId) { return "event_id is not an identifier (1 to 64 of A-Z a-z 0-9 - _ . :)" }
        let typeAllowed = event.eventType.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if event.eventType.isEmpty || event.eventType.utf8.count > 128 || !typeAllowed {
            return "event_type must be 1 to 128 of lowercase letters, digits, '.', '_' and '-'"
        }
        if event.observedUnixMs == 0 && !BrokenVariant.isActive(.acceptsUnobservedEvents) { return "observed_unix_ms is not set" }
        if event.body.count > maximumEventBodyBytes { return "body is longer than 65536 bytes" }
        if event.bodyMediaType.utf8.count > 128 { return "body_media_type is longer than 128 bytes" }
        return nil
    }

    func status(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let report = try request.decodeBody(StatusReport.self)
        guard report.sequenceNumber != 0 || BrokenVariant.isActive(.acceptsStatusZero) else { throw ProtocolFailure(.badRequest, "sequence_number must be 1 or more") }
        if let violation = FieldLimits.violation(in: report) { throw violation.failure }
        guard Set(report.properties.map(\.name)).count == report.properties.count else {
            throw ProtocolFailure(.badRequest, "two properties of the report have the same name")
        }

        let latest = try context.stored("latest status report") { () throws(ServerStoreError) in
            try context.store.latestStatusReport(agentID: agent.agentID)
        }
        let storedSequence = latest.flatMap { try? StatusReport(wireBytes: $0.encoded) }?.sequenceNumber ?? 0
        var ack = StatusReportAck()
        ack.storedSequenceNumber = storedSequence
        if report.sequenceNumber > storedSequence || BrokenVariant.isActive(.storesOlderStatus) {
            let record = StatusReportRecord(agentID: agent.agentID, receivedUnixMs: context.now, encoded: request.body)
            try context.stored("store status report") { () throws(ServerStoreError) in
                try context.store.storeStatusReport(record)
            }
            ack.storedSequenceNumber = report.sequenceNumber
        }
        return .message(ack)
    }

    func logs(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let batch = try request.decodeBody(AgentLogBatch.self)
        if let violation = FieldLimits.violation(in: batch) { throw violation.failure }
        for (earlier, later) in zip(batch.records, batch.records.dropFirst())
        where later.sequenceNumber <= earlier.sequenceNumber && !BrokenVariant.isActive(.acceptsUnorderedLogs) {
            throw ProtocolFailure(.badRequest, "sequence numbers are not strictly ascending at \(later.sequenceNumber)")
        }
        guard batch.records.allSatisfy({ $0.sequenceNumber <= UInt64(Int64.max) }), batch.droppedCount <= UInt64(Int64.max) else {
            throw ProtocolFailure(.badRequest, "a sequence number or dropped_count is above 2^63-1")
        }

        let entries = batch.records.map { record in
            AgentLogEntry(
                sequenceNumber: Int64(record.sequenceNumber), timeUnixMs: record.timeUnixMs, level: record.level.rawValue,
                component: String(decoding: Array(record.component.utf8.prefix(64)), as: UTF8.self),
                message: String(decoding: Array(record.message.utf8.prefix(4096)), as: UTF8.self))
        }
        let now = context.now
        let highest = try context.stored("store agent logs") { () throws(ServerStoreError) in
            try context.store.storeAgentLogs(
                agentID: agent.agentID, entries: entries, droppedByAgent: Int64(batch.droppedCount), receivedUnixMs: now)
        }
        var ack = AgentLogAck()
        ack.storedSequenceNumber = UInt64(max(0, highest))
        if BrokenVariant.isActive(.acksBatchHighestLog) { ack.storedSequenceNumber = batch.records.last?.sequenceNumber ?? 0 }
        return .message(ack)
    }
}

/// The protocol's identifier: 1 to 64 bytes of ASCII letters, digits, '-', '_', '.' and ':'.
enum Identifier {
    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":")].contains(byte)
        }
    }
}
