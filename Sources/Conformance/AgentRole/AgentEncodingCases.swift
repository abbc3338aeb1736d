import EACPProtocol
import EACPTransport

/// The agent's decoding of a server reply in a form the harness's own encoder never produces:
/// fields out of order, a scalar field and a message field given twice, and fields the schema does
/// not define.
enum AgentEncodingCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [unusualReply(harness)]
    }

    /// Field numbers that `HeartbeatReply` does not define, one per wire type the rule names.
    static let unknownFieldNumbers = (varint: 1_000, fixed64: 1_001, lengthDelimited: 1_002, fixed32: 1_003)

    static func unusualReply(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.encoding.reply-with-unknown-and-repeated-fields",
               "A heartbeat reply with unknown fields and two interval values and settings is accepted: the last value counts, settings merge",
               ["EACP-ENCODING-002", "EACP-ENCODING-005"], harness) { harness, context in
            let handlers = harness.handlers
            let start = handlers.observations.value.heartbeats.count
            let reports = handlers.observations.value.statusReports.count
            handlers.script.update { script in
                // A zero status interval keeps the one the unusual reply sets.
                script.statusReportIntervalMs = 0
                script.overrides["/eacp/v1/heartbeat", default: []].append { body in
                    guard let heartbeat = try? Heartbeat(wireBytes: body), case .reply(let reply) = handlers.heartbeat(heartbeat) else {
                        return HTTPResponse(status: .badRequest)
                    }
                    return HTTPResponse(
                        status: .ok, headers: ["Content-Type": HarnessHandlers.mediaType], body: unusualBytes(reply.wireBytes()))
                }
            }
            context.transcript.note(
                "the next reply: next_heartbeat_interval_ms 60000, unknown fields, the usual reply with 2000, unknown fields, "
                    + "and a second settings field with status_report_interval_ms 1000")

            guard let times = try await waitFor(timeout: .seconds(15), {
                let heartbeats = handlers.observations.value.heartbeats
                return heartbeats.count >= start + 2 ? heartbeats.dropFirst(start).prefix(2).map(\.at) : nil
            }) else { throw CaseStop.failed("the agent sent no heartbeat within 15 s of the reply with unknown and repeated fields") }
            let gap = times[1] - times[0]
            context.transcript.note("next heartbeat \(gap.milliseconds) ms later")
            // Tolerance as in the interval case. An agent that took the first value waits 60 s, and one
            // that rejected the reply retries after its failure backoff of about 5 s.
            try context.require(gap >= .milliseconds(1_750) && gap <= .milliseconds(3_500),
                                "the heartbeat after that reply came \(gap.milliseconds) ms later, expected 2000 ms")

            // Only an agent that accepted the reply and merged its two settings fields uses the
            // 1000 ms status interval; the usual reply alone sets none.
            let merged = try await waitFor(timeout: .seconds(5)) {
                handlers.observations.value.statusReports.count >= reports + 2 ? true : nil
            }
            try context.require(merged != nil, "fewer than 2 status reports came within 5 s, so the second settings field was not applied")
        }
    }

    /// Returns `replyBytes` with an earlier next_heartbeat_interval_ms of 60000 and unknown fields
    /// of every wire type before it, and after it more unknown fields and a second `settings` field
    /// with status_report_interval_ms 1000.
    static func unusualBytes(_ replyBytes: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += tag(2, wireType: 0) + varint(60_000)
        bytes += tag(unknownFieldNumbers.varint, wireType: 0) + varint(7)
        bytes += tag(unknownFieldNumbers.fixed64, wireType: 1) + [UInt8](repeating: 0x11, count: 8)
        bytes += replyBytes
        bytes += tag(unknownFieldNumbers.lengthDelimited, wireType: 2) + varint(3) + Array("eac".utf8)
        bytes += tag(unknownFieldNumbers.fixed32, wireType: 5) + [UInt8](repeating: 0x22, count: 4)
        let settings = tag(3, wireType: 0) + varint(1_000)
        bytes += tag(7, wireType: 2) + varint(UInt64(settings.count)) + settings
        return bytes
    }

    static func tag(_ number: Int, wireType: UInt64) -> [UInt8] {
        varint(UInt64(number) << 3 | wireType)
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }
}
