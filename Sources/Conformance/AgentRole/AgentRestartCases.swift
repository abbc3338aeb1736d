import EACPProtocol
import Foundation

/// Stopping and starting the harness's agent: a clean stop on SIGTERM, a restart after SIGKILL, and
/// what must survive both (credentials, sequence numbers, settings).
enum AgentRestartCases {
    static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        [cleanStop(harness), queueKept(harness, eventCommand), crashRestart(harness), settingsKept(harness), clientCertificate(harness), privateKeyKept(harness)]
    }

    /// The harness's observations just before a restart.
    struct Before {
        var lastSequenceNumber: UInt64
        var enrollments: Int
        var heartbeats: Int

        init(_ harness: AgentHarness) {
            let observations = harness.handlers.observations.value
            lastSequenceNumber = observations.heartbeats.map(\.value.sequenceNumber).max() ?? 0
            enrollments = Self.enrollments(observations)
            heartbeats = observations.heartbeats.count
        }

        static func enrollments(_ observations: HarnessObservations) -> Int {
            observations.requests.filter { $0.value.path == "/eacp/v1/enroll" }.count
        }
    }

    static func cleanStop(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.clean-stop-and-restart",
               "On SIGTERM the agent exits with status 0 within 10 s; started again it keeps its identity and numbering",
               ["EACP-ENROLL-015", "EACP-ENROLL-006", "EACP-ENROLL-016", "EACP-HEARTBEAT-004"], harness,
               timeout: .seconds(60)) { harness, context in
            let before = Before(harness)
            let status = await harness.stopAgent()
            context.transcript.record("agent", "SIGTERM", "exit status \(status.map(String.init) ?? "none: still running after 10 s, so killed")")
            try context.require(status != nil, "the agent was still running 10 s after SIGTERM")
            try context.require(status == 0, "the agent exited with status \(status ?? 0) after SIGTERM")
            try await harness.restartAgent(crash: false)
            try checkResumed(harness, before, context)
        }
    }

    static func queueKept(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.contract.queue-kept-across-clean-stop",
               "An event not yet acknowledged when SIGTERM comes is sent again, with the same id, after the restart",
               ["EACP-ENROLL-015", "EACP-ENROLL-016"], harness, timeout: .seconds(60)) { harness, context in
            harness.handlers.script.update { $0.acknowledgeEvents = false }
            let before = harness.handlers.observations.value.eventAttempts.count
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard let sent = try await waitFor(timeout: .seconds(10), {
                harness.handlers.observations.value.eventAttempts.dropFirst(before).first?.value
            }) else { throw AgentEventCases.noEvent(eventCommand) }
            context.transcript.note("answered \(sent.eventId) with 503; stopping the agent with SIGTERM")

            let status = await harness.stopAgent()
            try context.require(status == 0, "the agent exited with status \(status.map(String.init) ?? "none, killed after 10 s") after SIGTERM")
            try await harness.restartAgent(crash: false)
            harness.handlers.script.update { $0.acknowledgeEvents = true }
            let stored = try await waitFor(timeout: .seconds(15)) {
                harness.handlers.observations.value.events.first { $0.value.eventId == sent.eventId }?.value
            }
            try context.require(stored != nil, "event \(sent.eventId) was not sent again within 15 s of the restart")
        }
    }

    static func crashRestart(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.crash-restart-keeps-identity",
               "Killed and started with another token, an unknown EACP_ variable and a trailing / on the URL, the agent resumes",
               ["EACP-ENROLL-006", "EACP-ENROLL-011", "EACP-ENROLL-014", "EACP-ENROLL-016", "EACP-HEARTBEAT-004",
                "EACP-TRANSPORT-001", "EACP-TRANSPORT-017"], harness, timeout: .seconds(60)) { harness, context in
            let before = Before(harness)
            let url = (harness.environment["EACP_SERVER_URL"] ?? "") + "/"
            let changes: [String: String?] = [
                // The harness rejects this token, so an agent that enrolls again gets no credentials.
                "EACP_ENROLLMENT_TOKEN": "conformance-token-the-harness-rejects",
                "EACP_CONFORMANCE_UNKNOWN_SETTING": "a variable no revision of the contract defines",
                "EACP_SERVER_URL": url,
            ]
            context.transcript.note("SIGKILL, then a start with \(changes.map { "\($0.key)=\($0.value ?? "")" }.sorted())")
            try await harness.restartAgent(crash: true, changes: changes)
            try checkResumed(harness, before, context)
        }
    }

    /// Requires that the agent sent no enrollment since `before` and that its heartbeats continue
    /// the numbering. After SIGKILL a heartbeat built but never sent may leave a gap, so the first
    /// new number must be above the last one seen, not exactly one more.
    static func checkResumed(_ harness: AgentHarness, _ before: Before, _ context: CaseContext) throws {
        let observations = harness.handlers.observations.value
        let enrollments = Before.enrollments(observations)
        try context.require(enrollments == before.enrollments,
                            "the restarted agent enrolled again (\(enrollments - before.enrollments) new enrollment requests)")
        let next = observations.heartbeats.dropFirst(before.heartbeats).map(\.value.sequenceNumber)
        context.transcript.note("last sequence_number before the restart \(before.lastSequenceNumber), after it \(next)")
        guard let first = next.first else { throw CaseStop.failed("the restarted agent sent no heartbeat") }
        try context.require(first > before.lastSequenceNumber,
                            "the restarted agent's first heartbeat has sequence_number \(first), not above \(before.lastSequenceNumber)")
    }

    static func settingsKept(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.heartbeat.settings-clamped-and-kept",
               "A status interval below the minimum is clamped to 1000 ms, and kept across a restart and a zero field",
               ["EACP-HEARTBEAT-009"], harness, timeout: .seconds(60)) { harness, context in
            context.transcript.note("status_report_interval_ms 300, below the minimum of 1000")
            let start = harness.handlers.observations.value.statusReports.count
            harness.handlers.script.update { $0.statusReportIntervalMs = 300 }
            _ = try await harness.requestHeartbeatNow()
            guard let times = try await waitFor(timeout: .seconds(10), {
                let reports = harness.handlers.observations.value.statusReports
                return reports.count >= start + 4 ? reports.dropFirst(start).prefix(4).map(\.at) : nil
            }) else { throw CaseStop.failed("fewer than 4 status reports arrived within 10 s of a 300 ms status interval") }
            // The first report may come at once when the shorter interval applies; the gaps after it
            // show the interval in use. Tolerance: 250 ms early for timer rounding.
            for (previous, next) in zip(times.dropFirst(), times.dropFirst(2)) {
                let gap = next - previous
                context.transcript.note("status report gap \(gap.milliseconds) ms")
                try context.require(gap >= .milliseconds(750), "status reports came \(gap.milliseconds) ms apart, below the 1000 ms minimum")
            }

            // A zero field keeps the current value, and a restart must not lose it either.
            harness.handlers.script.update { $0.statusReportIntervalMs = 0 }
            try await harness.restartAgent(crash: true)
            let restarted = harness.handlers.observations.value.statusReports.count
            let continued = try await waitFor(timeout: .seconds(8)) {
                harness.handlers.observations.value.statusReports.count >= restarted + 3 ? true : nil
            }
            try context.require(continued != nil,
                                "after a restart with status_report_interval_ms 0 in replies, fewer than 3 status reports came within 8 s, "
                                    + "so the 1000 ms interval was not kept")
        }
    }

    /// Runs after the restarts, so that the connections of every agent process count.
    static func clientCertificate(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.tls.client-certificate-after-enrollment",
               "After enrollment every request and every push channel upgrade comes with the client certificate",
               ["EACP-TLS-011"], harness) { harness, context in
            // An agent without a push channel makes no upgrade request, so the wait ends without one.
            _ = try await waitFor(timeout: .seconds(10)) { harness.handlers.observations.value.pushAttempts.isEmpty ? nil : true }
            let observations = harness.handlers.observations.value
            guard let enrolled = observations.requests.firstIndex(where: { $0.value.path == "/eacp/v1/enroll" }) else {
                throw CaseStop.failed("the harness saw no enrollment request")
            }
            let later = observations.requests.dropFirst(enrolled + 1).filter { $0.value.path != "/eacp/v1/enroll" }
            let without = later.filter { !$0.value.certificate }.map(\.value.path)
            context.transcript.note("\(later.count) requests after the enrollment, \(observations.pushAttempts.count) push channel upgrades")
            try context.require(without.isEmpty, "requests after the enrollment came without a client certificate: \(without)")
            let pushWithout = observations.pushAttempts.filter { !$0.value }.count
            try context.require(pushWithout == 0, "\(pushWithout) push channel upgrades came without a client certificate")
        }
    }

    /// Runs after the restarts, so that the requests of every agent process count.
    static func privateKeyKept(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.enroll.private-key-never-sent", "No request body, the enrollment included, contains a PEM private key",
               ["EACP-ENROLL-002"], harness) { harness, context in
            let observations = harness.handlers.observations.value
            context.transcript.note("\(observations.requests.count) request bodies searched for a PEM private key")
            try context.require(observations.privateKeyPaths.isEmpty,
                                "requests to \(observations.privateKeyPaths) contain a PEM private key")
        }
    }
}
