import EACPProtocol
import EACPTransport

/// A push channel driven frame by frame, for sending what the WebSocket class never sends (text
/// messages, pings with chosen data) and reading each frame the server returns.
final class RawPushChannel: ConnectionHandler, @unchecked Sendable {
    // @unchecked: the event loop writes `inbound` behind its lock, and one case task reads frames.
    private let connection: Connection
    private let loop: EventLoop
    private let inbound = LockedValue<[UInt8]>([])
    private var parser = WebSocketFrameParser(role: .client, maxMessageBytes: 1024 * 1024)

    private init(connection: Connection, loop: EventLoop) {
        self.connection = connection
        self.loop = loop
    }

    /// Enrolls a new agent with a fresh token, connects with its certificate and completes the upgrade.
    static func open(_ kit: ServerCaseKit) async throws -> RawPushChannel {
        let key = try PrivateKey.generateP256()
        let agent = try SimulatedAgent(target: kit.target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
        var request = EnrollmentRequest()
        request.enrollmentToken = try await kit.admin.enrollmentToken()
        request.certificateSigningRequest = .csrPem(try CertificateSigningRequest(agentID: "conformance", key: key).pem())
        request.agentVersion = "1.4"
        request.hostName = "conformance-host"
        let (status, body) = try await agent.post("/eacp/v1/enroll", request)
        guard status == 200 else { throw CaseStop.failed("enrollment with a valid token got status \(status), not 200") }
        let reply = try agent.decode(EnrollmentReply.self, body, from: "enroll")

        let context = try TLSContext(configuration: .client(
            trustedCAPEM: kit.target.caPEM, expectedHostName: kit.target.host,
            certificateChainPEM: reply.clientCertificatePem, privateKeyPEM: try key.pem()))
        let connector = ClientConnector.tls(host: kit.target.host, port: kit.target.port, context: context)
        let loop = kit.group.next()
        let channel = RawPushChannel(connection: try await connector.connect(on: loop), loop: loop)
        let upgrade = WebSocketHandshake.makeUpgradeRequest(
            path: "/eacp/v1/push", host: connector.hostHeader, key: WebSocketHandshake.makeKey())
        loop.execute {
            channel.connection.handler = channel
            channel.connection.write(upgrade.encoded())
            channel.connection.resumeReading()
        }
        try await channel.readUpgradeResponse()
        kit.context.transcript.note("push channel open, driven frame by frame")
        return channel
    }

    /// Waits for the response head and requires status 101. Bytes after the head stay for the frame parser.
    private func readUpgradeResponse() async throws {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        let headEnd = try await waitFor(timeout: .seconds(5)) { [inbound] () -> Int? in
            let bytes = inbound.value
            guard bytes.count >= separator.count else { return nil }
            return (0...(bytes.count - separator.count)).first { Array(bytes[$0..<($0 + separator.count)]) == separator }
        }
        guard let headEnd else { throw CaseStop.failed("the server sent no response to the push-channel upgrade within 5 s") }
        let bytes = inbound.value
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else {
            throw CaseStop.failed("the push-channel upgrade got \"\(head.prefix(40))\", not 101")
        }
        parser.append(Array(bytes[(headEnd + separator.count)...]))
        inbound.update { $0.removeFirst(headEnd + separator.count) }
    }

    /// Sends one frame, masked as a client must (RFC 6455 section 5.3).
    func send(_ frame: WebSocketFrame) {
        let bytes = frame.encode(maskingKey: (0..<4).map { _ in UInt8.random(in: 0...255) })
        loop.execute { [connection] in connection.write(bytes) }
    }

    /// Returns the next frame from the server, or nil when none arrives within `timeout`.
    func nextFrame(timeout: Duration = .seconds(5)) async throws -> WebSocketFrame? {
        try await waitFor(timeout: timeout) { [self] () -> WebSocketFrame? in
            let fresh = inbound.update { bytes -> [UInt8] in
                defer { bytes.removeAll() }
                return bytes
            }
            parser.append(fresh)
            return try parser.nextFrame()
        }
    }

    func close() {
        loop.execute { [connection] in connection.close() }
    }

    func connectionDidBecomeActive(_ connection: Connection) {}

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        inbound.update { $0 += Array(bytes) }
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}
