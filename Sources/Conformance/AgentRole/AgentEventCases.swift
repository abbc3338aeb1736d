import EACPProtocol
import Foundation

/// Security events sent at once and kept across a crash, and status reports at the interval the
/// server sets.
enum AgentEventCases {
    static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        [sentAtOnce(harness, eventCommand), keptAcrossCrash(harness, eventCommand), statusInterval(harness)]
    }

    /// The heartbeat interval during the event cases: long enough that an event held for the next
    /// heartbeat arrives well after the tolerance, short enough to keep the case under 15 s.
    static let slowHeartbeatMs: UInt32 = 6_000
    /// Tolerance for "at once": a 500 ms folder poll or an event command, then one TLS request on a
    /// loaded two-core machine.
    static let atOnceTolerance: Duration = .seconds(3)

    static func sentAtOnce(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.events.sent-at-once", "A security event is sent at once, not held for the next heartbeat",
               ["EACP-EVENT-002"], harness) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = slowHeartbeatMs }
            // The agent counts the next interval from this heartbeat's reply, which carries the slow
            // interval, so no heartbeat is due for 6 s after it. A scheduled heartbeat, not one that
            // PERFORM_HEARTBEAT causes, because only the scheduled one surely restarts that count.
            guard let heartbeat = try await nextHeartbeat(harness, timeout: .seconds(10)) else {
                throw CaseStop.failed("no heartbeat within 10 s to carry the \(slowHeartbeatMs) ms interval")
            }
            context.transcript.note("heartbeat interval \(slowHeartbeatMs) ms; tolerance \(atOnceTolerance.milliseconds) ms")
            let before = harness.handlers.observations.value.eventAttempts.count
            let recorded = ContinuousClock.now
            try await recordEvent(harness, eventCommand, context)

            let arrival = try await waitFor(timeout: .seconds(Int64(slowHeartbeatMs) / 1_000 + 6)) {
                harness.handlers.observations.value.eventAttempts.dropFirst(before).first?.at
            }
            // The usual interval at once, so the next case does not wait out the slow one.
            harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 }
            _ = try await harness.requestHeartbeatNow()
            guard let arrival else { throw noEvent(eventCommand) }
            let heartbeats = harness.handlers.observations.value.heartbeats.map(\.at)
            let heartbeatBefore = heartbeats.contains { $0 > heartbeat && $0 <= arrival }
            context.transcript.note("event arrived \((arrival - recorded).milliseconds) ms after it was recorded")
            try context.require(
                arrival - recorded <= atOnceTolerance,
                "the event arrived \((arrival - recorded).milliseconds) ms after it was recorded"
                    + (heartbeatBefore ? ", after the next heartbeat" : "") + "; expected it within \(atOnceTolerance.milliseconds) ms")
        }
    }

    static func keptAcrossCrash(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.events.kept-across-crash",
               "An event not yet acknowledged survives SIGKILL and a restart and is sent again with the same id",
               ["EACP-EVENT-001", "EACP-EVENT-004", "EACP-ERROR-012"], harness, timeout: .seconds(60)) { harness, context in
            harness.handlers.script.update { $0.acknowledgeEvents = false }
            let before = harness.handlers.observations.value.eventAttempts.count
            try await recordEvent(harness, eventCommand, context)
            guard let sent = try await waitFor(timeout: .seconds(10), {
                harness.handlers.observations.value.eventAttempts.dropFirst(before).first?.value
            }) else { throw noEvent(eventCommand) }
            context.transcript.note("answered \(sent.eventId) with 503; killing the agent with SIGKILL")

            try await harness.restartAgent(crash: true)
            harness.handlers.script.update { $0.acknowledgeEvents = true }
            guard let stored = try await waitFor(timeout: .seconds(15), {
                harness.handlers.observations.value.events.first { $0.value.eventId == sent.eventId }?.value
            }) else { throw CaseStop.failed("event \(sent.eventId) was not sent again within 15 s of the restart") }
            try context.require(stored == sent, "event \(sent.eventId) changed across the restart: \(stored)")
        }
    }

    /// Declared tolerance of the status interval check, as for heartbeats.
    static let earlyTolerance: Duration = .milliseconds(250)
    static let lateTolerance: Duration = .milliseconds(1_500)

    static func statusInterval(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.status.interval-honoured",
               "Status reports follow the interval the server sets, numbered up by one",
               ["EACP-STATUS-001", "EACP-STATUS-002"], harness) { harness, context in
            harness.handlers.script.update { $0.statusReportIntervalMs = 2_000 }
            context.transcript.note("status interval 2000 ms; tolerance \(earlyTolerance.milliseconds) ms early, \(lateTolerance.milliseconds) ms late")
            let start = harness.handlers.observations.value.statusReports.count
            _ = try await harness.requestHeartbeatNow()
            // The first report after the change may come at once; the gaps count from it.
            guard let reports = try await waitFor(timeout: .seconds(20), interval: .milliseconds(100), {
                let reports = harness.handlers.observations.value.statusReports
                return reports.count >= start + 4 ? Array(reports.suffix(3)) : nil
            }) else { throw CaseStop.failed("fewer than 4 status reports arrived in 20 s with a 2000 ms interval") }
            for (previous, next) in zip(reports, reports.dropFirst()) {
                let gap = next.at - previous.at
                context.transcript.note("report \(next.value.sequenceNumber): gap \(gap.milliseconds) ms")
                try context.require(gap >= .milliseconds(2_000) - earlyTolerance && gap <= .milliseconds(2_000) + lateTolerance,
                                    "a status report came \(gap.milliseconds) ms after the previous one, expected 2000 ms")
                try context.require(next.value.sequenceNumber == previous.value.sequenceNumber + 1,
                                    "status report \(next.value.sequenceNumber) follows \(previous.value.sequenceNumber)")
            }
        }
    }

    /// Waits for the next heartbeat and returns when it arrived.
    static func nextHeartbeat(_ harness: AgentHarness, timeout: Duration) async throws -> ContinuousClock.Instant? {
        let count = harness.handlers.observations.value.heartbeats.count
        return try await waitFor(timeout: timeout) {
            let heartbeats = harness.handlers.observations.value.heartbeats
            return heartbeats.count > count ? heartbeats.last?.at : nil
        }
    }

    /// Makes the agent record one security event: with the event command when there is one, or else
    /// with a new file in the folder named by EACP_WATCH_DIR.
    static func recordEvent(_ harness: AgentHarness, _ eventCommand: String?, _ context: CaseContext) async throws {
        guard let eventCommand else {
            let name = "event-\(UUID().uuidString.prefix(8).lowercased()).txt"
            try "conformance security event\n".write(toFile: harness.watchDirectory + "/" + name, atomically: false, encoding: .utf8)
            context.transcript.note("created \(name) in the watched folder")
            return
        }
        context.transcript.note("running the event command: \(eventCommand)")
        let process = try ChildProcess(
            command: ["/bin/sh", "-c", eventCommand], environment: harness.environment,
            logPath: harness.workDirectory + "/event-command-\(UUID().uuidString.prefix(8).lowercased()).log")
        guard let status = await process.waitForExit(timeout: .seconds(15)) else {
            process.kill()
            throw CaseStop.failed("the event command did not exit within 15 s")
        }
        if status != 0 {
            throw CaseStop.failed("the event command exited with status \(status): \(process.logTail(500))")
        }
    }

    static func noEvent(_ eventCommand: String?) -> CaseStop {
        guard eventCommand != nil else {
            return .notChecked("no security event arrived for a new file in EACP_WATCH_DIR; pass --event-command")
        }
        return .failed("no security event arrived after the event command")
    }
}
