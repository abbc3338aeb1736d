import EACPProtocol
import EACPTransport
import Foundation

/// Status reports while the server fails their requests: the agent keeps only its newest report.
enum AgentStatusCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [coalescedAfterFailures(harness)]
    }

    static let statusPath = "/eacp/v1/status"

    static func coalescedAfterFailures(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.status.coalesced-after-failures",
               "Status reports whose requests failed are replaced by newer ones, never sent after them",
               ["EACP-STATUS-002"], harness, timeout: .seconds(40)) { harness, context in
            let failing = LockedValue(true)
            let attempts = LockedValue<[(sequence: UInt64, failed: Bool)]>([])
            let handler: HarnessOverride = { body in
                guard let report = try? StatusReport(wireBytes: body) else { return HTTPResponse(status: .badRequest) }
                let failed = failing.value
                attempts.update { $0.append((report.sequenceNumber, failed)) }
                guard !failed else {
                    var reply = ErrorReply()
                    reply.code = .unavailable
                    reply.message = "the harness fails status requests for a while"
                    return HTTPResponse(status: HTTPStatus(code: 503), headers: ["Content-Type": HarnessHandlers.mediaType], body: reply.wireBytes())
                }
                harness.handlers.observations.update { $0.statusReports.append(.init(at: .now, value: report)) }
                var ack = StatusReportAck()
                ack.storedSequenceNumber = report.sequenceNumber
                return AgentRetryCases.reply(ack)
            }
            let previousInterval = harness.handlers.script.value.statusReportIntervalMs
            harness.handlers.script.update { script in
                script.statusReportIntervalMs = 1_000
                script.overrides[statusPath] = Array(repeating: handler, count: 60)
            }
            defer {
                harness.handlers.script.update { script in
                    script.statusReportIntervalMs = previousInterval
                    script.overrides[statusPath] = nil
                }
            }
            _ = try await harness.requestHeartbeatNow()
            context.transcript.note("status interval 1000 ms; failing status requests with 503 until three have failed")
            guard try await waitFor(timeout: .seconds(15), { attempts.value.count >= 3 ? true : nil }) != nil else {
                throw CaseStop.failed("fewer than 3 status reports came within 15 s of a 1000 ms interval")
            }
            failing.update { $0 = false }
            let failedCount = attempts.value.count
            guard try await waitFor(timeout: .seconds(10), { attempts.value.count >= failedCount + 2 ? true : nil }) != nil else {
                throw CaseStop.failed("fewer than 2 status reports came within 10 s after the failures ended")
            }
            let numbers = attempts.value.map(\.sequence)
            context.transcript.note("status requests carried sequence numbers \(numbers), the first \(failedCount) failed")
            for (previous, next) in zip(numbers, numbers.dropFirst()) {
                try context.require(next >= previous, "status report \(next) was sent after report \(previous), which replaced it")
            }
        }
    }
}
