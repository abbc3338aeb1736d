import Testing

@testable import EACPTransport

/// `maximumProtocolVersionForTesting`, which lets tests build a peer that breaks the TLS 1.2-only rule.
@Suite struct TLSTestingVersionTests {
    @Test func raisedMaximumNegotiatesTLS13() throws {
        let fixtures = try TLSFixtures()
        var client = try fixtures.clientConfiguration()
        var server = try fixtures.serverConfiguration()
        client.maximumProtocolVersionForTesting = .tls1_3
        server.maximumProtocolVersionForTesting = .tls1_3
        let pair = try TLSMemoryPair(client: client, server: server)

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(outcome.serverError == nil)
        #expect(pair.client.negotiatedVersion == "TLSv1.3")
        #expect(pair.server.negotiatedVersion == "TLSv1.3")
    }

    @Test func defaultClientKeepsTLS12WithRaisedServer() throws {
        let fixtures = try TLSFixtures()
        var server = try fixtures.serverConfiguration()
        server.maximumProtocolVersionForTesting = .tls1_3
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: server)

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(outcome.serverError == nil)
        #expect(pair.client.negotiatedVersion == "TLSv1.2")
        #expect(pair.server.negotiatedVersion == "TLSv1.2")
    }

    @Test func maximumDefaultsToTLS12() {
        #expect(TLSConfiguration(role: .client).maximumProtocolVersionForTesting == .tls1_2)
    }
}
