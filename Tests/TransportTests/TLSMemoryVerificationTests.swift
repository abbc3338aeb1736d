import Foundation
import Testing

@testable import EACPTransport

/// Certificate checks on both sides, run between two in-memory sessions.
@Suite struct TLSMemoryVerificationTests {
    @Test func clientRejectsExpiredServerCertificate() throws {
        let fixtures = try TLSFixtures(serverValidity: TestValidity.expired)
        let outcome = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
            .handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("certificate has expired"))
        #expect(error.alert == TLSAlert(alertDescription: .certificateExpired, isFatal: true, direction: .sent))
        #expect(outcome.serverError?.alert?.direction == .received)
    }

    @Test func clientRejectsNotYetValidServerCertificate() throws {
        let fixtures = try TLSFixtures(serverValidity: TestValidity.notYetValid)
        let outcome = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
            .handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("certificate is not yet valid"))
        #expect(error.alert?.alertDescription == .badCertificate)
    }

    @Test func clientRejectsCertificateForOtherHost() throws {
        let fixtures = try TLSFixtures()
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(hostName: "eacp.example"), server: fixtures.serverConfiguration()
        ).handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("hostname mismatch"))
    }

    @Test func clientRejectsCertificateForOtherIPAddress() throws {
        let fixtures = try TLSFixtures()
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(hostName: "127.0.0.2"), server: fixtures.serverConfiguration()
        ).handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("IP address mismatch"))
    }

    @Test func clientAcceptsMatchingIPAddress() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(
            client: fixtures.clientConfiguration(hostName: "127.0.0.1"), server: fixtures.serverConfiguration())

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(pair.client.peer?.commonName == "localhost")
    }

    @Test func sessionServerNameOverridesConfiguredHost() throws {
        let fixtures = try TLSFixtures()
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(hostName: "localhost"), server: fixtures.serverConfiguration(),
            serverName: "other.example"
        ).handshake()

        #expect(outcome.clientError?.code == .peerCertificateRejected)
    }

    @Test func clientRejectsCertificateFromOtherCA() throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        let outcome = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: stranger.serverConfiguration())
            .handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("unable to get local issuer certificate"))
        #expect(error.alert?.alertDescription == .unknownCA)
    }

    @Test func serverAcceptsClientCertificateFromPinnedCA() throws {
        let fixtures = try TLSFixtures()
        let credentials = try fixtures.clientCredentials(agentID: "agent-0001")
        let pair = try TLSMemoryPair(
            client: fixtures.clientConfiguration(clientCertificate: credentials),
            server: fixtures.serverConfiguration(policy: .required))

        let outcome = pair.handshake()

        #expect(outcome.serverError == nil)
        let peer = try #require(pair.server.peer)
        #expect(peer.commonName == "agent-0001")
        #expect(peer.sha256Fingerprint == credentials.certificate.sha256Fingerprint)
        #expect(peer.subjectAlternativeNames.uris == ["eacp:agent:agent-0001"])
    }

    @Test func requiredPolicyRejectsMissingClientCertificate() throws {
        let fixtures = try TLSFixtures()
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration(policy: .required)
        ).handshake()

        let error = try #require(outcome.serverError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("peer did not return a certificate"))
        #expect(error.alert?.alertDescription == .handshakeFailure)
        #expect(outcome.clientError?.alert?.direction == .received)
    }

    @Test func optionalPolicyAcceptsMissingClientCertificate() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(
            client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration(policy: .optional))

        let outcome = pair.handshake()

        #expect(outcome.serverError == nil)
        #expect(outcome.clientError == nil)
        #expect(pair.server.peer == nil)
    }

    @Test func optionalPolicyStillRejectsUntrustedClientCertificate() throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        let credentials = try stranger.clientCredentials(agentID: "agent-0002")
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(clientCertificate: credentials),
            server: fixtures.serverConfiguration(policy: .optional)
        ).handshake()

        #expect(outcome.serverError?.code == .peerCertificateRejected)
        #expect(outcome.serverError?.alert?.alertDescription == .unknownCA)
    }

    @Test func requiredPolicyRejectsExpiredClientCertificate() throws {
        let fixtures = try TLSFixtures()
        let credentials = try fixtures.clientCredentials(agentID: "agent-0003", validity: TestValidity.expired)
        let outcome = try TLSMemoryPair(
            client: fixtures.clientConfiguration(clientCertificate: credentials),
            server: fixtures.serverConfiguration(policy: .required)
        ).handshake()

        let error = try #require(outcome.serverError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.message.contains("certificate has expired"))
        #expect(error.alert?.alertDescription == .certificateExpired)
    }

    @Test func failedSessionKeepsThrowingSameError() throws {
        let fixtures = try TLSFixtures(serverValidity: TestValidity.expired)
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        let first = try #require(pair.handshake().clientError)

        let again = #expect(throws: TLSError.self) { try pair.client.advance() }
        var buffer: [UInt8] = []
        let onRead = #expect(throws: TLSError.self) { try pair.client.readPlaintext(into: &buffer, maximumCount: 10) }

        #expect(again == first)
        #expect(onRead == first)
    }

    @Test func serverRejectsClientOfferingOnlyOtherALPN() throws {
        let fixtures = try TLSFixtures()
        var client = try fixtures.clientConfiguration()
        client.alpnProtocols = ["h2"]
        let outcome = try TLSMemoryPair(client: client, server: fixtures.serverConfiguration()).handshake()

        #expect(outcome.serverError?.alert?.alertDescription == .noApplicationProtocol)
        #expect(
            outcome.clientError?.alert
                == TLSAlert(alertDescription: .noApplicationProtocol, isFatal: true, direction: .received))
    }

    @Test func serverRejectsPlaintextHTTP() throws {
        let fixtures = try TLSFixtures()
        let server = try TLSSession(context: TLSContext(configuration: fixtures.serverConfiguration()))
        Array("GET /eacp/v1/push HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes { server.receiveCiphertext($0) }

        let error = #expect(throws: TLSError.self) { try server.advance() }

        #expect(error?.code == .handshakeFailed)
        #expect(error?.message.contains("http request") == true)
    }

    @Test func tamperedRecordFailsWithBadRecordMAC() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        _ = pair.handshake()
        try Array("heartbeat".utf8).withUnsafeBytes { try pair.client.writePlaintext($0) }
        var record = pair.client.takeCiphertext()
        record[record.count - 1] ^= 0x01
        record.withUnsafeBytes { pair.server.receiveCiphertext($0) }
        var buffer: [UInt8] = []

        let error = #expect(throws: TLSError.self) { try pair.server.readPlaintext(into: &buffer, maximumCount: 100) }

        #expect(error?.code == .connectionFailed)
        #expect(error?.alert == TLSAlert(alertDescription: .badRecordMAC, isFatal: true, direction: .sent))
        #expect(buffer.isEmpty)
    }
}
