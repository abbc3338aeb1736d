import EACPTransport
import Foundation
import Testing

@Suite struct TLSCertificateTests {
    @Test func privateKeyRoundTripsThroughPEM() throws {
        let key = try PrivateKey.generateP256()
        let pem = try key.pem()

        let reloaded = try PrivateKey(pem: pem)

        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(try reloaded.pem() == pem)
        #expect(try reloaded.publicKeyPEM() == key.publicKeyPEM())
    }

    @Test func privateKeyRejectsGarbage() {
        let error = #expect(throws: CertificateError.self) { try PrivateKey(pem: "not a key") }
        #expect(error?.code == .invalidPEM)
    }

    @Test func certificateAuthorityIsSelfSignedCA() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA", organization: "Example")
        let certificate = authority.certificate

        #expect(certificate.subject == "CN=Fleet CA,O=Example")
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.commonName == "Fleet CA")
        #expect(certificate.sha256Fingerprint.count == 64)
    }

    @Test func certificateAuthorityReloadsFromPEM() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")

        let reloaded = try CertificateAuthority(
            certificatePEM: authority.certificate.pem(), privateKeyPEM: authority.privateKey.pem())

        #expect(reloaded.certificate.sha256Fingerprint == authority.certificate.sha256Fingerprint)
    }

    /// A certificate read from PEM must hold its own X509 reference. Optimized builds may release the parsed
    /// chain before the up-reference, while debug builds keep locals to the end of their scope, so only a
    /// release build of this test (`swift test -c release`) catches a regression.
    @Test func certificateFromPEMOwnsItsOwnReference() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let pem = try authority.certificate.pem()
        let expectedDER = try authority.certificate.derBytes()

        for _ in 0..<50 {
            let reloaded = try Certificate(pem: pem)
            #expect(try reloaded.derBytes() == expectedDER)
        }
        let reloaded = try CertificateAuthority(certificatePEM: pem, privateKeyPEM: authority.privateKey.pem())
        let issued = try reloaded.issueServerCertificate(dnsNames: ["localhost"], key: PrivateKey.generateP256())
        #expect(issued.issuer == "CN=Fleet CA,O=EACP")
    }

    @Test func certificateAuthorityRejectsForeignKey() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")

        let error = #expect(throws: CertificateError.self) {
            try CertificateAuthority(certificate: authority.certificate, privateKey: PrivateKey.generateP256())
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func serverCertificateCarriesNamesAndValidity() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let notBefore = Date(timeIntervalSince1970: 1_900_000_000)
        let validity = CertificateValidity(notBefore: notBefore, notAfter: notBefore.addingTimeInterval(86_400))

        let certificate = try authority.issueServerCertificate(
            dnsNames: ["EACP.example", "*.eacp.example"], ipAddresses: ["127.0.0.1", "::0001"],
            key: PrivateKey.generateP256(), validity: validity)

        #expect(certificate.subject == "CN=eacp.example")
        #expect(certificate.issuer == "CN=Fleet CA,O=EACP")
        #expect(certificate.subjectAlternativeNames.dnsNames == ["eacp.example", "*.eacp.example"])
        #expect(certificate.subjectAlternativeNames.ipAddresses == ["127.0.0.1", "::1"])
        #expect(certificate.subjectAlternativeNames.uris == [])
        #expect(certificate.notBefore == notBefore)
        #expect(certificate.notAfter == notBefore.addingTimeInterval(86_400))
    }

    @Test func serverCertificateRejectsBadNames() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let key = try PrivateKey.generateP256()
        let cases: [(dns: [String], ip: [String])] = [
            ([], []), (["bad name"], []), (["a.example,DNS:evil.example"], []), (["-lead.example"], []),
            (["a..example"], []), ([String(repeating: "a", count: 64) + ".example"], []), ([], ["300.1.1.1"]),
            ([], ["localhost"]),
        ]

        for (dns, ip) in cases {
            let error = #expect(throws: CertificateError.self, "\(dns) \(ip)") {
                try authority.issueServerCertificate(dnsNames: dns, ipAddresses: ip, key: key)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func validityMustEndAfterItStarts() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let now = Date()

        let error = #expect(throws: CertificateError.self) {
            try authority.issueServerCertificate(
                dnsNames: ["localhost"], key: PrivateKey.generateP256(),
                validity: CertificateValidity(notBefore: now, notAfter: now))
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func signingRequestRoundTripsAndVerifies() throws {
        let key = try PrivateKey.generateP256()
        let request = try CertificateSigningRequest(agentID: "agent-7f3a", key: key)

        let parsed = try CertificateSigningRequest(pem: request.pem())

        #expect(try request.pem().hasPrefix("-----BEGIN CERTIFICATE REQUEST-----\n"))
        #expect(parsed.commonName == "agent-7f3a")
        #expect(parsed.subject == "CN=agent-7f3a")
        try parsed.verifySignature()
    }

    @Test func signingRequestWithAlteredBodyFailsVerification() throws {
        let request = try CertificateSigningRequest(agentID: "agent-aaaa", key: PrivateKey.generateP256())
        let tampered = try Self.replacingSubject(in: request.pem(), from: "agent-aaaa", to: "agent-bbbb")
        let parsed = try CertificateSigningRequest(pem: tampered)

        #expect(parsed.commonName == "agent-bbbb")
        let error = #expect(throws: CertificateError.self) { try parsed.verifySignature() }
        #expect(error?.code == .invalidSignature)
    }

    @Test func clientCertificateNamesAgent() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let request = try CertificateSigningRequest(agentID: "ignored-subject", key: PrivateKey.generateP256())

        let certificate = try authority.signClientCertificate(csrPEM: request.pem(), agentID: "agent-42")

        #expect(certificate.commonName == "agent-42")
        #expect(certificate.subject == "CN=agent-42")
        #expect(certificate.subjectAlternativeNames.uris == ["eacp:agent:agent-42"])
        #expect(certificate.subjectAlternativeNames.dnsNames == [])
    }

    @Test func clientCertificateRejectsTamperedRequest() throws {
        let authority = try CertificateAuthority.create(commonName: "Fleet CA")
        let request = try CertificateSigningRequest(agentID: "agent-aaaa", key: PrivateKey.generateP256())
        let tampered = try Self.replacingSubject(in: request.pem(), from: "agent-aaaa", to: "agent-bbbb")

        let error = #expect(throws: CertificateError.self) {
            try authority.signClientCertificate(csrPEM: tampered, agentID: "agent-bbbb")
        }
        #expect(error?.code == .invalidSignature)
    }

    @Test func agentIDRulesAreEnforced() throws {
        let key = try PrivateKey.generateP256()
        for agentID in ["", "has space", "comma,URI:x", "ünicode", String(repeating: "a", count: 65)] {
            let error = #expect(throws: CertificateError.self, "\(agentID)") {
                try CertificateSigningRequest(agentID: agentID, key: key)
            }
            #expect(error?.code == .invalidArgument)
        }
        _ = try CertificateSigningRequest(agentID: String(repeating: "a", count: 64), key: key)
    }

    @Test func certificateChainParsesInOrder() throws {
        let fixtures = try TLSFixtures()
        let pem = try fixtures.serverCertificate.pem() + fixtures.authority.certificate.pem()

        let chain = try Certificate.chain(pem: pem)

        #expect(chain.map(\.commonName) == ["localhost", "EACP Test CA"])
        #expect(throws: CertificateError.self) { try Certificate(pem: pem) }
    }

    @Test func certificateRejectsTruncatedPEM() throws {
        let fixtures = try TLSFixtures()
        let pem = try fixtures.serverCertificate.pem()

        let error = #expect(throws: CertificateError.self) { try Certificate(pem: String(pem.dropLast(40))) }
        #expect(error?.code == .invalidPEM)
        #expect(throws: CertificateError.self) { try Certificate(pem: "") }
    }

    /// Decodes the PEM body, swaps one same-length string in the DER bytes and encodes it again, which
    /// leaves a parseable request whose signature no longer matches.
    static func replacingSubject(in pem: String, from old: String, to new: String) throws -> String {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var der = try #require(Data(base64Encoded: body))
        let range = try #require(der.range(of: Data(old.utf8)))
        der.replaceSubrange(range, with: Data(new.utf8))
        let lines = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE REQUEST-----\n\(lines)\n-----END CERTIFICATE REQUEST-----\n"
    }
}
