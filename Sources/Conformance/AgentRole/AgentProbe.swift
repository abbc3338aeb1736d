import CEACPOpenSSL

/// A TLS server answer the agent must refuse: a protocol version other than TLS 1.2, or a
/// certificate that is untrusted, expired or for another host.
struct AgentProbe: Sendable {
    var name: String
    /// When set, the probe answers with this hand-built ServerHello instead of running OpenSSL: the
    /// agent's EACP-only suites do not exist below TLS 1.2, so no OpenSSL server would select an older
    /// version, and OpenSSL cannot select TLS 1.3 for a client that did not offer it.
    var rawServerHello: RawServerHello? = nil
    var versions: ClosedRange<Int32>
    var cipherList: String
    var certificateChainPEM: String
    var privateKeyPEM: String

    /// What the agent did after the probe's answer.
    enum Outcome: Hashable, Sendable, CustomStringConvertible {
        case alert(TLSAlertRecord)
        /// The agent closed the connection without an alert.
        case closed
        /// The agent finished the handshake; it accepted what it had to refuse.
        case handshakeCompleted
        /// The agent sent application data.
        case applicationData
        /// The probe's own TLS library stopped before the agent had to decide, with this reason.
        case probeFailed(String)

        var description: String {
            switch self {
            case .alert(let alert): "alert \(alert)"
            case .closed: "closed without an alert"
            case .handshakeCompleted: "completed the handshake"
            case .applicationData: "sent application data"
            case .probeFailed(let reason): "the probe's TLS server stopped first: \(reason)"
            }
        }
    }

    /// Answers one connection whose ClientHello is in `firstBytes`, and reads the agent's reaction.
    func answer(_ client: ProbeSocket, firstBytes: [UInt8]) -> Outcome {
        if let rawServerHello {
            let offered = TLSHello.first(in: TLSRecord.parse(firstBytes).records)?.cipherSuites.first ?? 0xC02F
            try? client.send(rawServerHello.record(cipherSuite: offered))
            return readReaction(client, encrypted: false)
        }
        guard let engine = try? OpenSSLEngine(.init(
            role: .server, versions: versions, cipherList: cipherList, certificateChainPEM: certificateChainPEM,
            privateKeyPEM: privateKeyPEM))
        else { return .probeFailed("the probe's TLS server could not be configured") }
        engine.feed(firstBytes)
        var step = engine.handshake()
        for _ in 0..<8 {
            let output = engine.takeOutput()
            if !output.isEmpty { try? client.send(output) }
            if case .failed(let reason) = step, !reason.isEmpty, !output.contains(TLSRecord.changeCipherSpec) {
                // The server side refused on its own (for example TLS 1.3 only against a TLS 1.2 hello).
                let reaction = readReaction(client, encrypted: false)
                return reaction == .closed ? .probeFailed(reason) : reaction
            }
            if step == .complete { return readReaction(client, encrypted: true) }
            guard let bytes = try? client.receive(timeout: .seconds(5)), !bytes.isEmpty else { return .closed }
            let records = TLSRecord.parse(bytes).records
            if let alert = records.lazy.compactMap(TLSAlertRecord.init(record:)).first { return .alert(alert) }
            if records.contains(where: { $0.contentType == TLSRecord.applicationData }) { return .applicationData }
            engine.feed(bytes)
            step = engine.handshake()
        }
        return .closed
    }

    /// After the handshake, or after the probe's own refusal: what the agent sends next.
    private func readReaction(_ client: ProbeSocket, encrypted: Bool) -> Outcome {
        guard let bytes = try? client.receive(timeout: .seconds(2)), !bytes.isEmpty else {
            return encrypted ? .handshakeCompleted : .closed
        }
        let records = TLSRecord.parse(bytes).records
        if records.contains(where: { $0.contentType == TLSRecord.applicationData }) { return .applicationData }
        if let alert = records.lazy.compactMap(TLSAlertRecord.init(record:)).first { return .alert(alert) }
        return encrypted ? .handshakeCompleted : .closed
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(_ contentType: UInt8) -> Bool {
        TLSRecord.parse(self).records.contains { $0.contentType == contentType }
    }
}

/// A ServerHello built by hand (RFC 5246 section 7.4.1.3, RFC 8446 section 4.1.3).
struct RawServerHello: Sendable {
    /// `legacy_version` of the hello and its record.
    var legacyVersion: UInt16
    /// When set, a supported_versions extension selecting this version, as a TLS 1.3 server sends.
    var selectedVersion: UInt16?

    func record(cipherSuite: UInt16) -> [UInt8] {
        var body = bytes16(legacyVersion) + (0..<32).map { _ in UInt8.random(in: 0...255) }
        body.append(0)  // empty session id
        body += bytes16(cipherSuite) + [0]
        if let selectedVersion {
            let extensionBody = bytes16(43) + bytes16(2) + bytes16(selectedVersion)
            body += bytes16(UInt16(extensionBody.count)) + extensionBody
        }
        let handshake: [UInt8] = [TLSHello.serverHelloType, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [TLSRecord.handshake] + bytes16(legacyVersion) + bytes16(UInt16(handshake.count)) + handshake
    }

    private func bytes16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
