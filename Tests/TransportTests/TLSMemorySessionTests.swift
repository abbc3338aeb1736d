import Testing

@testable import EACPTransport

@Suite struct TLSMemorySessionTests {
    @Test func handshakeNegotiatesTLS12WithAEADSuite() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())

        let outcome = pair.handshake()

        #expect(outcome.clientError == nil)
        #expect(outcome.serverError == nil)
        #expect(pair.client.negotiatedVersion == "TLSv1.2")
        #expect(pair.server.negotiatedVersion == "TLSv1.2")
        #expect(pair.client.negotiatedCipher == "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(pair.client.negotiatedALPN == "http/1.1")
        #expect(pair.server.negotiatedALPN == "http/1.1")
    }

    @Test func clientSeesServerIdentity() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())

        _ = pair.handshake()

        let peer = try #require(pair.client.peer)
        #expect(peer.commonName == "localhost")
        #expect(peer.subject == "CN=localhost")
        #expect(peer.sha256Fingerprint == fixtures.serverCertificate.sha256Fingerprint)
        #expect(peer.subjectAlternativeNames.dnsNames == ["localhost"])
        #expect(peer.subjectAlternativeNames.ipAddresses == ["127.0.0.1"])
        #expect(pair.server.peer == nil)
    }

    @Test func applicationDataCrossesBothWays() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        _ = pair.handshake()
        let request = Array("POST /eacp/v1/heartbeat HTTP/1.1\r\n\r\n".utf8)
        let large = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        #expect(try TLSMemoryPair.transfer(request, from: pair.client, to: pair.server) == request)
        #expect(try TLSMemoryPair.transfer(large, from: pair.server, to: pair.client) == large)
    }

    @Test func closeNotifyEndsPeerReads() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        _ = pair.handshake()

        pair.client.close()
        pair.client.takeCiphertext().withUnsafeBytes { pair.server.receiveCiphertext($0) }
        var buffer: [UInt8] = []

        #expect(try pair.server.readPlaintext(into: &buffer, maximumCount: 100) == .closedByPeer)
        #expect(buffer.isEmpty)
        #expect(throws: TLSError.self) { try [1, 2, 3].withUnsafeBytes { try pair.client.writePlaintext($0) } }
    }

    @Test func readBeforeAnyInputNeedsMoreInput() throws {
        let fixtures = try TLSFixtures()
        let server = try TLSSession(context: TLSContext(configuration: fixtures.serverConfiguration()))
        var buffer: [UInt8] = []

        #expect(try server.readPlaintext(into: &buffer, maximumCount: 10) == .needsMoreInput)
        #expect(try server.advance() == .needsMoreInput)
        #expect(server.takeCiphertext().isEmpty)
    }

    @Test func writeBeforeHandshakeIsInvalidState() throws {
        let fixtures = try TLSFixtures()
        let client = try TLSSession(context: TLSContext(configuration: fixtures.clientConfiguration()))

        let error = #expect(throws: TLSError.self) { try [1].withUnsafeBytes { try client.writePlaintext($0) } }
        #expect(error?.code == .invalidState)
    }

    @Test func closeDuringHandshakeStopsSession() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        _ = try pair.client.advance()

        pair.client.close()

        let error = #expect(throws: TLSError.self) { try pair.client.advance() }
        #expect(error?.code == .invalidState)
    }

    @Test func idleSessionReleasesBioBuffers() throws {
        let fixtures = try TLSFixtures()
        let pair = try TLSMemoryPair(client: fixtures.clientConfiguration(), server: fixtures.serverConfiguration())
        _ = pair.handshake()
        let large = [UInt8](repeating: 0x5a, count: 50_000)

        #expect(try TLSMemoryPair.transfer(large, from: pair.client, to: pair.server) == large)

        #expect(pair.client.bufferedCapacity == 0)
        #expect(pair.server.bufferedCapacity == 0)
    }
}
