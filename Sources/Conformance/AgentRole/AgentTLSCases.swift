import CEACPOpenSSL
import EACPTransport
import Foundation

/// The harness answers one agent connection with a TLS server the agent must refuse, then checks
/// that the agent sent an alert and no application data, and that it still connects normally after.
enum AgentTLSCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [
            probe("agent.tls.rejects-tls11-server", "A ServerHello selecting TLS 1.1 is refused with protocol_version",
                  ["EACP-TLS-001", "EACP-TLS-004"], harness, expected: [TLSAlertDescriptionCode.protocolVersion]) { harness in
                var probe = tls12(harness.serverCertificatePEM, harness.serverKeyPEM)
                probe.name = "ServerHello selecting TLS 1.1"
                probe.rawServerHello = RawServerHello(legacyVersion: 0x0302)
                return probe
            },
            probe("agent.tls.rejects-tls13-server",
                  "A ServerHello selecting TLS 1.3 is refused with protocol_version or unsupported_extension",
                  ["EACP-TLS-001", "EACP-TLS-004"], harness,
                  expected: [TLSAlertDescriptionCode.protocolVersion, TLSAlertDescriptionCode.unsupportedExtension]) { harness in
                var probe = tls12(harness.serverCertificatePEM, harness.serverKeyPEM)
                probe.name = "ServerHello selecting TLS 1.3"
                probe.rawServerHello = RawServerHello(legacyVersion: 0x0303, selectedVersion: 0x0304)
                return probe
            },
            probe("agent.tls.rejects-untrusted-certificate", "A certificate from another CA is refused with unknown_ca or bad_certificate",
                  ["EACP-TLS-008"], harness,
                  expected: [TLSAlertDescriptionCode.unknownCA, TLSAlertDescriptionCode.badCertificate]) { harness in
                let other = try CertificateAuthority.create(commonName: "Untrusted conformance CA")
                let key = try PrivateKey.generateP256()
                let certificate = try other.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], key: key)
                return tls12(try certificate.pem(), try key.pem())
            },
            probe("agent.tls.rejects-expired-certificate", "An expired certificate is refused with certificate_expired or bad_certificate",
                  ["EACP-TLS-008"], harness,
                  expected: [TLSAlertDescriptionCode.certificateExpired, TLSAlertDescriptionCode.badCertificate]) { harness in
                let key = try PrivateKey.generateP256()
                let past = CertificateValidity(notBefore: Date(timeIntervalSinceNow: -20 * 86_400), notAfter: Date(timeIntervalSinceNow: -10 * 86_400))
                let certificate = try harness.authority.issueServerCertificate(
                    dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], key: key, validity: past)
                return tls12(try certificate.pem(), try key.pem())
            },
            probe("agent.tls.rejects-wrong-host-certificate", "A certificate for another host is refused with bad_certificate",
                  ["EACP-TLS-009"], harness, expected: [TLSAlertDescriptionCode.badCertificate]) { harness in
                let key = try PrivateKey.generateP256()
                let certificate = try harness.authority.issueServerCertificate(dnsNames: ["wrong-host.invalid"], key: key)
                return tls12(try certificate.pem(), try key.pem())
            },
        ]
    }

    static func tls12(_ certificatePEM: String, _ keyPEM: String) -> AgentProbe {
        AgentProbe(name: "TLS 1.2 server", versions: TLS1_2_VERSION...TLS1_2_VERSION, cipherList: ServerProbe.eacpCipherList,
                   certificateChainPEM: certificatePEM, privateKeyPEM: keyPEM)
    }

    /// Arms `makeProbe` for the agent's next connection and judges the outcome. An empty `expected`
    /// accepts any refusal that sends no application data.
    static func probe(
        _ id: String, _ title: String, _ requirements: [String], _ harness: AgentHarness?, expected: [UInt8],
        _ makeProbe: @escaping @Sendable (AgentHarness) throws -> AgentProbe
    ) -> ConformanceCase {
        .agent(id, title, requirements, harness, timeout: .seconds(60)) { harness, context in
            let probe = try makeProbe(harness)
            // The minimum interval, so the heartbeat that shows the recovery comes soon after the probe.
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            let hadPushChannel = harness.handlers.pushChannel.value != nil
            let before = harness.front.probeOutcomes.value.count
            harness.front.nextProbe.update { $0 = probe }
            // The push channel's reconnection makes the next connection come quickly. Cutting every open
            // connection too makes one come when the push channel is still opening, or the agent has none.
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: reconnect")
            harness.front.cutOpenConnections()
            guard let outcome = try await waitFor(timeout: .seconds(40), {
                harness.front.probeOutcomes.value.count > before ? harness.front.probeOutcomes.value[before] : nil
            }) else {
                harness.front.nextProbe.update { $0 = nil }
                throw CaseStop.failed("the agent made no new connection within 40 s")
            }
            context.transcript.record("agent->server", "reaction to the \(probe.name)", "\(outcome)")
            try judge(outcome, expected: expected, context)

            let heartbeats = harness.handlers.observations.value.heartbeats.count
            let recovered = try await waitFor(timeout: .seconds(40)) {
                harness.handlers.observations.value.heartbeats.count > heartbeats ? true : nil
            }
            try context.require(recovered != nil, "the agent sent no heartbeat through a normal server within 40 s after the probe")
            context.transcript.note("normal heartbeat after the probe: received")

            // A push channel whose reconnection met the probe is in backoff. Waiting for it here keeps the
            // next case's probe from meeting it again, with a backoff that doubles each time.
            if hadPushChannel {
                let reopened = try await waitFor(timeout: .seconds(10)) { harness.handlers.pushChannel.value }
                context.transcript.note(reopened == nil ? "the push channel did not open again within 10 s" : "push channel open again")
            }
        }
    }

    static func judge(_ outcome: AgentProbe.Outcome, expected: [UInt8], _ context: CaseContext) throws {
        switch outcome {
        case .handshakeCompleted, .applicationData:
            throw CaseStop.failed("the agent \(outcome)")
        case .probeFailed(let reason):
            if expected.isEmpty { return }
            throw CaseStop.notChecked("the probe could not run: \(reason)")
        case .alert(let alert) where alert.isFatal && (expected.isEmpty || expected.contains(alert.code)):
            return
        case .alert, .closed:
            if expected.isEmpty { return }
            let names = expected.map { TLSAlertRecord(level: 2, code: $0).description }.joined(separator: " or ")
            try context.warn("expected alert \(names), the agent \(outcome)")
        }
    }
}
