import EACPProtocol
import Foundation

/// Security event de-duplication and validation, and status report ordering, of a server.
enum ServerTelemetryCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [deduplication(target), invalidBatches(target), statusLatestWins(target)]
    }

    static func event(_ id: String, observed: Int64 = Int64(Date().timeIntervalSince1970 * 1_000)) -> SecurityEvent {
        var event = SecurityEvent()
        event.eventId = id
        event.observedUnixMs = observed
        event.eventType = "conformance.test"
        event.severity = .low
        return event
    }

    static func batch(_ events: [SecurityEvent]) -> SecurityEventBatch {
        var batch = SecurityEventBatch()
        batch.events = events
        return batch
    }

    static func deduplication(_ target: ServerTarget) -> ConformanceCase {
        .server("server.events.deduplicated", "An event id sent twice is acknowledged twice and stored once",
                ["EACP-EVENT-006", "EACP-EVENT-007", "EACP-EVENT-009"], target) { kit in
            let agent = try await kit.enrolledAgent()
            let first = try await agent.post("/eacp/v1/events", batch([event("conf-e1"), event("conf-e2")]))
            let ack1 = try agent.decode(SecurityEventAck.self, first.body, from: "events")
            try kit.context.require(Set(ack1.storedEventIds) == ["conf-e1", "conf-e2"], "the first ack lists \(ack1.storedEventIds)")
            let second = try await agent.post("/eacp/v1/events", batch([event("conf-e1"), event("conf-e3"), event("conf-e4", observed: 0)]))
            let ack2 = try agent.decode(SecurityEventAck.self, second.body, from: "events")
            try kit.context.require(ack2.storedEventIds.sorted() == ["conf-e1", "conf-e3"], "the second ack stores \(ack2.storedEventIds)")
            try kit.context.require(ack2.rejected.map(\.eventId) == ["conf-e4"] && ack2.rejected.first?.code == .badRequest,
                                    "an event with observed_unix_ms 0 was not rejected with BAD_REQUEST")
            let stored = try await kit.admin.call(.get, "/admin/v1/agents/\(agent.agentID)/events")
            let ids = (stored.json["events"]?.value as? [[String: Any]] ?? []).compactMap { $0["event_id"] as? String }
            try kit.context.require(ids.sorted() == ["conf-e1", "conf-e2", "conf-e3"], "the server stored \(ids)")
        }
    }

    static func invalidBatches(_ target: ServerTarget) -> ConformanceCase {
        .server("server.events.rejects-invalid-batch", "An empty batch and a batch with a repeated id get 400 and store nothing",
                ["EACP-EVENT-008", "EACP-ERROR-009"], target) { kit in
            let agent = try await kit.enrolledAgent()
            try kit.expectError(try await agent.post("/eacp/v1/events", batch([])), status: 400, code: .badRequest, "empty batch")
            try kit.expectError(try await agent.post("/eacp/v1/events", batch([event("conf-d1"), event("conf-d1")])),
                                status: 400, code: .badRequest, "batch with a repeated event id")
            let stored = try await kit.admin.call(.get, "/admin/v1/agents/\(agent.agentID)/events")
            try kit.context.require((stored.json["events"]?.value as? [Any] ?? []).isEmpty, "a rejected batch stored events")
        }
    }

    static func statusLatestWins(_ target: ServerTarget) -> ConformanceCase {
        .server("server.status.latest-wins", "An older status report is acknowledged with the highest stored number",
                ["EACP-STATUS-003", "EACP-STATUS-005"], target) { kit in
            let agent = try await kit.enrolledAgent()
            for (sent, expected) in [(UInt64(5), UInt64(5)), (3, 5), (6, 6)] {
                var report = StatusReport()
                report.sequenceNumber = sent
                report.generatedUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
                let answer = try await agent.post("/eacp/v1/status", report)
                let ack = try agent.decode(StatusReportAck.self, answer.body, from: "status")
                try kit.context.require(ack.storedSequenceNumber == expected,
                                        "after report \(sent) the ack says \(ack.storedSequenceNumber), expected \(expected)")
            }
            var zero = StatusReport()
            zero.generatedUnixMs = 1
            try kit.expectError(try await agent.post("/eacp/v1/status", zero), status: 400, code: .badRequest, "status report 0")
        }
    }
}
