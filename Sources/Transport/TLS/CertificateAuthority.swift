import CEACPOpenSSL

/// A certificate authority that issues the server's certificate and agents' client certificates. All
/// keys are ECDSA P-256 and all signatures ECDSA with SHA-256.
public final class CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let privateKey: PrivateKey

    /// Uses an existing CA certificate and its key. Throws when the key does not belong to the certificate.
    public init(certificate: Certificate, privateKey: PrivateKey) throws {
        OpenSSLErrorQueue.clear()
        guard X509_check_private_key(certificate.pointer, privateKey.pointer) == 1 else {
            throw CertificateError(
                code: .invalidArgument,
                message: OpenSSLErrorQueue.message("the CA private key does not match its certificate"))
        }
        self.certificate = certificate
        self.privateKey = privateKey
    }

    public convenience init(certificatePEM: String, privateKeyPEM: String) throws {
        try self.init(certificate: Certificate(pem: certificatePEM), privateKey: PrivateKey(pem: privateKeyPEM))
    }

    /// Creates a self-signed root CA with a new P-256 key. It may sign end-entity certificates only
    /// (pathlen 0).
    public static func create(
        commonName: String, organization: String = "EACP", validity: CertificateValidity = .days(3650)
    ) throws -> CertificateAuthority {
        let key = try PrivateKey.generateP256()
        let certificate = try X509Build.newCertificate(validity: validity, publicKey: key.pointer)
        let subject = X509_get_subject_name(certificate.pointer)
        try X509Build.addEntry("O", organization, to: subject)
        try X509Build.addCommonName(commonName, to: subject)

        try X509Build.addExtension(
            NID_basic_constraints, X509Build.Extension.caBasicConstraints, to: certificate, issuer: certificate)
        try X509Build.addExtension(NID_key_usage, X509Build.Extension.caKeyUsage, to: certificate, issuer: certificate)
        try X509Build.addExtension(NID_subject_key_identifier, "hash", to: certificate, issuer: certificate)
        try X509Build.sign(certificate, issuer: certificate, key: key)
        return try CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Issues a server certificate for `key`'s public key, valid for the given DNS names and IP
    /// addresses (at least one in all). The subject CN is the first of them.
    public func issueServerCertificate(
        dnsNames: [String], ipAddresses: [String] = [], key: PrivateKey, validity: CertificateValidity = .days(825)
    ) throws -> Certificate {
        let names = try SubjectAlternativeNames.validated(dnsNames: dnsNames, ipAddresses: ipAddresses)
        guard let commonName = names.dnsNames.first ?? names.ipAddresses.first else {
            throw CertificateError(
                code: .invalidArgument, message: "a server certificate needs a DNS name or an IP address")
        }
        let issued = try X509Build.newCertificate(validity: validity, publicKey: key.pointer)
        try X509Build.addCommonName(commonName, to: X509_get_subject_name(issued.pointer))
        try addLeafExtensions(to: issued, extendedKeyUsage: X509Build.Extension.serverExtendedKeyUsage, names: names)
        try X509Build.sign(issued, issuer: certificate, key: privateKey)
        return issued
    }

    /// Issues a client certificate for agent `agentID` from a PEM certificate signing request. See
    /// `signClientCertificate(request:agentID:validity:)`.
    public func signClientCertificate(
        csrPEM: String, agentID: String, validity: CertificateValidity = .days(365)
    ) throws -> Certificate {
        try signClientCertificate(request: CertificateSigningRequest(pem: csrPEM), agentID: agentID, validity: validity)
    }

    /// Issues a client certificate with subject CN `agentID` and the subjectAltName URI
    /// `eacp:agent:<agentID>`, for the public key in `request`. The request's signature must verify; its
    /// subject is ignored, because the CA, not the requester, decides the identity.
    public func signClientCertificate(
        request: CertificateSigningRequest, agentID: String, validity: CertificateValidity = .days(365)
    ) throws -> Certificate {
        try AgentID.validate(agentID)
        try request.verifySignature()
        guard let publicKey = X509_REQ_get0_pubkey(request.pointer) else {
            throw CertificateError(code: .invalidArgument, message: "the certificate signing request has no public key")
        }
        try Self.checkKeyStrength(publicKey)

        let issued = try X509Build.newCertificate(validity: validity, publicKey: publicKey)
        try X509Build.addCommonName(agentID, to: X509_get_subject_name(issued.pointer))
        let names = SubjectAlternativeNames(uris: [AgentID.uri(agentID)])
        try addLeafExtensions(to: issued, extendedKeyUsage: X509Build.Extension.clientExtendedKeyUsage, names: names)
        try X509Build.sign(issued, issuer: certificate, key: privateKey)
        return issued
    }

    private func addLeafExtensions(
        to issued: Certificate, extendedKeyUsage: String, names: SubjectAlternativeNames
    ) throws {
        try X509Build.addExtension(
            NID_basic_constraints, X509Build.Extension.leafBasicConstraints, to: issued, issuer: certificate)
        try X509Build.addExtension(NID_key_usage, X509Build.Extension.leafKeyUsage, to: issued, issuer: certificate)
        try X509Build.addExtension(NID_ext_key_usage, extendedKeyUsage, to: issued, issuer: certificate)
        try X509Build.addExtension(NID_subject_alt_name, names.configurationValue, to: issued, issuer: certificate)
        try X509Build.addExtension(NID_subject_key_identifier, "hash", to: issued, issuer: certificate)
        try X509Build.addExtension(NID_authority_key_identifier, "keyid:always", to: issued, issuer: certificate)
    }

    /// Accepts EC keys of at least 256 bits and RSA keys of at least 2048 bits, the smallest that
    /// OpenSSL's default security level 2 accepts in a handshake.
    private static func checkKeyStrength(_ key: OpaquePointer) throws {
        let bits = EVP_PKEY_get_bits(key)
        let minimum: Int32
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC: minimum = 256
        case EVP_PKEY_RSA: minimum = 2048
        default:
            throw CertificateError(code: .invalidArgument, message: "the request's public key is neither EC nor RSA")
        }
        guard bits >= minimum else {
            throw CertificateError(
                code: .invalidArgument,
                message: "the request's \(bits)-bit key is too weak; at least \(minimum) bits are needed")
        }
    }
}
