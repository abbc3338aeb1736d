import Testing

@testable import EACPTransport

/// The client switches that build a faulty peer for the conformance suite's broken variants:
/// `skipsPeerVerificationForTesting`, `skipsHostNameCheckForTesting` and
/// `sendsServerNameForIPAddressForTesting`. The default behaviour they change is tested in
/// TLSMemoryVerificationTests and here.
@Suite struct TLSTestingSwitchTests {
    @Test func switchesDefaultToOff() {
        let configuration = TLSConfiguration(role: .client)
        #expect(configuration.skipsPeerVerificationForTesting == false)
        #expect(configuration.skipsHostNameCheckForTesting == false)
        #expect(configuration.sendsServerNameForIPAddressForTesting == false)
    }

    @Test func skippedVerificationAcceptsOtherCA() throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        var client = try fixtures.clientConfiguration()
        client.skipsPeerVerificationForTesting = true
        let pair = try TLSMemoryPair(client: client, server: stranger.serverConfiguration())

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(outcome.serverError == nil)
        #expect(pair.client.peer == nil)
    }

    @Test func skippedHostCheckAcceptsOtherHost() throws {
        let fixtures = try TLSFixtures()
        var client = try fixtures.clientConfiguration(hostName: "eacp.example")
        client.skipsHostNameCheckForTesting = true
        let pair = try TLSMemoryPair(client: client, server: fixtures.serverConfiguration())

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(pair.client.peer?.commonName == "localhost")
    }

    @Test func skippedHostCheckStillVerifiesChain() throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        var client = try fixtures.clientConfiguration(hostName: "eacp.example")
        client.skipsHostNameCheckForTesting = true
        let outcome = try TLSMemoryPair(client: client, server: stranger.serverConfiguration()).handshake()

        let error = try #require(outcome.clientError)
        #expect(error.code == .peerCertificateRejected)
        #expect(error.alert?.alertDescription == .unknownCA)
    }

    @Test func clientHelloCarriesDNSHostAsSNI() throws {
        let hello = try clientHello(try TLSFixtures().clientConfiguration(hostName: "localhost"))
        #expect(hello.contains(Array("localhost".utf8)))
    }

    @Test func clientHelloOmitsIPAddressFromSNI() throws {
        let hello = try clientHello(try TLSFixtures().clientConfiguration(hostName: "127.0.0.1"))
        #expect(!hello.isEmpty)
        #expect(!hello.contains(Array("127.0.0.1".utf8)))
    }

    @Test func switchSendsIPAddressAsSNI() throws {
        var client = try TLSFixtures().clientConfiguration(hostName: "127.0.0.1")
        client.sendsServerNameForIPAddressForTesting = true
        let hello = try clientHello(client)
        #expect(hello.contains(Array("127.0.0.1".utf8)))
    }

    /// Returns the bytes of the first flight of a client session with `configuration`: its ClientHello
    /// record, which TLS 1.2 sends in plaintext.
    private func clientHello(_ configuration: TLSConfiguration) throws -> [UInt8] {
        let session = try TLSSession(context: TLSContext(configuration: configuration))
        #expect(try session.advance() == .needsMoreInput)
        return session.takeCiphertext()
    }
}
