import EACPProtocol
import EACPTransport
import Foundation
@testable import ReferenceServer

/// A reference server on an ephemeral loopback port with its own temporary data folder.
final class ServerTestHarness: @unchecked Sendable {
    let folder: String
    let server: ReferenceServer
    let port: UInt16
    let tokens: ServerTokens
    let caPEM: String
    let group: EventLoopGroup

    init(pushAckTimeoutMs: UInt32 = 1_000) async throws {
        folder = NSTemporaryDirectory() + "eacp-server-test-" + UUID().uuidString
        var settings = ServerSettings()
        settings.dataDirectory = folder
        settings.listenPort = 0
        settings.pushAckTimeoutMs = pushAckTimeoutMs
        server = try ReferenceServer(settings: settings, log: .silent)
        port = try await server.start().port
        tokens = try ServerTokens.read(from: DataFolder(path: folder).tokensPath)
        caPEM = try String(contentsOfFile: DataFolder(path: folder).caCertificatePath, encoding: .utf8)
        group = try EventLoopGroup(loopCount: 1)
    }

    func stop() async {
        await server.shutdown()
        group.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// An HTTPS client that trusts the server's CA and presents `identity` when given.
    func client(identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> HTTPClient {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: caPEM, expectedHostName: "127.0.0.1", certificateChainPEM: identity?.certificatePEM,
            privateKeyPEM: identity?.keyPEM))
        let connector = ClientConnector(host: "127.0.0.1", port: port) { try TLSStream(context: context) }
        return HTTPClient(connector: connector, group: group)
    }

    func admin(_ method: HTTPMethod, _ path: String, json: String = "", token: String? = nil) async throws
        -> (status: Int, body: [String: Any])
    {
        let headers: HTTPHeaders = ["Authorization": "Bearer \(token ?? tokens.adminToken)", "Content-Type": "application/json"]
        let response = try await client().send(HTTPRequestHead(method: method, target: path, headers: headers), body: Array(json.utf8))
        let body = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status.code, body)
    }

    /// Enrolls a new test agent and returns it with its client certificate.
    func enrollAgent(version: String = "1.4") async throws -> TestAgent {
        let key = try PrivateKey.generateP256()
        var request = EnrollmentRequest()
        request.enrollmentToken = tokens.enrollmentToken
        request.certificateSigningRequest = .csrPem(try CertificateSigningRequest(agentID: "requested", key: key).pem())
        request.agentVersion = version
        request.hostName = "test-host"
        let response = try await client().post("/eacp/v1/enroll", body: request.wireBytes())
        guard response.status.code == 200 else {
            throw TestFailure("enrollment answered \(response.status.code)")
        }
        let reply = try EnrollmentReply(wireBytes: response.body)
        let client = try client(identity: (reply.clientCertificatePem, try key.pem()))
        return TestAgent(agentID: reply.agentId, client: client, version: version)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small agent that speaks the protocol over HTTPS: enough to drive the server's paths.
final class TestAgent: @unchecked Sendable {
    let agentID: String
    let client: HTTPClient
    let version: String
    private var sequence: UInt64 = 0

    init(agentID: String, client: HTTPClient, version: String) {
        self.agentID = agentID
        self.client = client
        self.version = version
    }

    func post(_ path: String, _ message: some WireMessage) async throws -> HTTPResponse {
        try await client.post(path, body: message.wireBytes())
    }

    func heartbeat() async throws -> HeartbeatReply {
        sequence += 1
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = version
        heartbeat.sequenceNumber = sequence
        heartbeat.agentTimeUnixMs = Int64(Date().timeIntervalSince1970 * 1000)
        let response = try await post("/eacp/v1/heartbeat", heartbeat)
        guard response.status.code == 200 else { throw TestFailure("heartbeat answered \(response.status.code)") }
        return try HeartbeatReply(wireBytes: response.body)
    }

    func ack(_ actionID: String) async throws -> Int {
        var ack = ActionAck()
        ack.actionId = actionID
        return try await post("/eacp/v1/actions/ack", ack).status.code
    }
}
