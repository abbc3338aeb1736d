import EACPProtocol
import EACPTransport
import Foundation

/// Requests and push-channel messages that a server must reject: invalid enrollments, a second push
/// channel for one agent, and push messages that are text, do not decode or travel the wrong way.
/// One more case checks that the server returns a pong for a ping.
enum ServerAccessCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [
            invalidEnrollments(target), secondPushChannel(target), badPushMessages(target), textMessage(target),
            pingAnswer(target),
        ]
    }

    static func invalidEnrollments(_ target: ServerTarget) -> ConformanceCase {
        .server("server.enroll.rejects-invalid-request",
                "Enrollments with a missing, unparsable or badly signed CSR, a bad version or no host name get 400 and create no agent",
                ["EACP-ENROLL-005", "EACP-ERROR-003"], target, timeout: .seconds(15)) { kit in
            let token = try await kit.admin.enrollmentToken()
            let agentsBefore = try await agentCount(kit)
            let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
            let validCSR = try CertificateSigningRequest(agentID: "conformance", key: try PrivateKey.generateP256()).pem()
            let variants: [(String, (inout EnrollmentRequest) -> Void)] = [
                ("no CSR", { $0.certificateSigningRequest = nil }),
                ("a csr_pem that is not PEM", { $0.certificateSigningRequest = .csrPem("not a certificate signing request") }),
                ("a CSR whose signature does not verify", { $0.certificateSigningRequest = .csrDer(corruptedSignature(validCSR)) }),
                ("agent_version \"v1.4\"", { $0.agentVersion = "v1.4" }),
                ("an empty host_name", { $0.hostName = "" }),
            ]
            for (what, change) in variants {
                var request = EnrollmentRequest()
                request.enrollmentToken = token
                request.certificateSigningRequest = .csrPem(validCSR)
                request.agentVersion = "1.4"
                request.hostName = "conformance-host"
                change(&request)
                let answer = try await agent.post("/eacp/v1/enroll", request)
                try kit.expectError(answer, status: 400, code: .badRequest, "enrollment with \(what)")
                try requireSafeMessage(kit, answer.body, secret: token, "enrollment with \(what)")
            }
            let agentsAfter = try await agentCount(kit)
            try kit.context.require(
                agentsAfter == agentsBefore,
                "the server lists \(agentsAfter) agents after the rejected enrollments, \(agentsBefore) before")
        }
    }

    static func secondPushChannel(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.second-channel-replaces-first",
                "A second push channel from one agent closes the first with 1000 and stays open",
                ["EACP-PUSH-010"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let agent = try await kit.enrolledAgent()
            let first = try await agent.openPushChannel()
            let second = try await agent.openPushChannel()
            defer { first.close(); second.close() }
            let closed = try await waitFor(timeout: .seconds(5)) { first.socket.closeResult }
            guard let closed else { throw CaseStop.failed("the first push channel is still open 5 s after the second opened") }
            try kit.context.require(
                closed.code == .normalClosure, "the server closed the first push channel with \(closed.code.rawValue), not 1000")
            try kit.context.require(second.socket.closeResult == nil, "the server closed the second push channel as well")
        }
    }

    static func badPushMessages(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.closes-on-bad-message",
                "A push message that does not decode gets close code 1007, and a server_push from the agent gets 1008",
                ["EACP-PUSH-004", "EACP-ERROR-002"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let agent = try await kit.enrolledAgent()
            // A tag with wire type 4 (end group), which EACP never uses.
            try await requireClose(kit, agent, sending: [0x0C], code: 1007, "a push message that does not decode")
            var message = PushMessage()
            message.direction = .serverPush(PushMessage.ServerPush())
            try await requireClose(kit, agent, sending: message.wireBytes(), code: 1008, "a server_push sent by the agent")
        }
    }

    static func textMessage(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.closes-on-text-message", "A text message on the push channel gets close code 1003",
                ["EACP-PUSH-003", "EACP-ERROR-002"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let channel = try await RawPushChannel.open(kit)
            defer { channel.close() }
            kit.context.transcript.record("agent->server", "push", "text message \"conformance\"")
            channel.send(WebSocketFrame(opcode: .text, payload: Array("conformance".utf8)))
            let close = try await nextFrame(of: .close, from: channel)
            let code = close.payload.count >= 2 ? UInt16(close.payload[0]) << 8 | UInt16(close.payload[1]) : 0
            try kit.context.require(code == 1003, "the server closed the channel after a text message with \(code), not 1003")
        }
    }

    static func pingAnswer(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.answers-ping", "A ping on the push channel gets a pong with the same data",
                ["EACP-PUSH-007"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let channel = try await RawPushChannel.open(kit)
            defer { channel.close() }
            let data: [UInt8] = Array("conformance-ping".utf8)
            kit.context.transcript.record("agent->server", "ping", "conformance-ping")
            channel.send(WebSocketFrame(opcode: .ping, payload: data))
            let pong = try await nextFrame(of: .pong, from: channel)
            try kit.context.require(
                pong.payload == data, "the pong carries \(pong.payload.count) bytes \(pong.payload), not the ping's data")
        }
    }

    /// Returns the first frame with `opcode`, skipping others such as the server's own pings, and
    /// fails the case when none arrives within 5 seconds.
    static func nextFrame(of opcode: WebSocketOpcode, from channel: RawPushChannel) async throws -> WebSocketFrame {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            guard let frame = try await channel.nextFrame(timeout: deadline - ContinuousClock.now) else { break }
            if frame.opcode == opcode { return frame }
        }
        throw CaseStop.failed("the server sent no frame with opcode \(opcode.rawValue) within 5 s")
    }

    /// Opens a push channel, sends `bytes` as one binary message and requires the server to close the
    /// channel with `code` within 5 seconds.
    static func requireClose(_ kit: ServerCaseKit, _ agent: SimulatedAgent, sending bytes: [UInt8], code: UInt16,
                             _ what: String) async throws
    {
        let channel = try await agent.openPushChannel()
        defer { channel.close() }
        kit.context.transcript.record("agent->server", "push", what)
        channel.socket.send(bytes)
        let closed = try await waitFor(timeout: .seconds(5)) { channel.socket.closeResult }
        guard let closed else { throw CaseStop.failed("\(what): the push channel is still open after 5 s") }
        try kit.context.require(
            closed.code.rawValue == code, "\(what): the server closed the channel with \(closed.code.rawValue), not \(code)")
    }

    /// Returns the number of agents the administrator API lists.
    static func agentCount(_ kit: ServerCaseKit) async throws -> Int {
        let answer = try await kit.admin.call(.get, "/admin/v1/agents")
        guard answer.status == 200, let agents = answer.json["agents"]?.value as? [Any] else {
            throw CaseStop.notChecked("the administrator API did not list the agents (status \(answer.status))")
        }
        return agents.count
    }

    /// Requires the ErrorReply in `body` to have a message of 1 to 1024 bytes that does not contain `secret`.
    static func requireSafeMessage(_ kit: ServerCaseKit, _ body: [UInt8], secret: String, _ what: String) throws {
        let message = (try? ErrorReply(wireBytes: body))?.message ?? ""
        try kit.context.require(
            (1...1024).contains(message.utf8.count), "\(what): the ErrorReply message is \(message.utf8.count) bytes long")
        try kit.context.require(!message.contains(secret), "\(what): the ErrorReply message contains the enrollment token")
    }

    /// Returns the DER bytes of `pem` with the last byte flipped. That byte belongs to the signature, so the
    /// request still parses but its signature no longer verifies.
    static func corruptedSignature(_ pem: String) -> [UInt8] {
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var der = Array(Data(base64Encoded: base64) ?? Data())
        if !der.isEmpty { der[der.count - 1] ^= 0x01 }
        return der
    }
}
