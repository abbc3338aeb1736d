import CEACPOpenSSL

/// An EC or RSA private key (an OpenSSL EVP_PKEY), read from or written to unencrypted PKCS #8 PEM.
/// New keys are ECDSA P-256, the curve every certificate this module issues uses.
public final class PrivateKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never changed after init, and OpenSSL allows concurrent reads of it.

    /// The EVP_PKEY, valid only while this object lives; see `Certificate.pointer` for keeping it alive.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Generates a new ECDSA P-256 key.
    public static func generateP256() throws -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw failure("EVP_PKEY_CTX_new_from_name(EC) failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw failure("EVP_PKEY_keygen_init failed") }
        guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
            throw failure("EVP_PKEY_CTX_set_group_name(P-256) failed")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw failure("EVP_PKEY_generate failed") }
        return PrivateKey(taking: key)
    }

    /// Reads the first private key in `pem` (PKCS #8, SEC 1 "EC PRIVATE KEY" or PKCS #1 "RSA PRIVATE
    /// KEY"). Encrypted keys are rejected, because no passphrase can be given.
    public convenience init(pem: String) throws {
        let key = try MemoryBIO.withReading(Array(pem.utf8)) { bio in
            PEM_read_bio_PrivateKey(bio, nil, PrivateKey.refusePassphrase, nil)
        }
        guard let key else {
            throw CertificateError(
                code: .invalidPEM,
                message: OpenSSLErrorQueue.message("no unencrypted private key found in the PEM text"))
        }
        self.init(taking: key)
    }

    /// Encodes the key as unencrypted PKCS #8 PEM ("-----BEGIN PRIVATE KEY-----").
    public func pem() throws -> String {
        try MemoryBIO.collectString("private key PEM") { bio in
            PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1
        }
    }

    /// Encodes the public half as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
    public func publicKeyPEM() throws -> String {
        try MemoryBIO.collectString("public key PEM") { bio in
            PEM_write_bio_PUBKEY(bio, pointer) == 1
        }
    }

    /// A passphrase callback that supplies none, so encrypted PEM fails to load instead of OpenSSL
    /// prompting on the terminal.
    private static let refusePassphrase:
        @convention(c) (
            UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, _, _, _ in -1 }

    private static func failure(_ context: String) -> CertificateError {
        CertificateError(code: .openSSLFailure, message: OpenSSLErrorQueue.message(context))
    }
}
