import EACPProtocol
import EACPTransport
import Foundation
import ReferenceServer

/// One simulated agent: its id and its own client certificate, on one keep-alive HTTPS connection.
final class SimulatedAgent: @unchecked Sendable {
    // @unchecked: `sequence` is changed only by the one benchmark task that owns the agent at a time.
    let agentID: String
    let client: HTTPClient
    let connector: ClientConnector
    var sequence: UInt64 = 0

    init(agentID: String, client: HTTPClient, connector: ClientConnector) {
        self.agentID = agentID
        self.client = client
        self.connector = connector
    }
}

/// The agents the benchmark plays against one server, all at agent version 1.4.
struct SimulatedFleet: Sendable {
    static let agentVersion = "1.4"

    let port: UInt16
    let caPEM: String
    let tokens: ServerTokens
    let group: EventLoopGroup

    init(server: BenchServer) throws {
        port = server.port
        let folder = DataFolder(path: server.folder)
        caPEM = try String(contentsOfFile: folder.caCertificatePath, encoding: .utf8)
        tokens = try ServerTokens.read(from: folder.tokensPath)
        group = try EventLoopGroup(loopCount: 1)
    }

    func connector(identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> ClientConnector {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: caPEM, expectedHostName: "127.0.0.1", certificateChainPEM: identity?.certificatePEM,
            privateKeyPEM: identity?.keyPEM))
        return ClientConnector(host: "127.0.0.1", port: port) { try TLSSession(context: context, serverName: "127.0.0.1") }
    }

    /// Enrolls `count` agents, `concurrency` at a time. They share one key pair to save key
    /// generation, and each still gets its own certificate and agent id.
    func enroll(count: Int, concurrency: Int) async throws -> [SimulatedAgent] {
        let key = try PrivateKey.generateP256()
        let keyPEM = try key.pem()
        let csrPEM = try CertificateSigningRequest(agentID: "bench", key: key).pem()
        let enrollment = HTTPClient(connector: try connector(), group: group)
        return try await withThrowingTaskGroup(of: [SimulatedAgent].self) { tasks in
            for worker in 0..<concurrency {
                tasks.addTask {
                    var agents: [SimulatedAgent] = []
                    for _ in stride(from: worker, to: count, by: concurrency) {
                        agents.append(try await enrollOne(enrollment, csrPEM: csrPEM, keyPEM: keyPEM))
                    }
                    return agents
                }
            }
            return try await tasks.reduce(into: []) { $0 += $1 }
        }
    }

    private func enrollOne(_ enrollment: HTTPClient, csrPEM: String, keyPEM: String) async throws -> SimulatedAgent {
        var request = EnrollmentRequest()
        request.enrollmentToken = tokens.enrollmentToken
        request.certificateSigningRequest = .csrPem(csrPEM)
        request.agentVersion = Self.agentVersion
        request.hostName = "bench-host"
        let response = try await enrollment.post("/eacp/v1/enroll", body: request.wireBytes())
        guard response.status.code == 200 else { throw BenchFailure("enrollment failed with HTTP status \(response.status.code)") }
        let reply = try EnrollmentReply(wireBytes: response.body)
        let connector = try connector(identity: (reply.clientCertificatePem, keyPEM))
        return SimulatedAgent(agentID: reply.agentId, client: HTTPClient(connector: connector, group: group), connector: connector)
    }

    func heartbeat(_ agent: SimulatedAgent) async throws {
        agent.sequence += 1
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = Self.agentVersion
        heartbeat.sequenceNumber = agent.sequence
        heartbeat.agentTimeUnixMs = Int64(Date().timeIntervalSince1970 * 1000)
        let response = try await agent.client.post("/eacp/v1/heartbeat", body: heartbeat.wireBytes())
        guard response.status.code == 200 else { throw BenchFailure("heartbeat failed with HTTP status \(response.status.code)") }
    }

    func ack(_ agent: SimulatedAgent, actionID: String) async throws {
        var ack = ActionAck()
        ack.actionId = actionID
        let response = try await agent.client.post("/eacp/v1/actions/ack", body: ack.wireBytes())
        guard response.status.code == 200 else { throw BenchFailure("ack failed with HTTP status \(response.status.code)") }
    }

    /// Queues one cancel-isolation action for the agent through the administrator API.
    func queueAction(for agent: SimulatedAgent, admin: HTTPClient) async throws {
        let body = #"{"agent_ids":["\#(agent.agentID)"],"kind":"cancel-isolation"}"#
        let headers: HTTPHeaders = ["Authorization": "Bearer \(tokens.adminToken)", "Content-Type": "application/json"]
        let response = try await admin.send(
            HTTPRequestHead(method: .post, target: "/admin/v1/actions", headers: headers), body: Array(body.utf8))
        guard response.status.code == 201 else { throw BenchFailure("queueing an action failed with HTTP status \(response.status.code)") }
    }
}
