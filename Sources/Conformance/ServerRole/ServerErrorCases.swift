import EACPProtocol
import EACPTransport

/// Error responses that tell an agent when to come back: 429 and 503 with Retry-After.
enum ServerErrorCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [retryAfter(target)]
    }

    /// The maximum number of requests the case sends while it waits for a 429 or 503.
    static let maximumRequests = 2_000

    /// Connections that send at once, so the request rate does not depend on the latency of one.
    static let parallelClients = 16

    static func retryAfter(_ target: ServerTarget) -> ConformanceCase {
        .server("server.errors.retry-after",
                "A 429 or 503 carries Retry-After in whole seconds, equal to the ErrorReply's retry_after_ms rounded up",
                ["EACP-ERROR-005", "EACP-ERROR-001"], target, timeout: .seconds(30)) { kit in
            let agent = try await kit.enrolledAgent()
            let connector = try agent.tlsConnector()
            // The same heartbeat again and again: each is valid, and none is above the stored sequence
            // number after the first, so the server has nothing to store.
            let heartbeat = agent.nextHeartbeat().wireBytes()
            kit.context.transcript.note(
                "sending one heartbeat up to \(maximumRequests) times on \(parallelClients) connections until a 429 or 503 arrives")
            let limited = LockedValue<HTTPResponse?>(nil)
            let sent = LockedValue(0)
            let deadline = ContinuousClock.now + .seconds(15)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<parallelClients {
                    tasks.addTask { [group = kit.group] in
                        let client = HTTPClient(connector: connector, group: group)
                        while limited.value == nil && ContinuousClock.now < deadline
                            && sent.update({ count in count += 1; return count }) <= maximumRequests
                        {
                            let response = try await client.post("/eacp/v1/heartbeat", body: heartbeat)
                            let status = response.status.code
                            if status == 429 || status == 503 {
                                limited.update { if $0 == nil { $0 = response } }
                            } else if status != 200 {
                                throw CaseStop.failed("a repeated heartbeat got status \(status), not 200, 429 or 503")
                            }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            guard let response = limited.value else {
                throw CaseStop.notChecked(
                    "the server accepted \(min(sent.value, maximumRequests)) heartbeats from one agent without a 429 or 503, "
                        + "so no Retry-After could be checked")
            }
            kit.context.transcript.record(
                "server->agent", "\(response.status.code) after about \(sent.value) heartbeats",
                SimulatedAgent.describeReply(path: "/eacp/v1/heartbeat", response)
                    + "\nRetry-After: \(response.headers.values(name: "Retry-After"))")
            try check(kit, response)
        }
    }

    /// Requires `response`, a 429 or 503, to carry one Retry-After of at least 1 whole second, and an
    /// `ErrorReply` whose code fits the status and whose `retry_after_ms`, rounded up to whole
    /// seconds, equals the header.
    static func check(_ kit: ServerCaseKit, _ response: HTTPResponse) throws {
        let status = response.status.code
        let values = response.headers.values(name: "Retry-After")
        try kit.context.require(values.count == 1, "the \(status) carries \(values.count) Retry-After headers, not 1")
        let text = values[0].trimmingCharacters(in: .whitespaces)
        guard text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let seconds = Int(text) else {
            throw CaseStop.failed("the \(status) has Retry-After \"\(text)\", not a number of whole seconds")
        }
        try kit.context.require(seconds >= 1, "the \(status) has Retry-After \(seconds), below 1 second")

        let code: ErrorCode = status == 429 ? .rateLimited : .unavailable
        try kit.expectError((status, response.body), status: status, code: code, "the \(status) response")
        let reply = try ErrorReply(wireBytes: response.body)
        try kit.context.require(reply.retryAfterMs > 0, "the \(status) has an ErrorReply with retry_after_ms 0")
        let rounded = (Int(reply.retryAfterMs) + 999) / 1_000
        try kit.context.require(rounded == seconds,
                                "retry_after_ms \(reply.retryAfterMs) rounds up to \(rounded) s, but Retry-After is \(seconds)")
    }
}
