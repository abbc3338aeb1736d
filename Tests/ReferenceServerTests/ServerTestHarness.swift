import EACPProtocol
import EACPTransport
import Foundation
@testable import ReferenceServer

/// A reference server on an ephemeral loopback port with its own temporary data folder.
final class ServerTestHarness: @unchecked Sendable {
    let folder: String
    let server: ReferenceServer
    let endpoint: ServerEndpoint

    init(configure: (inout ServerSettings) -> Void = { _ in }) async throws {
        folder = NSTemporaryDirectory() + "eacp-server-test-" + UUID().uuidString
        var settings = ServerSettings()
        settings.dataDirectory = folder
        settings.listenPort = 0
        settings.pushAckTimeoutMs = 1_000
        configure(&settings)
        server = try ReferenceServer(settings: settings, log: .silent)
        let port = try await server.start().port
        endpoint = try ServerEndpoint(folder: folder, port: port)
    }

    var tokens: ServerTokens { endpoint.tokens }

    func stop() async {
        await server.shutdown()
        endpoint.group.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func client(identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> HTTPClient {
        try endpoint.client(identity: identity)
    }

    func admin(_ method: HTTPMethod, _ path: String, json: String = "", token: String? = nil) async throws
        -> (status: Int, body: [String: Any])
    {
        try await endpoint.admin(method, path, json: json, token: token)
    }

    func enrollAgent(version: String = "1.4") async throws -> TestAgent {
        try await endpoint.enrollAgent(version: version)
    }

    /// Waits until this process registered the agent's push channel.
    func waitForPushChannel(of agent: TestAgent) async throws {
        try await waitUntil("the push channel of \(agent.agentID) is registered") {
            server.context.pushChannels.connection(agentID: agent.agentID) != nil
        }
    }
}

/// How a test reaches a running server, in this process or a child process: its port, the CA of
/// its data folder and its tokens.
struct ServerEndpoint: Sendable {
    let port: UInt16
    let tokens: ServerTokens
    let caPEM: String
    let group: EventLoopGroup

    init(folder: String, port: UInt16) throws {
        self.port = port
        tokens = try ServerTokens.read(from: DataFolder(path: folder).tokensPath)
        caPEM = try String(contentsOfFile: DataFolder(path: folder).caCertificatePath, encoding: .utf8)
        group = try EventLoopGroup(loopCount: 1)
    }

    /// A connector that trusts the server's CA and presents `identity` when given.
    func connector(identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> ClientConnector {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: caPEM, expectedHostName: "127.0.0.1", certificateChainPEM: identity?.certificatePEM,
            privateKeyPEM: identity?.keyPEM))
        return ClientConnector(host: "127.0.0.1", port: port) { try TLSSession(context: context) }
    }

    func client(identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> HTTPClient {
        HTTPClient(connector: try connector(identity: identity), group: group)
    }

    func admin(_ method: HTTPMethod, _ path: String, json: String = "", token: String? = nil) async throws
        -> (status: Int, body: [String: Any])
    {
        let response = try await adminRaw(method, path, body: Array(json.utf8), token: token)
        let body = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status.code, body)
    }

    func adminRaw(
        _ method: HTTPMethod, _ path: String, body: [UInt8] = [], contentType: String = "application/json",
        token: String? = nil
    ) async throws -> HTTPResponse {
        let headers: HTTPHeaders = ["Authorization": "Bearer \(token ?? tokens.adminToken)", "Content-Type": contentType]
        return try await client().send(HTTPRequestHead(method: method, target: path, headers: headers), body: body)
    }

    /// Queues one action through the administrator API and returns its id.
    func queueAction(for agent: TestAgent, kind: String, parameters: String = "{}") async throws -> String {
        let queued = try await admin(
            .post, "/admin/v1/actions",
            json: #"{"agent_ids":["\#(agent.agentID)"],"kind":"\#(kind)","parameters":\#(parameters)}"#)
        guard queued.status == 201,
            let results = queued.body["results"] as? [[String: Any]],
            let action = results.first?["action"] as? [String: Any],
            let actionID = action["action_id"] as? String
        else {
            throw TestFailure("queueing \(kind) answered \(queued.status): \(queued.body)")
        }
        return actionID
    }

    /// Returns the action as the administrator API shows it.
    func action(_ actionID: String) async throws -> [String: Any] {
        try await admin(.get, "/admin/v1/actions/\(actionID)").body
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
        let identity = (certificatePEM: reply.clientCertificatePem, keyPEM: try key.pem())
        return try TestAgent(
            agentID: reply.agentId, version: version, identity: identity, endpoint: self)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 10 ms until it holds. The 20 s limit only stops a hung test; no test
/// asserts anything about how long the wait took.
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(20)
    while try await !condition() {
        guard Date() < deadline else { throw TestFailure("gave up waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
