import CEACPOpenSSL

/// Shared settings for many TLSSessions of one role (an OpenSSL SSL_CTX): TLS 1.2 only, ECDHE with
/// AEAD cipher suites only, no compression, no renegotiation, no session resumption, and peers
/// verified against the pinned CA alone.
///
/// A context is not changed after init, so sessions on any thread may share it.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is only read after init, which OpenSSL allows from many threads.

    /// The only cipher suites offered or accepted, in the server's order of preference (OpenSSL names).
    public static let cipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ]

    /// Key-exchange groups, in order of preference.
    public static let groups = "X25519:P-256:P-384"

    public let configuration: TLSConfiguration
    let pointer: OpaquePointer
    /// The ALPN protocols a server selects from, kept alive for the selection callback.
    private let alpnPreference: ALPNPreference

    public init(configuration: TLSConfiguration) throws {
        try Self.validate(configuration)
        self.configuration = configuration
        self.alpnPreference = ALPNPreference(protocols: configuration.alpnProtocols)

        OpenSSLErrorQueue.clear()
        let method = configuration.role == .client ? TLS_client_method() : TLS_server_method()
        guard let pointer = SSL_CTX_new(method) else {
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("SSL_CTX_new failed"))
        }
        self.pointer = pointer

        try applyProtocolSettings()
        try loadOwnCertificate()
        try loadTrustedCAs()
        applyVerification()
        try applyALPN()
        SSL_CTX_set_info_callback(pointer, tlsSessionInfoCallback)
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    private static func validate(_ configuration: TLSConfiguration) throws {
        func invalid(_ message: String) -> TLSError { TLSError(code: .invalidConfiguration, message: message) }

        if (configuration.certificateChainPEM == nil) != (configuration.privateKeyPEM == nil) {
            throw invalid("certificateChainPEM and privateKeyPEM must be set together")
        }
        if configuration.alpnProtocols.contains(where: { $0.utf8.isEmpty || $0.utf8.count > 255 }) {
            throw invalid("every ALPN protocol name must be 1 to 255 bytes long")
        }
        switch configuration.role {
        case .client:
            if configuration.trustedCAPEM == nil {
                throw invalid("a client needs trustedCAPEM, because the system CA store is never used")
            }
            if configuration.clientCertificatePolicy != .none {
                throw invalid("clientCertificatePolicy applies to servers only")
            }
        case .server:
            if configuration.certificateChainPEM == nil {
                throw invalid("a server needs certificateChainPEM and privateKeyPEM")
            }
            if configuration.clientCertificatePolicy != .none && configuration.trustedCAPEM == nil {
                throw invalid("a server that asks for client certificates needs trustedCAPEM to verify them")
            }
            if configuration.expectedHostName != nil {
                throw invalid("expectedHostName applies to clients only")
            }
        }
    }

    /// Pins the version to TLS 1.2, unless `maximumProtocolVersionForTesting` raises the maximum, and sets
    /// cipher suites, groups, options and modes.
    private func applyProtocolSettings() throws {
        let maximum = configuration.maximumProtocolVersionForTesting == .tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION
        let minimum = configuration.acceptsTLS10And11ForTesting ? TLS1_VERSION : TLS1_2_VERSION
        try check(ceacp_SSL_CTX_set_min_proto_version(pointer, minimum), "setting the minimum version")
        try check(ceacp_SSL_CTX_set_max_proto_version(pointer, maximum), "setting the maximum version")
        let cipherList = configuration.cipherListForTesting ?? Self.cipherSuites.joined(separator: ":")
        try check(SSL_CTX_set_cipher_list(pointer, cipherList), "SSL_CTX_set_cipher_list")
        try check(ceacp_SSL_CTX_set1_groups_list(pointer, Self.groups), "SSL_CTX_set1_groups_list")

        // Session tickets and the session cache stay off: every connection runs a full handshake, so
        // the peer identity always comes from a certificate verified on this connection.
        var options = CEACP_SSL_OP_NO_COMPRESSION | CEACP_SSL_OP_NO_TICKET
        options |= configuration.allowsRenegotiationForTesting
            ? CEACP_SSL_OP_ALLOW_CLIENT_RENEGOTIATION : CEACP_SSL_OP_NO_RENEGOTIATION
        if configuration.role == .server { options |= CEACP_SSL_OP_CIPHER_SERVER_PREFERENCE }
        SSL_CTX_set_options(pointer, options)
        _ = ceacp_SSL_CTX_set_session_cache_mode(pointer, Int(SSL_SESS_CACHE_OFF))

        // Idle sessions then keep no record buffers allocated, which matters to a server that keeps up to
        // 100,000 sessions open.
        _ = ceacp_SSL_CTX_set_mode(pointer, Int(SSL_MODE_RELEASE_BUFFERS))
    }

    private func loadOwnCertificate() throws {
        guard let chainPEM = configuration.certificateChainPEM, let keyPEM = configuration.privateKeyPEM else { return }
        let chain = try pemValue("certificateChainPEM") { try Certificate.chain(pem: chainPEM) }
        let key = try pemValue("privateKeyPEM") { try PrivateKey(pem: keyPEM) }

        // The context takes its own references (SSL_CTX_use_* and add1 up-reference their argument), but
        // only once the call runs: `chain` and `key` must stay alive until then.
        try withExtendedLifetime((chain, key)) {
            try check(SSL_CTX_use_certificate(pointer, chain[0].pointer), "SSL_CTX_use_certificate")
            for intermediate in chain.dropFirst() {
                try check(ceacp_SSL_CTX_add1_chain_cert(pointer, intermediate.pointer), "SSL_CTX_add1_chain_cert")
            }
            try check(SSL_CTX_use_PrivateKey(pointer, key.pointer), "SSL_CTX_use_PrivateKey")
        }
        try check(SSL_CTX_check_private_key(pointer), "the private key does not match the certificate")
    }

    /// Puts the pinned CAs, and nothing else, in the context's trust store. Servers also name them in
    /// the CertificateRequest, so clients pick a matching certificate.
    private func loadTrustedCAs() throws {
        guard let trustedPEM = configuration.trustedCAPEM else { return }
        let authorities = try pemValue("trustedCAPEM") { try Certificate.chain(pem: trustedPEM) }
        guard let store = SSL_CTX_get_cert_store(pointer) else {
            throw TLSError(code: .invalidConfiguration, message: "the context has no certificate store")
        }
        // X509_STORE_add_cert up-references the certificate and SSL_CTX_add_client_CA copies its subject, so
        // `authorities` only has to outlive the loop.
        try withExtendedLifetime(authorities) {
            for authority in authorities {
                try check(X509_STORE_add_cert(store, authority.pointer), "X509_STORE_add_cert")
                if configuration.role == .server {
                    try check(SSL_CTX_add_client_CA(pointer, authority.pointer), "SSL_CTX_add_client_CA")
                }
            }
        }
    }

    private func applyVerification() {
        let mode: Int32
        switch (configuration.role, configuration.clientCertificatePolicy) {
        case (.client, _): mode = configuration.skipsPeerVerificationForTesting ? SSL_VERIFY_NONE : SSL_VERIFY_PEER
        case (.server, .none): mode = SSL_VERIFY_NONE
        case (.server, .optional): mode = SSL_VERIFY_PEER
        case (.server, .required): mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        }
        SSL_CTX_set_verify(pointer, mode, nil)
        SSL_CTX_set_verify_depth(pointer, 4)
    }

    private func applyALPN() throws {
        guard !configuration.alpnProtocols.isEmpty else { return }
        switch configuration.role {
        case .client:
            let wire = alpnPreference.wireFormat
            // SSL_CTX_set_alpn_protos returns 0 on success, unlike most OpenSSL calls.
            guard SSL_CTX_set_alpn_protos(pointer, wire, UInt32(wire.count)) == 0 else {
                throw TLSError(
                    code: .invalidConfiguration, message: OpenSSLErrorQueue.message("SSL_CTX_set_alpn_protos"))
            }
        case .server:
            let argument = Unmanaged.passUnretained(alpnPreference).toOpaque()
            SSL_CTX_set_alpn_select_cb(pointer, alpnSelectCallback, argument)
        }
    }

    private func check(_ result: Int32, _ operation: String) throws {
        guard result == 1 else {
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("\(operation) failed"))
        }
    }

    private func pemValue<T>(_ field: String, _ parse: () throws -> T) throws -> T {
        do {
            return try parse()
        } catch let error as CertificateError {
            throw TLSError(code: .invalidPEM, message: "\(field): \(error.message)")
        }
    }
}

/// A server's ALPN protocols in order of preference, and the selection against a client's list.
final class ALPNPreference {
    let protocols: [[UInt8]]

    init(protocols: [String]) {
        self.protocols = protocols.map { Array($0.utf8) }
    }

    /// The list in ALPN wire format: each name preceded by its length byte.
    var wireFormat: [UInt8] {
        protocols.flatMap { [UInt8($0.count)] + $0 }
    }

    /// Returns the offset and length of the first server protocol that the client also offers, within the
    /// client's wire-format list, or nil when they share none or the list is malformed.
    func select(fromClientList client: UnsafeBufferPointer<UInt8>) -> (offset: Int, length: Int)? {
        var offered: [(offset: Int, name: ArraySlice<UInt8>)] = []
        var index = 0
        while index < client.count {
            let length = Int(client[index])
            let start = index + 1
            guard length > 0, start + length <= client.count else { return nil }
            offered.append((start, Array(client[start..<start + length])[...]))
            index = start + length
        }
        for name in protocols {
            if let match = offered.first(where: { $0.name.elementsEqual(name) }) {
                return (match.offset, name.count)
            }
        }
        return nil
    }
}

/// Picks the server's most preferred protocol among the client's. A client that offers ALPN but none of
/// the server's protocols gets the no_application_protocol alert, as RFC 7301 section 3.2 requires.
private let alpnSelectCallback:
    @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
    ) -> Int32 = { _, out, outLength, input, inputLength, argument in
        guard let out, let outLength, let input, let argument else { return SSL_TLSEXT_ERR_ALERT_FATAL }
        let preference = Unmanaged<ALPNPreference>.fromOpaque(argument).takeUnretainedValue()
        let client = UnsafeBufferPointer(start: input, count: Int(inputLength))
        guard let match = preference.select(fromClientList: client) else { return SSL_TLSEXT_ERR_ALERT_FATAL }
        // The selected name points into the client's list, which OpenSSL keeps until the handshake ends.
        out.pointee = input + match.offset
        outLength.pointee = UInt8(match.length)
        return SSL_TLSEXT_ERR_OK
    }
