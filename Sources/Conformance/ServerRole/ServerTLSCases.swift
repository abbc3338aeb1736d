import CEACPOpenSSL

/// Cases that offer the server TLS versions, suites and renegotiations that EACP forbids, and check
/// that it refuses each with the alert spec/transport.md names.
///
/// Every probe is framed by a normal TLS 1.2 handshake before and after it: a server that fails the
/// first is not reachable, and a server that fails the second crashed on the probe rather than refused it.
enum ServerTLSCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        let probe = ServerProbe(host: target.host, port: target.port)
        let oldCiphers = "DEFAULT:@SECLEVEL=0"
        return [
            refusal(
                "server.tls.rejects-tls13-only", "A ClientHello offering only TLS 1.3 is refused with protocol_version",
                ["EACP-TLS-001", "EACP-TLS-003"], probe,
                .init(role: .client, versions: TLS1_3_VERSION...TLS1_3_VERSION), versions: [0x0304],
                expected: [TLSAlertDescriptionCode.protocolVersion]),
            refusal(
                "server.tls.rejects-tls11-only", "A ClientHello offering only TLS 1.1 is refused with protocol_version",
                ["EACP-TLS-001", "EACP-TLS-002"], probe,
                .init(role: .client, versions: TLS1_1_VERSION...TLS1_1_VERSION, cipherList: oldCiphers),
                versions: [0x0302], expected: [TLSAlertDescriptionCode.protocolVersion]),
            refusal(
                "server.tls.rejects-tls10-only", "A ClientHello offering only TLS 1.0 is refused with protocol_version",
                ["EACP-TLS-001", "EACP-TLS-002"], probe,
                .init(role: .client, versions: TLS1_VERSION...TLS1_VERSION, cipherList: oldCiphers),
                versions: [0x0301], expected: [TLSAlertDescriptionCode.protocolVersion]),
            refusal(
                "server.tls.rejects-non-aead-suites",
                "A TLS 1.2 ClientHello offering only CBC suites is refused with handshake_failure",
                ["EACP-TLS-005"], probe,
                .init(role: .client, versions: TLS1_2_VERSION...TLS1_2_VERSION, cipherList: cbcOnlyCiphers),
                versions: [0x0303], expected: [TLSAlertDescriptionCode.handshakeFailure]),
            ssl3(probe),
            tls13AndTLS12(probe),
            renegotiation(probe),
        ]
    }

    /// CBC suites with SHA-1 and SHA-256 MACs, with ECDHE and with RSA key exchange: no AEAD suite.
    static let cbcOnlyCiphers = [
        "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
        "AES128-SHA256", "AES128-SHA", "@SECLEVEL=0",
    ].joined(separator: ":")

    static func refusal(
        _ id: String, _ title: String, _ requirements: [String], _ probe: ServerProbe, _ settings: OpenSSLEngine.Settings,
        versions: [UInt16], expected: [UInt8]
    ) -> ConformanceCase {
        ConformanceCase(id, title, requirements: requirements) { context in
            try framed(probe, context) {
                let answer: ServerProbe.Answer
                do {
                    answer = try probe.offer(settings, expectedVersions: versions, transcript: context.transcript).answer
                } catch let error as ProbeError {
                    throw CaseStop.notChecked("the probe could not run: \(error.message)")
                }
                try judge(answer, expected: expected, context)
            }
        }
    }

    static func ssl3(_ probe: ServerProbe) -> ConformanceCase {
        ConformanceCase(
            "server.tls.rejects-ssl30",
            "A hand-built SSL 3.0 ClientHello is refused with protocol_version or handshake_failure",
            requirements: ["EACP-TLS-001", "EACP-TLS-002"]
        ) { context in
            try framed(probe, context) {
                let bytes = SSL3ClientHello.record()
                guard let hello = TLSHello.first(in: TLSRecord.parse(bytes).records) else {
                    throw CaseStop.notChecked("the SSL 3.0 hello did not parse")
                }
                let answer = try probe.send(bytes, describing: hello, transcript: context.transcript)
                try judge(
                    answer, expected: [TLSAlertDescriptionCode.protocolVersion, TLSAlertDescriptionCode.handshakeFailure],
                    context)
            }
        }
    }

    static func tls13AndTLS12(_ probe: ServerProbe) -> ConformanceCase {
        ConformanceCase(
            "server.tls.negotiates-tls12-when-tls13-offered",
            "A ClientHello offering TLS 1.3 and 1.2 gets a ServerHello selecting TLS 1.2",
            requirements: ["EACP-TLS-001", "EACP-TLS-003"]
        ) { context in
            let settings = OpenSSLEngine.Settings(
                role: .client, versions: TLS1_2_VERSION...TLS1_3_VERSION, cipherList: ServerProbe.eacpCipherList)
            let answer: ServerProbe.Answer
            do {
                answer = try probe.offer(settings, expectedVersions: [0x0304, 0x0303], transcript: context.transcript).answer
            } catch let error as ProbeError {
                throw CaseStop.notChecked("the probe could not run: \(error.message)")
            }
            guard case .serverHello(let version, _) = answer else {
                throw CaseStop.failed("expected a ServerHello selecting TLS 1.2, got \(answer)")
            }
            try context.require(version == 0x0303, "the server selected \(TLSVersionName.name(version)), not TLS 1.2")
        }
    }

    static func renegotiation(_ probe: ServerProbe) -> ConformanceCase {
        ConformanceCase(
            "server.tls.refuses-renegotiation",
            "A renegotiation the client starts after the handshake is refused",
            requirements: ["EACP-TLS-007"]
        ) { context in
            try framed(probe, context) {
                let answer: ServerProbe.RenegotiationAnswer
                do {
                    answer = try probe.renegotiate(transcript: context.transcript)
                } catch let error as ProbeError {
                    throw CaseStop.notChecked("the probe could not run: \(error.message)")
                }
                context.transcript.note("outcome: \(answer)")
                switch answer {
                case .noRenegotiationAlert, .closed:
                    return
                case .otherRefusal(let text):
                    try context.warn("the renegotiation was refused without a no_renegotiation alert: \(text)")
                case .renegotiated, .silence:
                    throw CaseStop.failed("expected a no_renegotiation alert or a closed connection, got: \(answer)")
                }
            }
        }
    }

    /// Passes on one of the expected fatal alerts, warns on another refusal, and fails on an accepted handshake.
    static func judge(_ answer: ServerProbe.Answer, expected: [UInt8], _ context: CaseContext) throws {
        let expectedName = expected.map { TLSAlertRecord(level: 2, code: $0).description }.joined(separator: " or ")
        switch answer {
        case .alert(let alert) where alert.isFatal && expected.contains(alert.code):
            return
        case .alert, .closed:
            try context.warn("expected alert \(expectedName), got \(answer)")
        case .serverHello, .silence, .notTLS:
            throw CaseStop.failed("expected alert \(expectedName), got \(answer)")
        }
    }

    /// Runs `body` between two normal TLS 1.2 handshakes.
    static func framed(_ probe: ServerProbe, _ context: CaseContext, _ body: () throws -> Void) throws {
        if let failure = probe.normalHandshake() {
            throw CaseStop.failed("a normal TLS 1.2 handshake failed before the probe: \(failure)")
        }
        context.transcript.note("normal TLS 1.2 handshake before the probe: complete")
        try body()
        if let failure = probe.normalHandshake() {
            throw CaseStop.failed("the server no longer completes a normal TLS 1.2 handshake after the probe: \(failure)")
        }
        context.transcript.note("normal TLS 1.2 handshake after the probe: complete")
    }
}
