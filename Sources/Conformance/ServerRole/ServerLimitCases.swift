import EACPProtocol
import EACPTransport
import Foundation

/// Requests a server must reject before a handler reads them: a body above the path's limit, a
/// request line and header section above 16384 bytes, a push-channel GET that is no valid WebSocket
/// upgrade, and a request without TLS. Each rejection over TLS must still carry an `ErrorReply`.
enum ServerLimitCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [bodyTooLarge(target), headerSectionTooLarge(target), badPushUpgrades(target), plainTCP(target)]
    }

    /// The body limit of every POST path but `uploads/chunk`.
    static let bodyLimit = 1_048_576

    static func bodyTooLarge(_ target: ServerTarget) -> ConformanceCase {
        .server("server.limits.body-too-large",
                "A POST body above 1 MiB gets 413 with an ErrorReply, decided from Content-Length, and stores nothing",
                ["EACP-LIMIT-001", "EACP-TRANSPORT-005", "EACP-ERROR-009"], target) { kit in
            let agent = try await kit.enrolledAgent()
            let connector = try agent.tlsConnector()

            // Only the head goes out, so a server that decides from Content-Length responds without the body.
            let announced = RawHTTPExchange.head("POST", "/eacp/v1/events", host: connector.hostHeader, [
                ("Content-Type", "application/x-protobuf"), ("Content-Length", String(bodyLimit + 1)),
            ])
            let early = try await RawHTTPExchange.send([announced], through: connector, group: kit.group)
            try expectErrorReply(kit, early, status: 413, code: .payloadTooLarge,
                                 "a POST to /eacp/v1/events announcing \(bodyLimit + 1) bytes, body not sent")

            // A valid batch of 17 events of 64000 bytes each, sent chunked so that its size shows only while reading.
            let events = (1...17).map { index in
                var event = ServerTelemetryCases.event("conf-large-\(index)")
                event.body = [UInt8](repeating: 0x61, count: 64_000)
                return event
            }
            let body = ServerTelemetryCases.batch(events).wireBytes()
            try kit.context.require(body.count > bodyLimit, "the test batch is \(body.count) bytes, not above the limit")
            let chunked = RawHTTPExchange.head("POST", "/eacp/v1/events", host: connector.hostHeader, [
                ("Content-Type", "application/x-protobuf"), ("Transfer-Encoding", "chunked"),
            ])
            let chunks = stride(from: 0, to: body.count, by: 65_536).map { start in
                let piece = Array(body[start..<min(start + 65_536, body.count)])
                return Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
            }
            let late = try await RawHTTPExchange.send(
                [chunked] + chunks + [Array("0\r\n\r\n".utf8)], through: connector, group: kit.group)
            try expectErrorReply(kit, late, status: 413, code: .payloadTooLarge,
                                 "a chunked POST to /eacp/v1/events of \(body.count) bytes")

            let stored = try await kit.admin.call(.get, "/admin/v1/agents/\(agent.agentID)/events")
            let count = (stored.json["events"]?.value as? [Any] ?? []).count
            try kit.context.require(count == 0, "the server stored \(count) events of a body it answered with 413")
        }
    }

    static func headerSectionTooLarge(_ target: ServerTarget) -> ConformanceCase {
        .server("server.limits.header-section-too-large",
                "A request line and header section above 16384 bytes get 400 with an ErrorReply and the connection closes",
                ["EACP-LIMIT-006", "EACP-TRANSPORT-005"], target) { kit in
            let agent = try await kit.enrolledAgent()
            let connector = try agent.tlsConnector()
            let body = agent.nextHeartbeat().wireBytes()
            // About 16500 bytes of head in all: the padding alone is 16400 bytes.
            let head = RawHTTPExchange.head("POST", "/eacp/v1/heartbeat", host: connector.hostHeader, [
                ("Content-Type", "application/x-protobuf"), ("Content-Length", String(body.count)),
                ("X-Conformance-Padding", String(repeating: "p", count: 16_400)),
            ])
            let outcome = try await RawHTTPExchange.send([head, body], through: connector, group: kit.group, untilClosed: true)
            try expectErrorReply(kit, outcome, status: 400, code: .badRequest,
                                 "a heartbeat whose head is \(head.count) bytes")
            try kit.context.require(outcome.closed, "the connection is still open 5 s after the 400 to a head above 16384 bytes")
        }
    }

    static func badPushUpgrades(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.rejects-bad-upgrade",
                "A push-channel GET that is no valid eacp.v1 upgrade gets 400 BAD_REQUEST, and a valid one 101 with eacp.v1",
                ["EACP-PUSH-002", "EACP-TRANSPORT-005"], target, profile: .pushChannel) { kit in
            let agent = try await kit.enrolledAgent()
            let connector = try agent.tlsConnector()
            let valid: [(String, String)] = [
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", WebSocketHandshake.makeKey()),
                ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Protocol", "eacp.v1"),
            ]
            func replacing(_ name: String, with value: String?) -> [(String, String)] {
                valid.compactMap { field in field.0 != name ? field : value.map { (name, $0) } }
            }
            let refused: [(String, [(String, String)])] = [
                ("a GET without Upgrade and Connection", []),
                ("an upgrade that offers only the sub-protocol eacp.v2", replacing("Sec-WebSocket-Protocol", with: "eacp.v2")),
                ("an upgrade that offers no sub-protocol", replacing("Sec-WebSocket-Protocol", with: nil)),
                ("an upgrade with Sec-WebSocket-Version 8", replacing("Sec-WebSocket-Version", with: "8")),
            ]
            for (what, fields) in refused {
                let head = RawHTTPExchange.head("GET", "/eacp/v1/push", host: connector.hostHeader, fields)
                let outcome = try await RawHTTPExchange.send([head], through: connector, group: kit.group)
                try expectErrorReply(kit, outcome, status: 400, code: .badRequest, what)
            }

            let head = RawHTTPExchange.head("GET", "/eacp/v1/push", host: connector.hostHeader, valid)
            let accepted = try await RawHTTPExchange.send([head], through: connector, group: kit.group)
            let text = String(decoding: accepted.received.prefix(2_000), as: UTF8.self)
            kit.context.transcript.record("server->agent", "push-channel upgrade", text)
            try kit.context.require(text.hasPrefix("HTTP/1.1 101 "), "a valid upgrade got \"\(text.prefix(40))\", not 101")
            let headEnd = text.range(of: "\r\n\r\n").map { text[..<$0.lowerBound] } ?? Substring(text)
            let protocols = headEnd.split(separator: "\r\n").filter { $0.lowercased().hasPrefix("sec-websocket-protocol:") }
            try kit.context.require(
                protocols.map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) } == ["eacp.v1"],
                "the 101 carries \(protocols), expected one Sec-WebSocket-Protocol: eacp.v1")
        }
    }

    static func plainTCP(_ target: ServerTarget) -> ConformanceCase {
        .server("server.transport.tls-only",
                "A request sent without TLS gets no HTTP response",
                ["EACP-TRANSPORT-002"], target) { kit in
            let connector = ClientConnector(host: target.host, port: target.port) { PlaintextStream() }
            let head = RawHTTPExchange.head("POST", "/eacp/v1/enroll", host: connector.hostHeader, [
                ("Content-Type", "application/x-protobuf"), ("Content-Length", "0"),
            ])
            let outcome = try await RawHTTPExchange.send([head], through: connector, group: kit.group, untilClosed: true)
            let text = String(decoding: outcome.received.prefix(200), as: UTF8.self)
            kit.context.transcript.record("server->agent", "plain TCP answer", "\(outcome.received.count) bytes: \(text)")
            try kit.context.require(!text.hasPrefix("HTTP/"), "the server answered an EACP request without TLS: \"\(text.prefix(40))\"")
        }
    }

    /// Requires `outcome` to hold a response with `status` whose body is an `ErrorReply` with `code`,
    /// sent as `application/x-protobuf`.
    static func expectErrorReply(_ kit: ServerCaseKit, _ outcome: RawHTTPExchange.Outcome, status: Int, code: ErrorCode,
                                 _ what: String) throws
    {
        guard let response = outcome.response else {
            let start = String(decoding: outcome.received.prefix(60), as: UTF8.self)
            kit.context.transcript.record("server->agent", what, "\(outcome.received.count) bytes: \(start)")
            throw CaseStop.failed("\(what): no whole HTTP response within 5 s (\(outcome.received.count) bytes arrived)")
        }
        let reply = try? ErrorReply(wireBytes: response.body)
        kit.context.transcript.record("server->agent", "\(response.status) to \(what)", reply.map { "\($0)" } ??
            String(decoding: response.body.prefix(200), as: UTF8.self))
        try kit.expectError((response.status, response.body), status: status, code: code, what)
        let mediaType = response.headers.first(name: "Content-Type")?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        try kit.context.require(mediaType == "application/x-protobuf",
                                "\(what): the \(response.status) has Content-Type \(mediaType ?? "none"), not application/x-protobuf")
    }
}
