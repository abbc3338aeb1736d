import EACPTransport
import Foundation
import Testing

/// testssl.sh against our server through scripts/testssl-check. It takes about ten seconds, so it runs
/// only when EACP_TESTSSL=1 is set.
@Suite struct TLSTestsslTests {
    static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["EACP_TESTSSL"] == "1" && TLSTool.isInstalled("testssl")
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/testssl-check").path
    }

    @Test(.enabled(if: isEnabled, "set EACP_TESTSSL=1 and install testssl.sh to run testssl"))
    func testsslFindsOnlyTLS12WithAEAD() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let server = try TLSTestServer(configuration: fixtures.serverConfiguration(), behavior: .http)

        let result = try await TLSTool.run(
            [Self.script, "\(server.port)", folder.write("ca.pem", fixtures.caPEM)], timeout: 180)

        #expect(result.exitCode == 0, "\(result.combined)")
        #expect(result.standardOutput.contains("testssl-check: passed"))
        for cipher in [
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
        ] {
            #expect(result.standardOutput.contains(cipher))
        }
    }
}
