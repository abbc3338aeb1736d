import EACPTransport
import Foundation

/// The server's data folder: the database, the CA, the server certificate, the tokens and the files
/// agents download or upload. A first start creates what is missing; later starts reuse it.
///
/// Layout: `server.sqlite`, `ca.pem` + `ca-key.pem`, `server.pem` + `server-key.pem`, `tokens.json`,
/// and the folders `content/`, `builds/`, `upgrades/`, `uploads/`.
public struct DataFolder: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var databasePath: String { file("server.sqlite") }
    public var caCertificatePath: String { file("ca.pem") }
    public var caKeyPath: String { file("ca-key.pem") }
    public var serverCertificatePath: String { file("server.pem") }
    public var serverKeyPath: String { file("server-key.pem") }
    public var tokensPath: String { file("tokens.json") }
    public var contentFolder: String { file("content") }
    public var buildsFolder: String { file("builds") }
    public var upgradesFolder: String { file("upgrades") }
    public var uploadsFolder: String { file("uploads") }

    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// What `prepare` found or made.
    public struct Contents: Sendable {
        public let certificateAuthority: CertificateAuthority
        public let serverCertificatePEM: String
        public let serverKeyPEM: String
        public let tokens: ServerTokens
        /// True when this call made the CA and tokens, so the caller prints the tokens once.
        public let created: Bool
    }

    /// Creates the folder, the CA, the server certificate (for localhost and 127.0.0.1) and the tokens
    /// when they are missing, and loads them.
    public func prepare() throws -> Contents {
        let manager = FileManager.default
        for folder in [path, contentFolder, buildsFolder, upgradesFolder, uploadsFolder] {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }

        let created = !manager.fileExists(atPath: caCertificatePath)
        if created {
            let authority = try CertificateAuthority.create(commonName: "EACP server CA")
            try writeSecret(try authority.privateKey.pem(), to: caKeyPath)
            try writeSecret(try authority.certificate.pem(), to: caCertificatePath, mode: 0o644)
        }
        let authority = try CertificateAuthority(
            certificatePEM: try String(contentsOfFile: caCertificatePath, encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: caKeyPath, encoding: .utf8))

        if !manager.fileExists(atPath: serverCertificatePath) {
            let key = try PrivateKey.generateP256()
            let certificate = try authority.issueServerCertificate(
                dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], key: key)
            try writeSecret(try key.pem(), to: serverKeyPath)
            try writeSecret(try certificate.pem(), to: serverCertificatePath, mode: 0o644)
        }

        let tokens: ServerTokens
        if manager.fileExists(atPath: tokensPath) {
            tokens = try ServerTokens.read(from: tokensPath)
        } else {
            tokens = ServerTokens.generate()
            let data = try JSONEncoder.sortedPretty.encode(tokens)
            try writeSecret(String(decoding: data, as: UTF8.self) + "\n", to: tokensPath)
        }

        return Contents(
            certificateAuthority: authority,
            serverCertificatePEM: try String(contentsOfFile: serverCertificatePath, encoding: .utf8),
            serverKeyPEM: try String(contentsOfFile: serverKeyPath, encoding: .utf8),
            tokens: tokens, created: created)
    }

    private func writeSecret(_ text: String, to path: String, mode: Int = 0o600) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}

/// The administrator token and the first enrollment token, kept in `tokens.json` (mode 0600) so an
/// operator can read them again with `eacp-server tokens`. The store keeps only the enrollment
/// token's SHA-256.
public struct ServerTokens: Codable, Hashable, Sendable {
    public var adminToken: String
    public var enrollmentToken: String

    enum CodingKeys: String, CodingKey {
        case adminToken = "admin_token"
        case enrollmentToken = "enrollment_token"
    }

    public init(adminToken: String, enrollmentToken: String) {
        self.adminToken = adminToken
        self.enrollmentToken = enrollmentToken
    }

    /// Makes two tokens of 32 random bytes each, hex encoded: 64 characters, within the protocol's
    /// 16 to 256 bytes for an enrollment token.
    public static func generate() -> ServerTokens {
        ServerTokens(adminToken: randomToken(), enrollmentToken: randomToken())
    }

    public static func read(from path: String) throws -> ServerTokens {
        try JSONDecoder().decode(ServerTokens.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

extension JSONEncoder {
    static var sortedPretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
