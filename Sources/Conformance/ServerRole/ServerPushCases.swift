import EACPProtocol
import EACPTransport

/// Push-channel messages a server must tolerate: messages from an agent that implements a later
/// revision of the schema.
enum ServerPushCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [unknownMembers(target)]
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
}
