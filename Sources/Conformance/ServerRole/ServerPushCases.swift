import EACPProtocol
import EACPTransport

/// Push-channel messages from the agent: those a server must tolerate because a later revision of the
/// schema may send them, and one above the size limit that closes the channel.
enum ServerPushCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [unknownMembers(target), oversizedMessage(target)]
    }

    /// A `PushMessage` whose only field, 3, is one the schema does not define, so no `direction` is set.
    static let withoutDirection: [UInt8] = [0x1A, 0x03] + Array("new".utf8)
    /// A `PushMessage` whose `agent_push` (field 2) holds only field 20, which `AgentPush` does not define,
    /// so no `payload` is set.
    static let withoutPayload: [UInt8] = [0x12, 0x06, 0xA2, 0x01, 0x03] + Array("new".utf8)

    static func unknownMembers(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.ignores-unknown-members",
                "Push messages without a known direction or payload are ignored and the channel keeps working",
                ["EACP-PUSH-005"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let agent = try await kit.enrolledAgent()
            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            kit.context.transcript.record("agent->server", "push", "a PushMessage with only the unknown field 3")
            channel.socket.send(withoutDirection)
            kit.context.transcript.record("agent->server", "push", "an agent_push with only the unknown field 20")
            channel.socket.send(withoutPayload)

            guard let actionID = try await kit.admin.queue(
                agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
            else { throw CaseStop.failed("the server did not queue quarantine-file") }
            let pushed = try await waitFor(timeout: .seconds(3)) {
                channel.actions.contains { $0.actionId == actionID } ? true : nil
            }
            if let closed = channel.socket.closeResult {
                throw CaseStop.failed("the server closed the push channel with \(closed.code.rawValue) after messages it should ignore")
            }
            try kit.context.require(pushed != nil, "\(actionID) was not pushed within 3 s on the channel that carried the messages")
        }
    }

    static func oversizedMessage(_ target: ServerTarget) -> ConformanceCase {
        .server("server.push.closes-on-oversized-message",
                "A push message longer than 1048576 bytes gets close code 1009",
                ["EACP-PUSH-004", "EACP-ERROR-002"], target, profile: .pushChannel, timeout: .seconds(15)) { kit in
            let agent = try await kit.enrolledAgent()
            // A valid PushMessage, an agent_push error whose message makes it 1048576 bytes and a few more.
            var reply = ErrorReply()
            reply.code = .internal
            reply.message = String(repeating: "x", count: 1_048_576)
            var push = PushMessage.AgentPush()
            push.payload = .error(reply)
            var message = PushMessage()
            message.direction = .agentPush(push)
            let bytes = message.wireBytes()
            try await ServerAccessCases.requireClose(
                kit, agent, sending: bytes, code: 1009, "a push message of \(bytes.count) bytes")
        }
    }
}
