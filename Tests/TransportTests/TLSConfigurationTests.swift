import Testing

@testable import EACPTransport

@Suite struct TLSConfigurationTests {
    @Test func contextRejectsIncompleteConfigurations() throws {
        let fixtures = try TLSFixtures()
        let certificate = try fixtures.serverCertificate.pem()
        let key = try fixtures.serverKey.pem()
        let cases: [(String, TLSConfiguration)] = [
            ("client without CA", TLSConfiguration(role: .client)),
            ("server without certificate", TLSConfiguration(role: .server)),
            ("certificate without key", TLSConfiguration(role: .server, certificateChainPEM: certificate)),
            (
                "required policy without CA",
                .server(certificateChainPEM: certificate, privateKeyPEM: key, clientCertificatePolicy: .required)
            ),
            (
                "client with a policy",
                TLSConfiguration(role: .client, trustedCAPEM: try fixtures.caPEM, clientCertificatePolicy: .optional)
            ),
            (
                "server with a host name",
                TLSConfiguration(
                    role: .server, certificateChainPEM: certificate, privateKeyPEM: key,
                    expectedHostName: "localhost")
            ),
            (
                "empty ALPN name",
                TLSConfiguration(role: .client, trustedCAPEM: try fixtures.caPEM, alpnProtocols: [""])
            ),
        ]

        for (name, configuration) in cases {
            let error = #expect(throws: TLSError.self, "\(name)") { try TLSContext(configuration: configuration) }
            #expect(error?.code == .invalidConfiguration, "\(name)")
        }
    }

    @Test func contextRejectsKeyOfAnotherCertificate() throws {
        let fixtures = try TLSFixtures()
        let configuration = TLSConfiguration.server(
            certificateChainPEM: try fixtures.serverCertificate.pem(),
            privateKeyPEM: try PrivateKey.generateP256().pem())

        let error = #expect(throws: TLSError.self) { try TLSContext(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("key values mismatch") == true)
    }

    @Test func contextReportsWhichPEMFieldIsInvalid() throws {
        let fixtures = try TLSFixtures()
        let configuration = TLSConfiguration.client(trustedCAPEM: "-----BEGIN CERTIFICATE-----\nAAAA\n")

        let error = #expect(throws: TLSError.self) { try TLSContext(configuration: configuration) }
        #expect(error?.code == .invalidPEM)
        #expect(error?.message.hasPrefix("trustedCAPEM: ") == true)
        _ = fixtures
    }

    @Test func clientSessionNeedsHostName() throws {
        let fixtures = try TLSFixtures()
        let context = try TLSContext(configuration: .client(trustedCAPEM: try fixtures.caPEM))

        let error = #expect(throws: TLSError.self) { try TLSSession(context: context) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func serverSessionRejectsServerName() throws {
        let fixtures = try TLSFixtures()
        let context = try TLSContext(configuration: fixtures.serverConfiguration())

        let error = #expect(throws: TLSError.self) { try TLSSession(context: context, serverName: "localhost") }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func alpnSelectionFollowsServerPreference() {
        let preference = ALPNPreference(protocols: ["http/1.1", "eacp"])
        let client: [UInt8] = [2] + Array("h2".utf8) + [4] + Array("eacp".utf8) + [8] + Array("http/1.1".utf8)

        let match = client.withUnsafeBufferPointer { preference.select(fromClientList: $0) }

        #expect(match?.offset == 9)
        #expect(match?.length == 8)
    }

    @Test func alpnSelectionRejectsMalformedClientList() {
        let preference = ALPNPreference(protocols: ["http/1.1"])
        let truncated: [UInt8] = [9] + Array("http/1.1".utf8)
        let emptyName: [UInt8] = [0, 8] + Array("http/1.1".utf8)

        #expect(truncated.withUnsafeBufferPointer { preference.select(fromClientList: $0) } == nil)
        #expect(emptyName.withUnsafeBufferPointer { preference.select(fromClientList: $0) } == nil)
    }
}
