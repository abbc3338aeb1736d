import EACPProtocol
import EACPTransport
import Foundation

/// POST /eacp/v1/enroll: trades an enrollment token and a CSR for a client certificate naming a
/// new agent id. Needs no client certificate.
struct EnrollmentHandler {
    let context: ServerContext

    /// Client certificates last a year; version 1 of the protocol has no renewal, so a shorter life
    /// would force re-enrollment often.
    static let certificateLifetimeDays = 365

    func handle(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let enrollment = try request.decodeBody(EnrollmentRequest.self)
        let tokenDigest = try checkToken(enrollment.enrollmentToken)
        if let violation = FieldLimits.violation(in: enrollment) { throw violation.failure }
        let csrPEM = try csrPEM(of: enrollment)
        let version = try validateVersion(enrollment.agentVersion)

        let agentID = "agent-" + ServerTokens.randomToken().prefix(20)
        let certificate: Certificate
        do {
            certificate = try context.certificateAuthority.signClientCertificate(
                csrPEM: csrPEM, agentID: BrokenVariant.certificateName(csrPEM: csrPEM) ?? agentID,
                validity: .days(Self.certificateLifetimeDays))
        } catch {
            throw ProtocolFailure(.badRequest, "the certificate signing request was not accepted: \(error)")
        }

        let now = context.now
        let record = AgentRecord(
            agentID: agentID, certificateFingerprint: certificate.sha256Fingerprint, enrolledUnixMs: now,
            agentVersion: version.description)
        let outcome = try context.stored("enroll agent") { () throws(ServerStoreError) in
            try context.store.enrollAgent(record, tokenDigest: tokenDigest, nowUnixMs: now)
        }
        guard case .enrolled = outcome else {
            throw ProtocolFailure(.forbidden, "the enrollment token is not valid (\(outcome))")
        }
        context.log.info("agent.enrolled", ["agent": agentID, "version": version, "host": enrollment.hostName])

        var reply = EnrollmentReply()
        reply.agentId = agentID
        do {
            reply.clientCertificatePem = try certificate.pem()
            reply.caChainPem = [try context.certificateAuthority.certificate.pem()]
        } catch {
            throw ProtocolFailure(.internal, "the issued certificate could not be encoded")
        }
        reply.certificateNotAfterUnixMs = Int64(((certificate.notAfter ?? Date()).timeIntervalSince1970 * 1000).rounded())
        return .message(reply)
    }

    /// Rejects unknown, expired, revoked and used-up tokens before any key work is done; the store
    /// checks again atomically when it stores the agent.
    private func checkToken(_ token: String) throws(ProtocolFailure) -> [UInt8] {
        let forbidden = ProtocolFailure(.forbidden, "the enrollment token is not valid")
        guard (16...256).contains(token.utf8.count) else { throw forbidden }
        let digest = SHA256.digest(token)
        let record = try context.stored("enrollment token") { () throws(ServerStoreError) in
            try context.store.enrollmentToken(digest: digest)
        }
        guard let record, !record.revoked, record.expiresUnixMs > context.now,
            record.useCount < record.maximumUses || BrokenVariant.isActive(.acceptsUsedUpToken)
        else {
            throw forbidden
        }
        return digest
    }

    private func csrPEM(of enrollment: EnrollmentRequest) throws(ProtocolFailure) -> String {
        switch enrollment.certificateSigningRequest {
        case .csrPem(let pem)?:
            return pem
        case .csrDer(let der)?:
            // PEM is the base64 of the DER bytes between two marker lines, so the CA's PEM reader takes it.
            let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            return "-----BEGIN CERTIFICATE REQUEST-----\n\(body)\n-----END CERTIFICATE REQUEST-----\n"
        case nil:
            throw ProtocolFailure(.badRequest, "the request has no certificate signing request")
        }
    }
}

/// Parses an agent version from a message, as 400 BAD_REQUEST when it is invalid.
func validateVersion(_ text: String) throws(ProtocolFailure) -> AgentVersion {
    let checked = try BrokenVariant.versionText(text)
    do {
        return try AgentVersion(parsing: checked)
    } catch {
        throw ProtocolFailure(.badRequest, "agent_version is invalid: \(error)")
    }
}
