import EACPProtocol
import EACPTransport
import Foundation

/// The agent's enrollment result: its id, private key and client certificate chain, kept as files
/// of mode 0600 in `credentials/` under the state folder.
public struct Credentials: Sendable {
    public var agentID: String
    public var privateKeyPEM: String
    /// The client certificate followed by the CA chain the server returned.
    public var certificateChainPEM: String
    /// SHA-256 of the client certificate's DER bytes, lowercase hex.
    public var certificateFingerprint: String

    static func folder(in stateDirectory: String) -> String { stateDirectory + "/credentials" }

    /// Loads stored credentials. The identity row in the store is written last, so it decides
    /// whether enrollment finished; nil means enroll.
    static func load(stateDirectory: String, store: AgentStore) throws -> Credentials? {
        guard let identity = try store.identity() else { return nil }
        let folder = folder(in: stateDirectory)
        guard let key = try? String(contentsOfFile: folder + "/agent-key.pem", encoding: .utf8),
            let chain = try? String(contentsOfFile: folder + "/agent-certificate.pem", encoding: .utf8)
        else {
            throw EnrollmentError("stored credentials in \(folder) are incomplete; remove the state folder to enroll again")
        }
        return Credentials(
            agentID: identity.agentID, privateKeyPEM: key, certificateChainPEM: chain,
            certificateFingerprint: identity.certificateFingerprint)
    }
}

/// A failed enrollment, with the reason in `message`.
public struct EnrollmentError: Error, CustomStringConvertible {
    public let message: String
    public var retryable = false
    init(_ message: String, retryable: Bool = false) {
        self.message = message
        self.retryable = retryable
    }
    public var description: String { message }
}

/// Trades the enrollment token for a client certificate: the key and the certificate signing
/// request are made in process and the private key never leaves the endpoint.
enum Enrollment {
    static func enroll(
        token: String, link: ServerLink, stateDirectory: String, store: AgentStore, log: AgentLog
    ) async throws -> Credentials {
        let key = try PrivateKey.generateP256()
        // The server names the agent; the subject of the request is a placeholder it replaces.
        let csr = try EACPTransport.CertificateSigningRequest(agentID: "enrollment-request", key: key)
        var request = EnrollmentRequest()
        request.enrollmentToken = token
        request.certificateSigningRequest = .csrPem(try csr.pem())
        request.agentVersion = AgentIdentity.version
        request.hostName = BrokenVariant.isActive(.sendsPrivateKey) ? try key.pem() : AgentIdentity.hostName
        request.platform = AgentIdentity.platform

        let reply: EnrollmentReply
        do {
            reply = try await link.post("enroll", request)
        } catch {
            let permanent = error.status == 403 || error.status == 400
            throw EnrollmentError("enrollment failed: \(error.message)", retryable: !permanent)
        }
        guard (try? AgentID.validate(reply.agentId)) != nil else {
            throw EnrollmentError("enrollment reply has an invalid agent id \"\(reply.agentId)\"", retryable: true)
        }
        let certificate = try Certificate(pem: reply.clientCertificatePem)
        let chain = ([reply.clientCertificatePem] + reply.caChainPem).joined(separator: "\n")

        // Files first, identity row last: the row is what marks enrollment as finished.
        let folder = Credentials.folder(in: stateDirectory)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try key.pem(), to: folder + "/agent-key.pem")
        try AtomicFile.write(chain, to: folder + "/agent-certificate.pem")
        try store.storeIdentity(AgentIdentityRecord(
            agentID: reply.agentId, serverURL: link.serverURL.description,
            certificateFingerprint: certificate.sha256Fingerprint, enrolledUnixMs: AgentClock.nowUnixMs()))
        log.info("enrollment", "enrollment.completed", ["agent": reply.agentId])
        return Credentials(
            agentID: reply.agentId, privateKeyPEM: try key.pem(), certificateChainPEM: chain,
            certificateFingerprint: certificate.sha256Fingerprint)
    }
}
