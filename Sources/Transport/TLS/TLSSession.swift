import CEACPOpenSSL

/// Progress of a handshake after `TLSSession.advance()`.
public enum TLSProgress: Hashable, Sendable {
    /// The handshake needs bytes from the peer. Send `takeCiphertext()` first: it may hold this side's flight.
    case needsMoreInput
    case handshakeComplete
}

/// The outcome of `TLSSession.readPlaintext(into:maximumCount:)`.
public enum TLSReadResult: Hashable, Sendable {
    /// This many bytes were appended to the buffer.
    case bytes(Int)
    /// No whole record is buffered yet; feed more ciphertext.
    case needsMoreInput
    /// The peer sent close_notify; no more application data will come.
    case closedByPeer
}

/// The verified certificate the peer presented.
public struct TLSPeerIdentity: Hashable, Sendable {
    /// The subject's first common name (for an agent, its agent id), or nil when the subject has none.
    public let commonName: String?
    /// The subject distinguished name in RFC 2253 form.
    public let subject: String
    /// The SHA-256 digest of the DER certificate, as 64 lowercase hex digits.
    public let sha256Fingerprint: String
    public let subjectAlternativeNames: SubjectAlternativeNames

    public init(
        commonName: String?, subject: String, sha256Fingerprint: String,
        subjectAlternativeNames: SubjectAlternativeNames
    ) {
        self.commonName = commonName
        self.subject = subject
        self.sha256Fingerprint = sha256Fingerprint
        self.subjectAlternativeNames = subjectAlternativeNames
    }
}

/// One TLS connection as a byte-in, byte-out engine over memory BIOs (an OpenSSL SSL). It does no I/O:
/// the caller feeds socket bytes to `receiveCiphertext`, and writes whatever `takeCiphertext` returns.
///
/// Call `takeCiphertext()` after every other call, including one that threw: a failed handshake leaves
/// its alert there for the peer. A session is used from one thread at a time; it may move between threads.
public final class TLSSession: @unchecked Sendable {
    // @unchecked: the SSL is touched only by the one thread using the session at a time (see above).

    private enum State {
        case handshaking
        case established
        case closed
        case failed(TLSError)
    }

    public let context: TLSContext
    private let ssl: OpaquePointer
    private var state: State = .handshaking

    /// The peer's verified certificate, once the handshake completes; nil when a server allowed a client
    /// without one.
    public private(set) var peer: TLSPeerIdentity?
    /// "TLSv1.2" once the handshake completes.
    public private(set) var negotiatedVersion: String?
    /// The cipher suite's OpenSSL name ("ECDHE-ECDSA-AES128-GCM-SHA256") once the handshake completes.
    public private(set) var negotiatedCipher: String?
    /// The protocol ALPN selected ("http/1.1"), or nil when the peers agreed on none.
    public private(set) var negotiatedALPN: String?
    /// The most recent alert sent or received, recorded by the context's info callback.
    var lastAlert: TLSAlert?

    /// Creates a session for `context`. A client verifies the server certificate against `serverName`,
    /// or `configuration.expectedHostName` when that is nil, and sends it as SNI unless it is an IP address.
    public init(context: TLSContext, serverName: String? = nil) throws {
        self.context = context
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("SSL_new failed"))
        }
        self.ssl = ssl
        // The info callback finds this object through the SSL's first ex_data slot (SSL_set_app_data).
        guard SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque()) == 1 else {
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("SSL_set_ex_data failed"))
        }

        try attachMemoryBIOs()
        switch context.configuration.role {
        case .client:
            try configureClient(hostName: serverName ?? context.configuration.expectedHostName)
        case .server:
            guard serverName == nil else {
                throw TLSError(code: .invalidConfiguration, message: "serverName applies to client sessions only")
            }
            SSL_set_accept_state(ssl)
        }
    }

    deinit {
        // The info callback must not reach this object while it is being freed.
        SSL_set_ex_data(ssl, 0, nil)
        SSL_free(ssl)
    }

    /// Buffers bytes read from the socket for the next `advance` or `readPlaintext`.
    public func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = Int32(clamping: bytes.count - offset)
            let written = BIO_write(SSL_get_rbio(ssl), base + offset, chunk)
            // A memory BIO grows to take any write, so BIO_write fails only when memory runs out, which nothing
            // here can recover from.
            precondition(written == chunk, "BIO_write to a memory BIO failed")
            offset += Int(written)
        }
    }

    /// Drives the handshake as far as the buffered bytes allow. Throws when it fails, for example when
    /// the peer offers a version other than TLS 1.2 or its certificate does not verify.
    public func advance() throws -> TLSProgress {
        switch state {
        case .established, .closed: return .handshakeComplete
        case .failed(let error): throw error
        case .handshaking: break
        }

        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            recordHandshakeResults()
            state = .established
            return .handshakeComplete
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ { return .needsMoreInput }
        throw fail(classifyFailure(sslError: error, during: "handshake"))
    }

    /// Appends up to `maximumCount` decrypted bytes to `buffer`. Finishes the handshake first when needed.
    public func readPlaintext(into buffer: inout [UInt8], maximumCount: Int) throws -> TLSReadResult {
        precondition(maximumCount > 0, "maximumCount must be positive")
        if case .failed(let error) = state { throw error }
        if try advance() == .needsMoreInput { return .needsMoreInput }

        OpenSSLErrorQueue.clear()
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: maximumCount))
        var count = 0
        let result = buffer.withUnsafeMutableBytes { bytes in
            SSL_read_ex(ssl, bytes.baseAddress! + start, maximumCount, &count)
        }
        buffer.removeLast(maximumCount - (result == 1 ? count : 0))
        defer { releaseIdleBuffers() }

        if result == 1 { return .bytes(count) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .needsMoreInput
        case SSL_ERROR_ZERO_RETURN: return .closedByPeer
        case let error: throw fail(classifyFailure(sslError: error, during: "read"))
        }
    }

    /// Encrypts `bytes` into TLS records; collect them with `takeCiphertext()`.
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws {
        switch state {
        case .established: break
        case .handshaking:
            throw TLSError(code: .invalidState, message: "writePlaintext called before the handshake completed")
        case .closed:
            throw TLSError(code: .invalidState, message: "writePlaintext called after close()")
        case .failed(let error): throw error
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }

        OpenSSLErrorQueue.clear()
        var written = 0
        let result = SSL_write_ex(ssl, base, bytes.count, &written)
        guard result == 1, written == bytes.count else {
            throw fail(classifyFailure(sslError: SSL_get_error(ssl, result), during: "write"))
        }
    }

    /// Returns the bytes waiting to be written to the socket, or an empty array when there are none.
    public func takeCiphertext() -> [UInt8] {
        let output = SSL_get_wbio(ssl)
        let pending = Int(BIO_ctrl_pending(output))
        guard pending > 0 else { return [] }
        let bytes = [UInt8](unsafeUninitializedCapacity: pending) { buffer, count in
            let read = BIO_read(output, buffer.baseAddress, Int32(clamping: pending))
            count = max(0, Int(read))
        }
        releaseIdleBuffers()
        return bytes
    }

    /// Queues close_notify for the peer. Later writes throw; reads still return what the peer sends. Closing
    /// before the handshake completed sends nothing, and later calls throw `invalidState`.
    public func close() {
        guard case .established = state else {
            if case .handshaking = state {
                state = .failed(
                    TLSError(code: .invalidState, message: "the session was closed before its handshake completed"))
            }
            return
        }
        OpenSSLErrorQueue.clear()
        // 0 means close_notify was queued and the peer's has not arrived yet, which is expected here.
        let result = SSL_shutdown(ssl)
        if result < 0 { OpenSSLErrorQueue.clear() }
        state = .closed
    }

    // MARK: - Setup

    /// Gives the SSL a read and a write memory BIO. An empty read BIO reports "retry", not end of file,
    /// so OpenSSL reports SSL_ERROR_WANT_READ instead of failing.
    private func attachMemoryBIOs() throws {
        guard let input = BIO_new(BIO_s_mem()) else {
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("BIO_new failed"))
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            throw TLSError(code: .invalidConfiguration, message: OpenSSLErrorQueue.message("BIO_new failed"))
        }
        _ = ceacp_BIO_set_mem_eof_return(input, -1)
        SSL_set_bio(ssl, input, output)
    }

    private func configureClient(hostName: String?) throws {
        guard let hostName, !hostName.isEmpty else {
            throw TLSError(
                code: .invalidConfiguration,
                message: "a client session needs serverName or expectedHostName to verify the server certificate")
        }
        func check(_ result: Int32, _ operation: String) throws {
            guard result == 1 else {
                throw TLSError(
                    code: .invalidConfiguration,
                    message: OpenSSLErrorQueue.message("\(operation) failed for \(hostName)"))
            }
        }

        let configuration = context.configuration
        let isIPAddress = IPAddressText.parse(hostName) != nil
        if !configuration.skipsHostNameCheckForTesting {
            if isIPAddress {
                try check(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), hostName), "X509_VERIFY_PARAM_set1_ip_asc")
            } else {
                SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                try check(SSL_set1_host(ssl, hostName), "SSL_set1_host")
            }
        }
        // RFC 6066 forbids IP addresses in SNI, so an address is only checked against the certificate.
        if !isIPAddress || configuration.sendsServerNameForIPAddressForTesting {
            try check(ceacp_SSL_set_tlsext_host_name(ssl, hostName), "SSL_set_tlsext_host_name")
        }
        SSL_set_connect_state(ssl)
    }

    // MARK: - Results and failures

    private func recordHandshakeResults() {
        negotiatedVersion = String(cString: SSL_get_version(ssl))
        if let cipher = SSL_get_current_cipher(ssl) {
            negotiatedCipher = String(cString: SSL_CIPHER_get_name(cipher))
        }
        var alpn: UnsafePointer<UInt8>? = nil
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpn, &alpnLength)
        if let alpn, alpnLength > 0 {
            negotiatedALPN = String(decoding: UnsafeBufferPointer(start: alpn, count: Int(alpnLength)), as: UTF8.self)
        }
        // OpenSSL already failed the handshake when a certificate that was sent did not verify.
        if let certificate = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK {
            let peerCertificate = Certificate(retaining: certificate)
            peer = TLSPeerIdentity(
                commonName: peerCertificate.commonName, subject: peerCertificate.subject,
                sha256Fingerprint: peerCertificate.sha256Fingerprint,
                subjectAlternativeNames: peerCertificate.subjectAlternativeNames)
        }
    }

    private func fail(_ error: TLSError) -> TLSError {
        state = .failed(error)
        return error
    }

    /// Builds the TLSError for a failed SSL call from the error queue, the verification result and the
    /// last alert, and empties the queue.
    private func classifyFailure(sslError: Int32, during operation: String) -> TLSError {
        let entries = OpenSSLErrorQueue.drainEntries()
        let texts = entries.map(\.text)
        let reasons = Set(entries.map(\.reason))
        var message = "TLS \(operation) failed (SSL_get_error \(sslError))"
        if !texts.isEmpty { message += ": " + texts.joined(separator: "; ") }

        let verifyResult = SSL_get_verify_result(ssl)
        let certificateFailed =
            reasons.contains(SSL_R_CERTIFICATE_VERIFY_FAILED)
            || reasons.contains(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
        if certificateFailed && verifyResult != X509_V_OK {
            message += " (certificate verification: \(String(cString: X509_verify_cert_error_string(verifyResult))))"
        }

        let code: TLSError.Code
        if lastAlert?.alertDescription == .protocolVersion || reasons.contains(SSL_R_UNSUPPORTED_PROTOCOL)
            || reasons.contains(SSL_R_WRONG_SSL_VERSION)
        {
            code = .unsupportedProtocolVersion
        } else if certificateFailed {
            code = .peerCertificateRejected
        } else if case .handshaking = state {
            code = .handshakeFailed
        } else {
            code = .connectionFailed
        }
        return TLSError(code: code, message: message, alert: lastAlert)
    }

    /// Frees the memory BIOs' buffers once they are empty, as SSL_MODE_RELEASE_BUFFERS does for OpenSSL's
    /// record buffers: a memory BIO's buffer only grows, and an idle session should hold none.
    private func releaseIdleBuffers() {
        // During the handshake the buffers are small and soon reused, so they stay.
        if case .handshaking = state { return }
        replaceIfDrained(SSL_get_rbio(ssl)) { SSL_set0_rbio(ssl, $0) }
        replaceIfDrained(SSL_get_wbio(ssl)) { SSL_set0_wbio(ssl, $0) }
    }

    /// The bytes allocated behind the read and the write memory BIO together.
    var bufferedCapacity: Int {
        ceacp_BIO_mem_capacity(SSL_get_rbio(ssl)) + ceacp_BIO_mem_capacity(SSL_get_wbio(ssl))
    }

    private func replaceIfDrained(_ bio: OpaquePointer?, install: (OpaquePointer) -> Void) {
        guard let bio, BIO_ctrl_pending(bio) == 0, ceacp_BIO_mem_capacity(bio) > 0 else { return }
        guard let fresh = BIO_new(BIO_s_mem()) else { return }
        _ = ceacp_BIO_set_mem_eof_return(fresh, -1)
        install(fresh)
    }

    /// Records each alert as it is read or written; called by the context's info callback.
    fileprivate func noteAlert(_ value: Int32, isWrite: Bool) {
        let alert = TLSAlert(
            alertDescription: TLSAlertDescription(rawValue: UInt8(truncatingIfNeeded: value)),
            isFatal: (value >> 8) == 2, direction: isWrite ? .sent : .received)
        lastAlert = alert
    }
}

/// The info callback every TLSContext installs. For alerts, `value` contains the level in its high byte
/// and the AlertDescription in its low byte.
let tlsSessionInfoCallback: @convention(c) (OpaquePointer?, Int32, Int32) -> Void = { ssl, location, value in
    guard location & SSL_CB_ALERT != 0, let ssl, let owner = SSL_get_ex_data(ssl, 0) else { return }
    let session = Unmanaged<TLSSession>.fromOpaque(owner).takeUnretainedValue()
    session.noteAlert(value, isWrite: location & SSL_CB_WRITE != 0)
}
