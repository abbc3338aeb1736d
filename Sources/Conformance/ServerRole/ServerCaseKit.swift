import EACPProtocol
import EACPTransport

/// What a server case works with: the target, an administrator client and simulated agents, all
/// writing to the case's transcript.
struct ServerCaseKit {
    let target: ServerTarget
    let context: CaseContext
    let group: EventLoopGroup
    let admin: AdminClient

    /// Runs `body` with a kit whose event loop lives as long as the body.
    static func run(_ target: ServerTarget, _ context: CaseContext, _ body: (ServerCaseKit) async throws -> Void) async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let client = try SimulatedAgent.makeClient(target, identity: nil, group: group)
        let admin = AdminClient(client: client, token: target.adminToken, transcript: context.transcript)
        try await body(ServerCaseKit(target: target, context: context, group: group, admin: admin))
    }

    /// A new agent, enrolled with a fresh token, that has sent its first heartbeat at `version`.
    func enrolledAgent(version: String = "1.4") async throws -> SimulatedAgent {
        let agent = try SimulatedAgent(target: target, version: version, transcript: context.transcript, group: group)
        _ = try await agent.enroll(token: try await admin.enrollmentToken())
        _ = try await agent.heartbeat()
        return agent
    }

    /// Requires an error response with `status` whose body is an `ErrorReply` with `code`.
    func expectError(_ answer: (status: Int, body: [UInt8]), status: Int, code: ErrorCode, _ what: String) throws {
        try context.require(answer.status == status, "\(what): expected HTTP \(status), got \(answer.status)")
        guard let reply = try? ErrorReply(wireBytes: answer.body) else {
            throw CaseStop.failed("\(what): the \(answer.status) body is not an ErrorReply")
        }
        try context.require(reply.code == code, "\(what): expected \(code), got \(reply.code)")
        try context.require(!reply.message.isEmpty, "\(what): the ErrorReply has no message")
    }
}

extension ConformanceCase {
    /// A server case whose body gets a `ServerCaseKit`.
    static func server(
        _ id: String, _ title: String, _ requirements: [String], _ target: ServerTarget, profile: Profile = .core,
        timeout: Duration = .seconds(30), _ body: @escaping @Sendable (ServerCaseKit) async throws -> Void
    ) -> ConformanceCase {
        ConformanceCase(id, title, requirements: requirements, profile: profile, timeout: timeout) { context in
            try await ServerCaseKit.run(target, context, body)
        }
    }
}
