import CEACPOpenSSL

/// Connects to a server as a TLS client that offers exactly one forbidden thing, and reads what
/// the server sends back.
public struct ServerProbe: Sendable {
    public let host: String
    public let port: UInt16
    /// How long the probe waits for the server's answer.
    public var answerTimeout: Duration = .seconds(5)

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// What the server sent after the probe's ClientHello.
    public enum Answer: Hashable, Sendable, CustomStringConvertible {
        case alert(TLSAlertRecord)
        /// The server accepted: its ServerHello selected this version and cipher suite.
        case serverHello(version: UInt16, cipherSuite: UInt16)
        /// The server closed the connection without sending a byte.
        case closed
        /// Nothing came before the timeout.
        case silence
        /// The first bytes were not TLS, such as a plain-text HTTP error.
        case notTLS(String)

        public var description: String {
            switch self {
            case .alert(let alert): "alert \(alert)"
            case .serverHello(let version, let suite):
                "ServerHello selecting \(TLSVersionName.name(version)), cipher suite 0x\(String(suite, radix: 16))"
            case .closed: "connection closed without an answer"
            case .silence: "no answer"
            case .notTLS(let text): "non-TLS bytes: \(text)"
            }
        }

        /// True for every answer that refuses the handshake.
        public var isRefusal: Bool {
            switch self {
            case .alert(let alert): alert.isFatal || alert.code == TLSAlertDescriptionCode.noRenegotiation
            case .closed: true
            case .serverHello, .silence, .notTLS: false
            }
        }
    }

    /// Sends the ClientHello that `settings` makes OpenSSL build, after checking that it offers
    /// `expectedVersions`, and returns the server's answer with the hello that was sent.
    func offer(_ settings: OpenSSLEngine.Settings, expectedVersions: [UInt16], transcript: Transcript) throws
        -> (hello: TLSHello, answer: Answer)
    {
        let engine = try OpenSSLEngine(settings)
        guard case .needsInput = engine.handshake() else {
            throw ProbeError("the local OpenSSL did not build a ClientHello: \(OpenSSLEngine.errorText("handshake"))")
        }
        let bytes = engine.takeOutput()
        // A local refusal sends only an alert record; that would test nothing, so it stops the probe.
        guard let hello = TLSHello.first(in: TLSRecord.parse(bytes).records), hello.messageType == TLSHello.clientHelloType,
            hello.versions == expectedVersions
        else {
            throw ProbeError("the local OpenSSL built no ClientHello offering \(expectedVersions.map(TLSVersionName.name))")
        }
        return (hello, try send(bytes, describing: hello, transcript: transcript))
    }

    /// Sends raw hello bytes and reads the answer.
    func send(_ bytes: [UInt8], describing hello: TLSHello, transcript: Transcript) throws -> Answer {
        let socket = try ProbeSocket.connect(host: host, port: port)
        defer { socket.close() }
        transcript.record(
            "runner->server", "ClientHello offering \(hello.versions.map(TLSVersionName.name).joined(separator: ", "))",
            "cipher suites: \(hello.cipherSuites.map { "0x" + String($0, radix: 16) }.joined(separator: " "))")
        try socket.send(bytes)
        let answer = try readAnswer(socket)
        transcript.record("server->runner", answer.description)
        return answer
    }

    private func readAnswer(_ socket: ProbeSocket) throws -> Answer {
        let (bytes, closed) = try socket.receive(timeout: answerTimeout) { bytes in
            let records = TLSRecord.parse(bytes).records
            return records.contains { $0.contentType == TLSRecord.alert }
                || TLSHello.first(in: records)?.messageType == TLSHello.serverHelloType
        }
        if bytes.isEmpty { return closed ? .closed : .silence }
        guard TLSRecord.looksLikeTLS(bytes) else {
            return .notTLS(String(decoding: bytes.prefix(40), as: UTF8.self))
        }
        let records = TLSRecord.parse(bytes).records
        if let hello = TLSHello.first(in: records), hello.messageType == TLSHello.serverHelloType {
            return .serverHello(version: hello.versions.first ?? hello.legacyVersion, cipherSuite: hello.cipherSuites.first ?? 0)
        }
        if let alert = records.lazy.compactMap(TLSAlertRecord.init(record:)).first { return .alert(alert) }
        return closed ? .closed : .silence
    }

    /// Runs a complete TLS 1.2 handshake with the EACP cipher suites and no client certificate.
    /// Returns nil on success, or why it failed.
    func normalHandshake() -> String? {
        do {
            let engine = try OpenSSLEngine(.init(
                role: .client, versions: TLS1_2_VERSION...TLS1_2_VERSION, cipherList: Self.eacpCipherList))
            let socket = try ProbeSocket.connect(host: host, port: port)
            defer { socket.close() }
            return try Self.pumpHandshake(engine, socket, timeout: answerTimeout)
        } catch {
            return "\(error)"
        }
    }

    /// Drives `engine`'s handshake over `socket` until it completes or fails.
    static func pumpHandshake(_ engine: OpenSSLEngine, _ socket: ProbeSocket, timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let step = engine.handshake()
            try socket.send(engine.takeOutput())
            switch step {
            case .complete: return nil
            case .failed(let reason): return reason
            case .needsInput:
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { return "the handshake did not finish in time" }
                guard let bytes = try socket.receive(timeout: remaining) else {
                    return "the server closed the connection during the handshake"
                }
                engine.feed(bytes)
            }
        }
    }

    /// The six suites EACP allows, as an OpenSSL cipher list.
    static let eacpCipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
}

/// Alert description numbers the cases compare against (RFC 5246 section 7.2).
public enum TLSAlertDescriptionCode {
    public static let handshakeFailure: UInt8 = 40
    public static let badCertificate: UInt8 = 42
    public static let certificateExpired: UInt8 = 45
    public static let unknownCA: UInt8 = 48
    public static let protocolVersion: UInt8 = 70
    public static let noRenegotiation: UInt8 = 100
    public static let unsupportedExtension: UInt8 = 110
}
