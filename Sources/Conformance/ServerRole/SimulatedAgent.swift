import EACPProtocol
import EACPTransport
import Foundation

/// An agent the runner plays against the server under test: it enrolls, sends heartbeats and other
/// messages over HTTPS with its client certificate, and can open the push channel. Every request and
/// response goes into the case's transcript, decoded.
public final class SimulatedAgent: @unchecked Sendable {
    // @unchecked: a case drives one simulated agent from one task at a time.
    let target: ServerTarget
    let transcript: Transcript
    let group: EventLoopGroup
    public private(set) var agentID = ""
    public var version: String
    private var client: HTTPClient
    private var identity: (certificatePEM: String, keyPEM: String)?
    private var sequence: UInt64 = 0

    init(target: ServerTarget, version: String, transcript: Transcript, group: EventLoopGroup) throws {
        self.target = target
        self.version = version
        self.transcript = transcript
        self.group = group
        client = try Self.makeClient(target, identity: nil, group: group)
    }

    static func makeClient(_ target: ServerTarget, identity: (certificatePEM: String, keyPEM: String)?, group: EventLoopGroup)
        throws -> HTTPClient
    {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: target.caPEM, expectedHostName: target.host, certificateChainPEM: identity?.certificatePEM,
            privateKeyPEM: identity?.keyPEM))
        return HTTPClient(connector: .tls(host: target.host, port: target.port, context: context), group: group)
    }

    /// Enrolls with `token` and switches to the issued client certificate.
    func enroll(token: String) async throws -> EnrollmentReply {
        let key = try PrivateKey.generateP256()
        var request = EnrollmentRequest()
        request.enrollmentToken = token
        request.certificateSigningRequest = .csrPem(try CertificateSigningRequest(agentID: "conformance", key: key).pem())
        request.agentVersion = version
        request.hostName = "conformance-host"
        let (status, body) = try await post("/eacp/v1/enroll", request)
        guard status == 200 else { throw CaseStop.failed("enrollment with a valid token got status \(status)") }
        let reply = try decode(EnrollmentReply.self, body, from: "enroll")
        agentID = reply.agentId
        identity = (reply.clientCertificatePem, try key.pem())
        client = try Self.makeClient(target, identity: identity, group: group)
        return reply
    }

    /// Builds the next heartbeat, with a growing sequence number.
    func nextHeartbeat() -> Heartbeat {
        sequence += 1
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = version
        heartbeat.sequenceNumber = sequence
        heartbeat.agentTimeUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
        var capabilities = Heartbeat.Capabilities()
        capabilities.actionKinds = ActionKind.knownCases.filter { $0 != .unspecified }
        heartbeat.capabilities = capabilities
        return heartbeat
    }

    /// Sends `heartbeat` (or the next one) and requires a 200 with a decodable reply.
    func heartbeat(_ heartbeat: Heartbeat? = nil) async throws -> HeartbeatReply {
        let (status, body) = try await post("/eacp/v1/heartbeat", heartbeat ?? nextHeartbeat())
        guard status == 200 else { throw CaseStop.failed("a valid heartbeat got status \(status)") }
        return try decode(HeartbeatReply.self, body, from: "heartbeat")
    }

    /// Posts one message and returns the status and body; the transcript gets both, decoded.
    func post(_ path: String, _ message: some WireMessage) async throws -> (status: Int, body: [UInt8]) {
        try await postBytes(path, message.wireBytes(), describing: "\(message)")
    }

    func postBytes(_ path: String, _ bytes: [UInt8], describing detail: String, contentType: String = "application/x-protobuf")
        async throws -> (status: Int, body: [UInt8])
    {
        transcript.record("agent->server", "POST \(path)", detail)
        let response = try await client.post(path, body: bytes, contentType: contentType)
        transcript.record("server->agent", "\(response.status.code) \(path)", Self.describeReply(path: path, response))
        return (response.status.code, response.body)
    }

    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> HTTPResponse {
        transcript.record("agent->server", "GET \(path)", headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))
        let response = try await client.get(path, headers: headers)
        transcript.record("server->agent", "\(response.status.code) GET \(path)", "\(response.body.count) bytes")
        return response
    }

    func decode<Message: WireMessage>(_ type: Message.Type, _ bytes: [UInt8], from path: String) throws -> Message {
        do {
            return try Message(wireBytes: bytes)
        } catch {
            throw CaseStop.failed("the \(path) reply is not a valid \(Message.protoName): \(error)")
        }
    }

    /// Decodes a reply for the transcript: the path's reply message on success, `ErrorReply` otherwise.
    static func describeReply(path: String, _ response: HTTPResponse) -> String {
        guard response.status.code == 200 else {
            return (try? ErrorReply(wireBytes: response.body)).map { "\($0)" } ?? "\(response.body.count) bytes, not an ErrorReply"
        }
        let types: [String: any WireMessage.Type] = [
            "/eacp/v1/enroll": EnrollmentReply.self, "/eacp/v1/heartbeat": HeartbeatReply.self,
            "/eacp/v1/events": SecurityEventAck.self, "/eacp/v1/status": StatusReportAck.self,
            "/eacp/v1/logs": AgentLogAck.self, "/eacp/v1/actions/ack": ActionReceipt.self,
            "/eacp/v1/actions/result": ActionReceipt.self, "/eacp/v1/uploads/chunk": UploadReceipt.self,
        ]
        guard let type = types[path] else { return "\(response.body.count) bytes" }
        return (try? type.init(wireBytes: response.body, limits: .default)).map { "\($0)" } ?? "undecodable reply"
    }

    /// Returns a connector to the server with this agent's client certificate, once it has one, for requests
    /// written byte for byte.
    func tlsConnector() throws -> ClientConnector {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: target.caPEM, expectedHostName: target.host, certificateChainPEM: identity?.certificatePEM,
            privateKeyPEM: identity?.keyPEM))
        return .tls(host: target.host, port: target.port, context: context)
    }

    /// Opens the push channel with this agent's client certificate.
    func openPushChannel() async throws -> PushChannelClient {
        guard let identity else { throw CaseStop.notChecked("the agent has no client certificate yet") }
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: target.caPEM, expectedHostName: target.host, certificateChainPEM: identity.certificatePEM,
            privateKeyPEM: identity.keyPEM))
        let socket = try await WebSocketClient.connect(
            .tls(host: target.host, port: target.port, context: context), path: "/eacp/v1/push", group: group)
        transcript.note("push channel open")
        return PushChannelClient(socket: socket, transcript: transcript)
    }
}
