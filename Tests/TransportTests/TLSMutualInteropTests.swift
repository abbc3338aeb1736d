import EACPTransport
import Foundation
import Testing

/// Client certificates from curl against our server with the required policy.
@Suite(.enabled(if: TLSTool.isInstalled("curl"), "curl is not installed"))
struct TLSMutualInteropTests {
    /// Runs curl with the client certificate in `credentials` (none when nil) against a server that
    /// requires one from `fixtures`' CA, and returns curl's result and the server's report.
    static func exchange(
        _ fixtures: TLSFixtures, credentials: ClientCredentials?
    ) async throws
        -> (ToolResult, TLSTestServer.Report)
    {
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration(policy: .required), behavior: .http)
        var options = ["--tlsv1.2", "--tls-max", "1.2"]
        if let credentials {
            options += [
                "--cert", try folder.write("agent.pem", credentials.certificate.pem()),
                "--key", try folder.write("agent.key", credentials.key.pem()),
            ]
        }
        let result = try await TLSCurlPythonInteropTests.curl(server, caFile: folder.write("ca.pem", fixtures.caPEM), options)
        return (result, try server.firstReport())
    }

    @Test func serverSeesAgentFromClientCertificate() async throws {
        let fixtures = try TLSFixtures()
        let credentials = try fixtures.clientCredentials(agentID: "agent-0001")

        let (result, report) = try await Self.exchange(fixtures, credentials: credentials)

        #expect(result.exitCode == 0)
        #expect(result.standardOutput.hasSuffix("\n200"))
        #expect(report.peer?.commonName == "agent-0001")
        #expect(report.peer?.subject == "CN=agent-0001")
        #expect(report.peer?.sha256Fingerprint == credentials.certificate.sha256Fingerprint)
        #expect(report.peer?.subjectAlternativeNames.uris == ["eacp:agent:agent-0001"])
    }

    @Test func serverRejectsMissingClientCertificate() async throws {
        let fixtures = try TLSFixtures()

        let (result, report) = try await Self.exchange(fixtures, credentials: nil)

        #expect(result.exitCode == 35)
        #expect(result.standardError.contains("alert handshake failure"))
        #expect(report.tlsError?.code == .peerCertificateRejected)
        #expect(report.tlsError?.alert?.alertDescription == .handshakeFailure)
        #expect(report.applicationBytes == [])
    }

    @Test func serverRejectsClientCertificateFromOtherCA() async throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()

        let (result, report) = try await Self.exchange(
            fixtures, credentials: stranger.clientCredentials(agentID: "agent-0002"))

        #expect(result.exitCode == 35)
        #expect(result.standardError.contains("alert unknown ca"))
        #expect(report.tlsError?.code == .peerCertificateRejected)
        #expect(report.tlsError?.alert?.alertDescription == .unknownCA)
        #expect(report.peer == nil)
    }

    @Test func serverRejectsExpiredClientCertificate() async throws {
        let fixtures = try TLSFixtures()
        let credentials = try fixtures.clientCredentials(agentID: "agent-0003", validity: TestValidity.expired)

        let (result, report) = try await Self.exchange(fixtures, credentials: credentials)

        // curl 7.88 turns a received certificate_expired alert into exit code 60 and its generic text about
        // failing to verify the server, although here the server rejected curl's certificate.
        #expect(result.exitCode == 60)
        #expect(report.tlsError?.code == .peerCertificateRejected)
        #expect(report.tlsError?.message.contains("certificate has expired") == true)
        #expect(report.tlsError?.alert?.alertDescription == .certificateExpired)
    }
}
