import EACPTransport
import Foundation
import Testing

/// Our client against `openssl s_server` instances that speak another version or present a bad certificate.
@Suite(.enabled(if: TLSTool.isInstalled("openssl"), "the openssl command is not installed"))
struct TLSClientInteropTests {
    /// Written only if a handshake wrongly succeeds; s_server prints what it receives, so the tests can
    /// show it never arrived.
    static let probe = "EACP-APPLICATION-DATA"

    /// An s_server on a free loopback port with `certificate`, plus the result of our client's attempt.
    struct Attempt {
        let error: TLSError?
        let server: ToolResult
    }

    static func connectClient(
        to serverFlags: [String], certificate fixtures: TLSFixtures, trusting client: TLSConfiguration,
        selfCheck: ((UInt16) async throws -> Void)? = nil
    ) async throws -> Attempt {
        let folder = try TemporaryFolder()
        let port = try LoopbackListener.freePort()
        let server = try BackgroundTool(
            [
                "openssl", "s_server", "-accept", "127.0.0.1:\(port)",
                "-cert", try folder.write("server.pem", fixtures.serverCertificate.pem()),
                "-key", try folder.write("server.key", fixtures.serverKey.pem()),
            ] + serverFlags)
        try await offPool { try BackgroundTool.waitUntilListening(port: port) }
        try await selfCheck?(port)

        let failure: TLSError? = try await offPool {
            let session = try TLSSession(context: TLSContext(configuration: client))
            let socket = try LoopbackSocket.connect(port: port)
            let pump = TLSSocketPump(session: session, socket: socket, deadline: Date().addingTimeInterval(TLSTool.timeout))
            do {
                try pump.handshake()
                try pump.write(Array((probe + "\n").utf8))
                pump.close()
                return nil
            } catch let error as TLSError {
                return error
            }
        }
        // NOTE: s_server prints the client's error a moment after the alert arrives; this pause lets that
        // line reach its pipe before the process is stopped. It guards the log checks, not the verdict.
        try await Task.sleep(for: .milliseconds(200))
        let output = try await offPool { server.stop() }
        return Attempt(error: failure, server: output)
    }

    @Test func clientRejectsTLS13OnlyServer() async throws {
        let fixtures = try TLSFixtures()
        let attempt = try await Self.connectClient(
            to: ["-tls1_3"], certificate: fixtures, trusting: fixtures.clientConfiguration())

        #expect(attempt.error?.code == .unsupportedProtocolVersion)
        #expect(
            attempt.error?.alert == TLSAlert(alertDescription: .protocolVersion, isFatal: true, direction: .received))
        #expect(attempt.server.combined.contains("unsupported protocol"))
        #expect(!attempt.server.combined.contains(Self.probe))
    }

    @Test(arguments: [("-tls1_1", "TLSv1.1"), ("-tls1", "TLSv1")])
    func clientFailsAgainstOldVersionServer(flag: String, version: String) async throws {
        let fixtures = try TLSFixtures()
        let securityLevelZero = ["-cipher", "DEFAULT:@SECLEVEL=0"]
        let attempt = try await Self.connectClient(
            to: [flag] + securityLevelZero, certificate: fixtures, trusting: fixtures.clientConfiguration()
        ) { port in
            // Without SECLEVEL=0 this s_server cannot sign and sends internal_error, which would not test
            // the version check at all. So first confirm that it really completes an old handshake.
            let check = try await TLSTool.run(
                ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", flag, "-brief"] + securityLevelZero)
            #expect(check.combined.contains("Protocol version: \(version)"))
        }

        // Every suite our client offers is a TLS 1.2 AEAD suite, which TLS 1.0 and 1.1 lack, so this server
        // rejects the ClientHello before a ServerHello could offer the old version.
        #expect(attempt.error?.code == .handshakeFailed)
        #expect(
            attempt.error?.alert == TLSAlert(alertDescription: .handshakeFailure, isFatal: true, direction: .received))
        #expect(attempt.server.combined.contains("no shared cipher"))
        #expect(!attempt.server.combined.contains(Self.probe))
    }

    @Test func clientRejectsExpiredCertificate() async throws {
        let fixtures = try TLSFixtures(serverValidity: TestValidity.expired)
        let attempt = try await Self.connectClient(
            to: ["-tls1_2"], certificate: fixtures, trusting: fixtures.clientConfiguration())

        #expect(attempt.error?.code == .peerCertificateRejected)
        #expect(attempt.error?.message.contains("certificate has expired") == true)
        #expect(attempt.error?.alert?.alertDescription == .certificateExpired)
        #expect(attempt.server.combined.contains("alert certificate expired"))
        #expect(!attempt.server.combined.contains(Self.probe))
    }

    @Test func clientRejectsUntrustedCertificate() async throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        let attempt = try await Self.connectClient(
            to: ["-tls1_2"], certificate: stranger, trusting: fixtures.clientConfiguration())

        #expect(attempt.error?.code == .peerCertificateRejected)
        #expect(attempt.error?.message.contains("unable to get local issuer certificate") == true)
        #expect(attempt.error?.alert?.alertDescription == .unknownCA)
        #expect(attempt.server.combined.contains("alert unknown ca"))
        #expect(!attempt.server.combined.contains(Self.probe))
    }

    @Test func clientRejectsWrongHostCertificate() async throws {
        let fixtures = try TLSFixtures()
        let attempt = try await Self.connectClient(
            to: ["-tls1_2"], certificate: fixtures, trusting: fixtures.clientConfiguration(hostName: "eacp.example"))

        #expect(attempt.error?.code == .peerCertificateRejected)
        #expect(attempt.error?.message.contains("hostname mismatch") == true)
        #expect(attempt.error?.alert?.direction == .sent)
        #expect(!attempt.server.combined.contains(Self.probe))
    }

    @Test func clientCompletesWithTLS12Server() async throws {
        let fixtures = try TLSFixtures()
        let attempt = try await Self.connectClient(
            to: ["-tls1_2"], certificate: fixtures, trusting: fixtures.clientConfiguration())

        // The positive control for the tests above: the same path delivers the probe when nothing is wrong.
        #expect(attempt.error == nil)
        #expect(attempt.server.combined.contains(Self.probe))
    }
}
