import CEACPOpenSSL

extension ServerProbe {
    /// How a server handled a renegotiation the client started after a complete handshake.
    public enum RenegotiationAnswer: Hashable, Sendable, CustomStringConvertible {
        /// The server sent a no_renegotiation alert (seen by the local OpenSSL after decryption).
        case noRenegotiationAlert
        /// The server sent another alert record or refused in a way OpenSSL reports as this text.
        case otherRefusal(String)
        /// The server closed the connection.
        case closed
        /// The second handshake completed: the server renegotiated.
        case renegotiated
        /// Nothing came before the timeout.
        case silence

        public var description: String {
            switch self {
            case .noRenegotiationAlert: "no_renegotiation alert"
            case .otherRefusal(let text): "refused: \(text)"
            case .closed: "connection closed"
            case .renegotiated: "the second handshake completed"
            case .silence: "no answer"
            }
        }
    }

    /// Completes a TLS 1.2 handshake, then starts a renegotiation and reads the server's answer.
    func renegotiate(transcript: Transcript) throws -> RenegotiationAnswer {
        let engine = try OpenSSLEngine(.init(
            role: .client, versions: TLS1_2_VERSION...TLS1_2_VERSION, cipherList: Self.eacpCipherList))
        let socket = try ProbeSocket.connect(host: host, port: port)
        defer { socket.close() }
        if let failure = try Self.pumpHandshake(engine, socket, timeout: answerTimeout) {
            throw ProbeError("the first handshake failed: \(failure)")
        }
        transcript.record("runner->server", "TLS 1.2 handshake complete (\(engine.negotiatedVersion))")

        if case .failed(let reason) = engine.renegotiate() {
            throw ProbeError("the local OpenSSL did not start a renegotiation: \(reason)")
        }
        try socket.send(engine.takeOutput())
        transcript.record("runner->server", "renegotiation ClientHello (encrypted handshake record)")

        let deadline = ContinuousClock.now + answerTimeout
        while ContinuousClock.now < deadline {
            guard let bytes = try socket.receive(timeout: deadline - ContinuousClock.now) else {
                transcript.record("server->runner", "connection closed")
                return .closed
            }
            if bytes.isEmpty { break }
            let types = TLSRecord.parse(bytes).records.map(\.contentType)
            transcript.record("server->runner", "records of content types \(types.map(String.init).joined(separator: ", "))")
            engine.feed(bytes)
            let read = engine.readPlaintext()
            try socket.send(engine.takeOutput())
            if let error = read.error {
                return error.contains("no renegotiation") ? .noRenegotiationAlert : .otherRefusal(error)
            }
            if !engine.renegotiationPending { return .renegotiated }
        }
        return .silence
    }
}
