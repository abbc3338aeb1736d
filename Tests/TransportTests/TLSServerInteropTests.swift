import EACPTransport
import Foundation
import Testing

/// Our server against `openssl s_client`, each run pinned to one protocol version.
@Suite(.enabled(if: TLSTool.isInstalled("openssl"), "the openssl command is not installed"))
struct TLSServerInteropTests {
    /// Lets s_client send TLS 1.0 and 1.1 hellos with SHA-1 suites, which OpenSSL 3.0's default
    /// security level 2 would not finish a handshake with.
    static let securityLevelZero = ["-cipher", "DEFAULT:@SECLEVEL=0"]

    struct RejectedVersion: Sendable, CustomTestStringConvertible {
        let flag: String
        /// The version s_client's -msg output shows on the ClientHello it sent.
        let helloVersion: String
        var testDescription: String { flag }
    }

    static let rejectedVersions = [
        RejectedVersion(flag: "-tls1_3", helloVersion: "TLS 1.3"),
        RejectedVersion(flag: "-tls1_1", helloVersion: "TLS 1.1"),
        RejectedVersion(flag: "-tls1", helloVersion: "TLS 1.0"),
    ]

    @Test(arguments: rejectedVersions)
    func serverRejectsVersionWithProtocolVersionAlert(_ version: RejectedVersion) async throws {
        let fixtures = try TLSFixtures()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        let result = try await TLSTool.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", version.flag, "-msg"]
                + Self.securityLevelZero)

        #expect(result.exitCode == 1)
        #expect(result.combined.contains(">>> \(version.helloVersion), Handshake"))
        #expect(result.combined.contains("], ClientHello"))
        #expect(result.combined.contains("Alert [length 0002], fatal protocol_version"))
        #expect(result.combined.contains("tlsv1 alert protocol version"))
        #expect(result.combined.contains("SSL alert number 70"))
        #expect(result.combined.contains("SSL handshake has read 7 bytes"))

        let report = try server.firstReport()
        #expect(report.tlsError?.code == .unsupportedProtocolVersion)
        #expect(report.tlsError?.alert == TLSAlert(alertDescription: .protocolVersion, isFatal: true, direction: .sent))
        #expect(report.applicationBytes == [])
    }

    @Test func serverCompletesTLS12AndEchoes() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let caFile = try folder.write("ca.pem", fixtures.caPEM)
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        let result = try await TLSTool.run(
            [
                "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2", "-CAfile", caFile,
                "-verify_return_error", "-servername", "localhost", "-alpn", "http/1.1", "-ign_eof",
            ],
            input: "heartbeat-probe\n")

        #expect(result.exitCode == 0)
        #expect(result.standardOutput.contains("Protocol  : TLSv1.2"))
        #expect(result.standardOutput.contains("Cipher    : ECDHE-ECDSA-AES128-GCM-SHA256"))
        #expect(result.standardOutput.contains("ALPN protocol: http/1.1"))
        #expect(result.standardOutput.contains("Verify return code: 0 (ok)"))
        #expect(result.standardOutput.contains("Compression: NONE"))
        #expect(result.standardOutput.contains("\nheartbeat-probe\n"))

        let report = try server.firstReport()
        #expect(report.tlsError == nil)
        #expect(report.otherError == nil)
        #expect(report.negotiatedVersion == "TLSv1.2")
        #expect(report.applicationBytes == Array("heartbeat-probe\n".utf8))
    }

    @Test func serverRejectsClientWithoutAEADSuites() async throws {
        let fixtures = try TLSFixtures()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        let result = try await TLSTool.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2", "-cipher", "AES128-SHA256"])

        #expect(result.exitCode == 1)
        #expect(result.combined.contains("sslv3 alert handshake failure"))
        #expect(result.combined.contains("SSL alert number 40"))

        let report = try server.firstReport()
        #expect(report.tlsError?.code == .handshakeFailed)
        #expect(report.tlsError?.message.contains("no shared cipher") == true)
        #expect(report.tlsError?.alert?.alertDescription == .handshakeFailure)
    }

    @Test func serverRejectsRenegotiation() async throws {
        let fixtures = try TLSFixtures()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        // s_client reads a line holding only "R" as a request to renegotiate (not with -ign_eof).
        let result = try await TLSTool.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2", "-msg"], input: "R\n")

        let helloCount = result.combined.components(separatedBy: "], ClientHello").count - 1
        #expect(result.combined.contains("RENEGOTIATING"))
        #expect(helloCount == 2)
        #expect(result.combined.contains("<<< TLS 1.2, Alert [length 0002], warning no_renegotiation"))
        #expect(result.combined.contains("no renegotiation"))

        let report = try server.firstReport()
        #expect(report.negotiatedVersion == "TLSv1.2")
        #expect(report.tlsError?.code == .connectionFailed)
        #expect(
            report.tlsError?.alert == TLSAlert(alertDescription: .handshakeFailure, isFatal: true, direction: .received)
        )
    }
}
