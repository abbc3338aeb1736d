import EACPTransport
import Foundation
import Testing

/// Our server against curl and Python's `ssl` module, each pinned to one protocol version.
@Suite struct TLSCurlPythonInteropTests {
    static let body = "heartbeat-body"

    /// Runs curl against the test server's heartbeat path, with `options` before the URL.
    static func curl(_ server: TLSTestServer, caFile: String, _ options: [String]) async throws -> ToolResult {
        try await TLSTool.run(
            [
                "curl", "-sS", "--max-time", "15", "--cacert", caFile, "-X", "POST", "--data-binary", body,
                "-H", "Content-Type: application/x-protobuf", "-w", "\n%{http_code}",
            ] + options
                + ["https://127.0.0.1:\(server.port)/eacp/v1/heartbeat"])
    }

    @Test(.enabled(if: TLSTool.isInstalled("curl"), "curl is not installed"))
    func curlCompletesHTTPExchangeOverTLS12() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration(), behavior: .http)

        let result = try await Self.curl(
            server, caFile: folder.write("ca.pem", fixtures.caPEM), ["--tlsv1.2", "--tls-max", "1.2"])

        #expect(result.exitCode == 0)
        #expect(result.standardOutput == TLSTestServer.responseBody + "\n200")
        let report = try server.firstReport()
        let request = String(decoding: report.applicationBytes, as: UTF8.self)
        #expect(report.negotiatedVersion == "TLSv1.2")
        #expect(request.hasPrefix("POST /eacp/v1/heartbeat HTTP/1.1\r\n"))
        #expect(request.hasSuffix("\r\n\r\n" + Self.body))
    }

    @Test(
        .enabled(if: TLSTool.isInstalled("curl"), "curl is not installed"),
        arguments: [
            ["--tlsv1.3", "--tls-max", "1.3"],
            ["--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT:@SECLEVEL=0"],
            ["--tlsv1.0", "--tls-max", "1.0", "--ciphers", "DEFAULT:@SECLEVEL=0"],
        ])
    func curlOtherVersionIsRejected(_ versionOptions: [String]) async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration(), behavior: .http)

        let result = try await Self.curl(server, caFile: folder.write("ca.pem", fixtures.caPEM), versionOptions)

        #expect(result.exitCode == 35)
        #expect(result.standardError.contains("tlsv1 alert protocol version"))
        let report = try server.firstReport()
        #expect(report.tlsError?.code == .unsupportedProtocolVersion)
        #expect(report.tlsError?.alert == TLSAlert(alertDescription: .protocolVersion, isFatal: true, direction: .sent))
        #expect(report.applicationBytes == [])
    }

    /// A Python client pinned to `version` (a TLSVersion member name). It sends one line and prints the
    /// negotiated version, the cipher and the echoed line. On an SSLError it prints the error's reason.
    static let pythonClient = """
        import socket, ssl, sys
        port, ca_file, version = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        context = ssl.create_default_context(cafile=ca_file)
        context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, version)
        if version in ("TLSv1", "TLSv1_1"):
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.sendall(b"python-line\\n")
                    print(tls.version(), tls.cipher()[0], tls.recv(100).decode().strip())
        except ssl.SSLError as error:
            print("SSLError", error.reason)
            sys.exit(3)
        """

    static func python(_ server: TLSTestServer, caFile: String, version: String) async throws -> ToolResult {
        try await TLSTool.run([TLSTool.python, "-c", pythonClient, "\(server.port)", caFile, version])
    }

    @Test func pythonCompletesTLS12() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        let result = try await Self.python(server, caFile: folder.write("ca.pem", fixtures.caPEM), version: "TLSv1_2")

        #expect(result.exitCode == 0)
        #expect(result.standardOutput == "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 python-line\n")
        #expect(try server.firstReport().applicationBytes == Array("python-line\n".utf8))
    }

    @Test(arguments: ["TLSv1_3", "TLSv1_1", "TLSv1"])
    func pythonOtherVersionIsRejected(_ version: String) async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration())

        let result = try await Self.python(server, caFile: folder.write("ca.pem", fixtures.caPEM), version: version)

        // TLSV1_ALERT_PROTOCOL_VERSION is the server's alert; a client that rejected its own settings would
        // print NO_CIPHERS_AVAILABLE and send no ClientHello at all.
        #expect(result.exitCode == 3)
        #expect(result.standardOutput == "SSLError TLSV1_ALERT_PROTOCOL_VERSION\n")
        let report = try server.firstReport()
        #expect(report.tlsError?.code == .unsupportedProtocolVersion)
        #expect(report.tlsError?.alert?.direction == .sent)
    }
}
