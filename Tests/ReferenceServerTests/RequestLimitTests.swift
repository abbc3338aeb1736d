import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

/// Requests the server rejects before it stores anything: oversized bodies and expired client
/// certificates.
@Suite(.serialized)
struct RequestLimitTests {
    @Test func oversizedBodyRejectedWith413() async throws {
        let harness = try await ServerTestHarness { $0.maximumBodyBytes = 4_096 }
        let agent = try await harness.enrollAgent()
        var event = SecurityEvent()
        event.eventId = "event-large"
        event.eventType = "malware.detected"
        event.observedUnixMs = 1_700_000_000_000
        event.body = Array(repeating: 0x41, count: 8_000)
        var batch = SecurityEventBatch()
        batch.events = [event]

        let response = try await agent.post("/eacp/v1/events", batch)

        #expect(response.status.code == 413)
        let events = try await harness.admin(.get, "/admin/v1/agents/\(agent.agentID)/events")
        #expect((events.body["events"] as? [Any])?.count == 0)
        await harness.stop()
    }

    @Test func expiredClientCertificateRejected() async throws {
        let harness = try await ServerTestHarness()
        // An agent whose stored certificate is the expired one, so only the expiry can reject it.
        let key = try PrivateKey.generateP256()
        let request = try CertificateSigningRequest(agentID: "expired-agent", key: key)
        let now = Date()
        let certificate = try harness.server.context.certificateAuthority.signClientCertificate(
            request: request, agentID: "expired-agent",
            validity: CertificateValidity(notBefore: now.addingTimeInterval(-7 * 86_400), notAfter: now.addingTimeInterval(-86_400)))
        let outcome = try harness.server.context.store.enrollAgent(
            AgentRecord(
                agentID: "expired-agent", certificateFingerprint: certificate.sha256Fingerprint,
                enrolledUnixMs: Int64(now.timeIntervalSince1970 * 1000), agentVersion: "1.4"),
            tokenDigest: SHA256.digest(harness.tokens.enrollmentToken), nowUnixMs: Int64(now.timeIntervalSince1970 * 1000))
        guard case .enrolled = outcome else { throw TestFailure("storing the agent gave \(outcome)") }
        let agent = try TestAgent(
            agentID: "expired-agent", version: "1.4", identity: (try certificate.pem(), try key.pem()),
            endpoint: harness.endpoint)

        let error = try await #require(throws: TLSError.self) { try await agent.heartbeat() }
        // 45 is certificate_expired (RFC 5246, section 7.2.2), sent by the server's TLS layer.
        #expect(error.alert?.alertDescription.rawValue == 45)
        #expect(error.alert?.direction == .received)
        let inspected = try await harness.admin(.get, "/admin/v1/agents/expired-agent")
        #expect(inspected.body["last_seen_unix_ms"] == nil)
        await harness.stop()
    }
}
