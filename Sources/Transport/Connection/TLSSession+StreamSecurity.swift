/// Runs connections over TLS: `HTTPServer`, `HTTPClient` and `WebSocketClient` take a `TLSSession`
/// wherever they take a `StreamSecurity`.
extension TLSSession: StreamSecurity {
    public func receiveInbound(_ bytes: UnsafeRawBufferPointer) { receiveCiphertext(bytes) }

    public func advanceHandshake() throws -> Bool { try advance() == .handshakeComplete }

    public func readApplicationData(into buffer: inout [UInt8], maximumCount: Int) throws -> StreamReadResult {
        switch try readPlaintext(into: &buffer, maximumCount: maximumCount) {
        case .bytes(let count): return .bytes(count)
        case .needsMoreInput: return .needsMoreInput
        case .closedByPeer: return .closedByPeer
        }
    }

    public func writeApplicationData(_ bytes: UnsafeRawBufferPointer) throws { try writePlaintext(bytes) }

    public func takeOutbound() -> [UInt8] { takeCiphertext() }

    public func closeOutbound() { close() }

    public var peerCertificate: PeerCertificate? {
        peer.map { PeerCertificate(commonName: $0.commonName, subject: $0.subject, sha256Fingerprint: $0.sha256Fingerprint) }
    }
}

extension ClientConnector {
    /// Returns a connector that runs TLS with `context` (a client context) to `host`:`port`, through `proxy` when
    /// given. The session verifies the server certificate against `host` unless the context sets another name.
    public static func tls(
        host: String, port: UInt16, context: TLSContext, proxy: HTTPProxyConfiguration? = nil,
        connection: ConnectionConfiguration = ConnectionConfiguration()
    ) -> ClientConnector {
        let serverName = context.configuration.expectedHostName ?? host
        return ClientConnector(host: host, port: port, proxy: proxy, connection: connection) {
            try TLSSession(context: context, serverName: serverName)
        }
    }
}
