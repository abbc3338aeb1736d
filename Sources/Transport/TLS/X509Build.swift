import CEACPOpenSSL
import Foundation

/// Steps for building an X.509 v3 certificate. Each throws a CertificateError carrying OpenSSL's
/// error-queue text when its call fails.
enum X509Build {
    /// Extension values in OpenSSL's configuration syntax (x509v3_config(5)).
    enum Extension {
        static let caBasicConstraints = "critical,CA:TRUE,pathlen:0"
        static let caKeyUsage = "critical,keyCertSign,cRLSign"
        static let leafBasicConstraints = "critical,CA:FALSE"
        /// ECDHE cipher suites only need the certificate key to sign.
        static let leafKeyUsage = "critical,digitalSignature"
        static let serverExtendedKeyUsage = "serverAuth"
        static let clientExtendedKeyUsage = "clientAuth"
    }

    /// Creates an unsigned v3 certificate with a random 127-bit serial number, `validity` and `publicKey`.
    static func newCertificate(validity: CertificateValidity, publicKey: OpaquePointer) throws -> Certificate {
        try validity.validate()
        OpenSSLErrorQueue.clear()
        guard let pointer = X509_new() else { throw failure("X509_new failed") }
        let certificate = Certificate(taking: pointer)

        guard X509_set_version(pointer, 2) == 1 else { throw failure("X509_set_version failed") }
        try setRandomSerial(pointer)
        try setTime(X509_getm_notBefore(pointer), validity.notBefore)
        try setTime(X509_getm_notAfter(pointer), validity.notAfter)
        guard X509_set_pubkey(pointer, publicKey) == 1 else { throw failure("X509_set_pubkey failed") }
        return certificate
    }

    static func addCommonName(_ commonName: String, to name: OpaquePointer?) throws {
        try addEntry("CN", commonName, to: name)
    }

    static func addEntry(_ field: String, _ value: String, to name: OpaquePointer?) throws {
        let bytes = Array(value.utf8)
        guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1 else {
            throw failure("X509_NAME_add_entry_by_txt(\(field)) failed for \"\(value)\"")
        }
    }

    /// Adds the extension `nid` with `value`. `issuer` is the signing certificate, needed for
    /// authorityKeyIdentifier; it is the certificate itself for a self-signed one.
    static func addExtension(_ nid: Int32, _ value: String, to certificate: Certificate, issuer: Certificate) throws {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer.pointer, certificate.pointer, nil, nil, 0)
        guard let ext = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
            throw failure("building extension \(String(cString: OBJ_nid2sn(nid))) = \(value) failed")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate.pointer, ext, -1) == 1 else { throw failure("X509_add_ext failed") }
    }

    static func sign(_ certificate: Certificate, issuer: Certificate, key: PrivateKey) throws {
        guard X509_set_issuer_name(certificate.pointer, X509_get_subject_name(issuer.pointer)) == 1 else {
            throw failure("X509_set_issuer_name failed")
        }
        guard X509_sign(certificate.pointer, key.pointer, EVP_sha256()) > 0 else { throw failure("X509_sign failed") }
    }

    private static func setRandomSerial(_ certificate: OpaquePointer) throws {
        guard let number = BN_new() else { throw failure("BN_new failed") }
        defer { BN_free(number) }
        // 127 random bits: positive, as RFC 5280 requires, and within its 20-byte limit.
        guard BN_rand(number, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 else { throw failure("BN_rand failed") }
        guard let serial = X509_get_serialNumber(certificate), BN_to_ASN1_INTEGER(number, serial) != nil else {
            throw failure("setting the serial number failed")
        }
    }

    private static func setTime(_ field: UnsafeMutablePointer<ASN1_TIME>?, _ date: Date) throws {
        guard ASN1_TIME_set(field, time_t(date.timeIntervalSince1970.rounded(.down))) != nil else {
            throw failure("ASN1_TIME_set failed for \(date)")
        }
    }

    private static func failure(_ context: String) -> CertificateError {
        CertificateError(code: .openSSLFailure, message: OpenSSLErrorQueue.message(context))
    }
}
