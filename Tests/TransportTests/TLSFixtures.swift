import EACPTransport
import Foundation

/// Certificates and keys for TLS tests, made in process by CertificateAuthority.
struct TLSFixtures: Sendable {
    let authority: CertificateAuthority
    let serverKey: PrivateKey
    let serverCertificate: Certificate

    /// A CA and a server certificate for localhost and 127.0.0.1, with `serverValidity`.
    init(
        serverValidity: CertificateValidity = .days(30), dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"]
    ) throws {
        authority = try CertificateAuthority.create(commonName: "EACP Test CA")
        serverKey = try PrivateKey.generateP256()
        serverCertificate = try authority.issueServerCertificate(
            dnsNames: dnsNames, ipAddresses: ipAddresses, key: serverKey, validity: serverValidity)
    }

    var caPEM: String { get throws { try authority.certificate.pem() } }

    func serverConfiguration(policy: TLSConfiguration.ClientCertificatePolicy = .none) throws -> TLSConfiguration {
        .server(
            certificateChainPEM: try serverCertificate.pem(), privateKeyPEM: try serverKey.pem(),
            trustedCAPEM: policy == .none ? nil : try caPEM, clientCertificatePolicy: policy)
    }

    func clientConfiguration(
        hostName: String = "localhost", clientCertificate: ClientCredentials? = nil
    ) throws
        -> TLSConfiguration
    {
        .client(
            trustedCAPEM: try caPEM, expectedHostName: hostName,
            certificateChainPEM: try clientCertificate?.certificate.pem(),
            privateKeyPEM: try clientCertificate?.key.pem())
    }

    /// Issues a client certificate for `agentID` through a CSR, as an agent gets one at enrollment.
    func clientCredentials(agentID: String, validity: CertificateValidity = .days(30)) throws -> ClientCredentials {
        try ClientCredentials(authority: authority, agentID: agentID, validity: validity)
    }
}

struct ClientCredentials: Sendable {
    let key: PrivateKey
    let certificate: Certificate

    init(authority: CertificateAuthority, agentID: String, validity: CertificateValidity = .days(30)) throws {
        key = try PrivateKey.generateP256()
        let request = try CertificateSigningRequest(agentID: agentID, key: key)
        certificate = try authority.signClientCertificate(
            csrPEM: try request.pem(), agentID: agentID, validity: validity)
    }
}

/// Validity windows that make a certificate expired or not yet valid today.
enum TestValidity {
    static var expired: CertificateValidity {
        CertificateValidity(
            notBefore: Date().addingTimeInterval(-10 * 86_400), notAfter: Date().addingTimeInterval(-86_400))
    }

    static var notYetValid: CertificateValidity {
        CertificateValidity(
            notBefore: Date().addingTimeInterval(86_400), notAfter: Date().addingTimeInterval(10 * 86_400))
    }
}

/// A folder of PEM files for command-line peers, removed when the value is freed.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("eacp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `contents` to `name` in the folder and returns its path.
    func write(_ name: String, _ contents: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
