import CEACPOpenSSL
import Foundation

/// An X.509 certificate (an OpenSSL X509), read from or written to PEM.
public final class Certificate: @unchecked Sendable {
    // @unchecked: the X509 is never changed after init, and OpenSSL allows concurrent reads of it.

    /// The X509, valid only while this object lives. Swift may release a local variable right after its
    /// last use, which can be the read of `pointer` itself, so a caller that passes `local.pointer` to C
    /// wraps the call in `withExtendedLifetime(local)`.
    let pointer: OpaquePointer

    /// Takes ownership of one reference to `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Adds a reference to `pointer`. The caller keeps its own reference and must keep it alive until
    /// this init returns.
    init(retaining pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// Reads the single certificate in `pem`. Text with no certificate, or with more than one, is rejected.
    public convenience init(pem: String) throws {
        let chain = try Certificate.chain(pem: pem)
        guard chain.count == 1 else {
            throw CertificateError(
                code: .invalidPEM, message: "expected one certificate in the PEM text, found \(chain.count)")
        }
        // `chain` must outlive the up-reference. Released first, it would free the X509 that the new object
        // then shares, and both would free it again later.
        let pointer = withExtendedLifetime(chain) { () -> OpaquePointer in
            X509_up_ref(chain[0].pointer)
            return chain[0].pointer
        }
        self.init(taking: pointer)
    }

    /// Reads every certificate in `pem`, in order (a leaf followed by its intermediates, say). Text with
    /// no certificate at all is rejected.
    public static func chain(pem: String) throws -> [Certificate] {
        let certificates: [Certificate] = try MemoryBIO.withReading(Array(pem.utf8)) { bio in
            var certificates: [Certificate] = []
            while let next = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(Certificate(taking: next))
            }
            // The loop ends with PEM_R_NO_START_LINE at the end of the text; any other entry is a parse error.
            let lastError = ERR_peek_last_error()
            if !certificates.isEmpty && ERR_GET_REASON(lastError) == PEM_R_NO_START_LINE {
                OpenSSLErrorQueue.clear()
            }
            return certificates
        }
        let remaining = OpenSSLErrorQueue.drain()
        guard !certificates.isEmpty, remaining.isEmpty else {
            let detail = remaining.isEmpty ? "" : ": " + remaining.joined(separator: "; ")
            throw CertificateError(code: .invalidPEM, message: "no valid certificate in the PEM text" + detail)
        }
        return certificates
    }

    /// Encodes the certificate as PEM ("-----BEGIN CERTIFICATE-----").
    public func pem() throws -> String {
        try MemoryBIO.collectString("certificate PEM") { bio in
            PEM_write_bio_X509(bio, pointer) == 1
        }
    }

    /// Encodes the certificate as DER.
    public func derBytes() throws -> [UInt8] {
        try MemoryBIO.collect("certificate DER") { bio in
            i2d_X509_bio(bio, pointer) == 1
        }
    }

    /// The SHA-256 digest of the DER encoding, as 64 lowercase hex digits.
    public var sha256Fingerprint: String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // X509_digest fails only when OpenSSL cannot allocate memory; the fingerprint is then empty.
        guard X509_digest(pointer, EVP_sha256(), &digest, &length) == 1 else { return "" }
        return digest.prefix(Int(length)).map { hexByte($0) }.joined()
    }

    /// The subject distinguished name in RFC 2253 form ("CN=agent-1,O=EACP").
    public var subject: String {
        X509Name.rfc2253(X509_get_subject_name(pointer))
    }

    /// The issuer distinguished name in RFC 2253 form.
    public var issuer: String {
        X509Name.rfc2253(X509_get_issuer_name(pointer))
    }

    /// The subject's first common name, or nil when the subject has none.
    public var commonName: String? {
        X509Name.commonName(X509_get_subject_name(pointer))
    }

    public var notBefore: Date? {
        ASN1Time.date(X509_get0_notBefore(pointer))
    }

    public var notAfter: Date? {
        ASN1Time.date(X509_get0_notAfter(pointer))
    }

    /// The subject alternative names, by kind.
    public var subjectAlternativeNames: SubjectAlternativeNames {
        SubjectAlternativeNames(certificate: pointer)
    }
}

/// The DNS names, IP addresses and URIs in a certificate's subjectAltName extension.
public struct SubjectAlternativeNames: Hashable, Sendable {
    public var dnsNames: [String] = []
    /// IP addresses in their usual text form ("127.0.0.1", "::1").
    public var ipAddresses: [String] = []
    public var uris: [String] = []

    public init(dnsNames: [String] = [], ipAddresses: [String] = [], uris: [String] = []) {
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.uris = uris
    }
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
