import CEACPOpenSSL

/// A PKCS #10 certificate signing request (an OpenSSL X509_REQ) with which an agent requests from the server's CA
/// for a client certificate. The subject CN is the agent id; the CA signs only the public key and sets
/// the subject itself.
public final class CertificateSigningRequest: @unchecked Sendable {
    // @unchecked: the X509_REQ is never changed after init, and OpenSSL allows concurrent reads of it.
    let pointer: OpaquePointer

    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_REQ_free(pointer)
    }

    /// Creates a request with subject CN `agentID`, signed with `key` (SHA-256).
    public convenience init(agentID: String, key: PrivateKey) throws {
        try AgentID.validate(agentID)
        OpenSSLErrorQueue.clear()
        guard let request = X509_REQ_new() else { throw Self.failure("X509_REQ_new failed") }
        self.init(taking: request)

        guard X509_REQ_set_version(request, 0) == 1 else { throw Self.failure("X509_REQ_set_version failed") }
        try X509Build.addCommonName(agentID, to: X509_REQ_get_subject_name(request))
        guard X509_REQ_set_pubkey(request, key.pointer) == 1 else { throw Self.failure("X509_REQ_set_pubkey failed") }
        guard X509_REQ_sign(request, key.pointer, EVP_sha256()) > 0 else { throw Self.failure("X509_REQ_sign failed") }
    }

    /// Reads the single request in `pem` ("-----BEGIN CERTIFICATE REQUEST-----"). The signature is not
    /// checked here; call `verifySignature()`.
    public convenience init(pem: String) throws {
        let request = try MemoryBIO.withReading(Array(pem.utf8)) { bio in
            PEM_read_bio_X509_REQ(bio, nil, nil, nil)
        }
        guard let request else {
            throw CertificateError(
                code: .invalidPEM, message: OpenSSLErrorQueue.message("no certificate signing request in the PEM text"))
        }
        self.init(taking: request)
    }

    public func pem() throws -> String {
        try MemoryBIO.collectString("certificate signing request PEM") { bio in
            PEM_write_bio_X509_REQ(bio, pointer) == 1
        }
    }

    /// The subject's first common name, which an agent sets to its agent id.
    public var commonName: String? {
        X509Name.commonName(X509_REQ_get_subject_name(pointer))
    }

    public var subject: String {
        X509Name.rfc2253(X509_REQ_get_subject_name(pointer))
    }

    /// Checks that the request was signed by the private key of the public key it holds, which proves
    /// the requester has that key. Throws `invalidSignature` when it was not.
    public func verifySignature() throws {
        OpenSSLErrorQueue.clear()
        guard let key = X509_REQ_get0_pubkey(pointer) else {
            throw CertificateError(
                code: .invalidArgument, message: OpenSSLErrorQueue.message("the request has no usable public key"))
        }
        guard X509_REQ_verify(pointer, key) == 1 else {
            throw CertificateError(
                code: .invalidSignature,
                message: OpenSSLErrorQueue.message("the certificate signing request's signature does not verify"))
        }
    }

    private static func failure(_ context: String) -> CertificateError {
        CertificateError(code: .openSSLFailure, message: OpenSSLErrorQueue.message(context))
    }
}

/// The rule for agent ids in certificates: 1 to 64 characters (the X.520 upper bound for a common name)
/// from letters, digits, '.', '_' and '-', so the id fits both the subject CN and the URI
/// `eacp:agent:<id>` without escaping.
public enum AgentID {
    public static let maximumLength = 64

    public static func validate(_ agentID: String) throws {
        let allowed = agentID.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "._-".unicodeScalars.contains(scalar))
        }
        guard !agentID.isEmpty, agentID.count <= maximumLength, allowed else {
            throw CertificateError(
                code: .invalidArgument,
                message: "invalid agent id \"\(agentID)\": use 1 to \(maximumLength) letters, digits, '.', '_' or '-'")
        }
    }

    /// Returns the subjectAltName URI that names an agent in its client certificate.
    public static func uri(_ agentID: String) -> String {
        "eacp:agent:" + agentID
    }
}
