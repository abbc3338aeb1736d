import CEACPOpenSSL

/// One OpenSSL connection over memory buffers, configured the way a probe needs: any protocol
/// version OpenSSL 3 still builds, any cipher list, any certificate.
///
/// The project's own `TLSContext` cannot be used here, because it fixes TLS 1.2 and the EACP suites.
/// The probes need the opposite: a peer that offers exactly what EACP forbids.
final class OpenSSLEngine {
    enum Role { case client, server }

    /// What a probe configures.
    struct Settings {
        var role: Role
        /// Lowest and highest protocol version, as OpenSSL's `TLS1_2_VERSION` and friends.
        var versions: ClosedRange<Int32>
        /// OpenSSL cipher string for TLS 1.2 and below. `@SECLEVEL=0` lets OpenSSL 3 build TLS 1.0 and
        /// 1.1 hellos and sign with SHA-1, as an old peer would.
        var cipherList = "DEFAULT:@SECLEVEL=0"
        var certificateChainPEM: String?
        var privateKeyPEM: String?
    }

    private let context: OpaquePointer
    private let connection: OpaquePointer
    private let input: OpaquePointer
    private let output: OpaquePointer

    init(_ settings: Settings) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(settings.role == .client ? TLS_client_method() : TLS_server_method()) else {
            throw ProbeError(Self.errorText("SSL_CTX_new failed"))
        }
        self.context = context
        SSL_CTX_set_security_level(context, 0)
        _ = ceacp_SSL_CTX_set_min_proto_version(context, settings.versions.lowerBound)
        _ = ceacp_SSL_CTX_set_max_proto_version(context, settings.versions.upperBound)
        guard SSL_CTX_set_cipher_list(context, settings.cipherList) == 1 else {
            SSL_CTX_free(context)
            throw ProbeError(Self.errorText("cipher list \"\(settings.cipherList)\" is not accepted"))
        }
        // The probe never verifies the peer: it tests what the peer refuses, not who the peer is.
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        if let chain = settings.certificateChainPEM, let key = settings.privateKeyPEM {
            do {
                try Self.useCertificate(chain: chain, key: key, context: context)
            } catch {
                SSL_CTX_free(context)
                throw error
            }
        }
        guard let connection = SSL_new(context), let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_CTX_free(context)
            throw ProbeError(Self.errorText("SSL_new failed"))
        }
        // An empty input buffer means "more bytes may come", not end of stream.
        _ = ceacp_BIO_set_mem_eof_return(input, -1)
        SSL_set_bio(connection, input, output)
        if settings.role == .client { SSL_set_connect_state(connection) } else { SSL_set_accept_state(connection) }
        self.connection = connection
        self.input = input
        self.output = output
    }

    deinit {
        SSL_free(connection)  // Frees both BIOs too.
        SSL_CTX_free(context)
    }

    /// The result of driving the handshake one step.
    enum Step: Equatable {
        case complete
        case needsInput
        case failed(String)
    }

    func handshake() -> Step {
        ERR_clear_error()
        let result = SSL_do_handshake(connection)
        if result == 1 { return .complete }
        let error = SSL_get_error(connection, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return .needsInput }
        return .failed(Self.errorText("handshake failed"))
    }

    /// Starts a renegotiation on a connected client and sends its ClientHello.
    func renegotiate() -> Step {
        ERR_clear_error()
        guard SSL_renegotiate(connection) == 1 else { return .failed(Self.errorText("SSL_renegotiate failed")) }
        return handshake()
    }

    /// Whether a renegotiation this side started is still waiting to finish.
    var renegotiationPending: Bool { SSL_renegotiate_pending(connection) == 1 }

    /// Reads decrypted application data. Returns nil when the peer closed or the connection failed.
    func readPlaintext() -> (bytes: [UInt8], error: String?) {
        ERR_clear_error()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let count = buffer.withUnsafeMutableBytes { SSL_read(connection, $0.baseAddress, Int32($0.count)) }
        if count > 0 { return (Array(buffer.prefix(Int(count))), nil) }
        let error = SSL_get_error(connection, count)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return ([], nil) }
        return ([], Self.errorText("read failed (SSL error \(error))"))
    }

    func writePlaintext(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { SSL_write(connection, $0.baseAddress, Int32($0.count)) }
    }

    func feed(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { BIO_write(input, $0.baseAddress, Int32($0.count)) }
    }

    /// The bytes OpenSSL wants sent to the peer.
    func takeOutput() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(output))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = bytes.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress, Int32(pending)) }
        return Array(bytes.prefix(Int(max(0, count))))
    }

    var negotiatedVersion: String { String(cString: SSL_get_version(connection)) }

    private static func useCertificate(chain: String, key: String, context: OpaquePointer) throws {
        let certificates = try readPEM(chain) { PEM_read_bio_X509($0, nil, nil, nil) }
        defer { certificates.forEach { X509_free($0) } }
        guard let first = certificates.first, SSL_CTX_use_certificate(context, first) == 1 else {
            throw ProbeError(errorText("the probe certificate is not accepted"))
        }
        for intermediate in certificates.dropFirst() {
            _ = ceacp_SSL_CTX_add1_chain_cert(context, intermediate)
        }
        let keys = try readPEM(key) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        defer { keys.forEach { EVP_PKEY_free($0) } }
        guard let privateKey = keys.first, SSL_CTX_use_PrivateKey(context, privateKey) == 1 else {
            throw ProbeError(errorText("the probe private key is not accepted"))
        }
    }

    /// Reads every PEM object `read` understands from `text`, in order.
    private static func readPEM(_ text: String, _ read: (OpaquePointer) -> OpaquePointer?) throws -> [OpaquePointer] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw ProbeError("BIO_new_mem_buf failed")
            }
            defer { BIO_free(bio) }
            var objects: [OpaquePointer] = []
            while let object = read(bio) { objects.append(object) }
            ERR_clear_error()  // The loop ends on a "no start line" error, which is expected.
            return objects
        }
    }

    /// OpenSSL's error queue as one line, after `prefix`.
    static func errorText(_ prefix: String) -> String {
        var parts: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? prefix : prefix + ": " + parts.joined(separator: "; ")
    }
}
