import CEACPOpenSSL

/// The opening handshake of RFC 6455, section 4, for EACP's push channel: version 13, the `eacp.v1`
/// sub-protocol required, no extensions.
public enum WebSocketHandshake {
    /// The sub-protocol every EACP push channel negotiates.
    public static let subprotocol = "eacp.v1"

    /// The value both sides append to the key before hashing (RFC 6455, section 1.3).
    static let keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Returns Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64 of the SHA-1 of the key and the GUID.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(sha1(Array((key + keyGUID).utf8)))
    }

    /// Returns a Sec-WebSocket-Key: 16 random bytes in base64.
    public static func makeKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Builds the client's upgrade request for `path` on `host` (the Host field, port included when not default).
    public static func makeUpgradeRequest(path: String, host: String, key: String) -> HTTPRequestHead {
        HTTPRequestHead(
            method: .get, target: path,
            headers: [
                "Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
                "Sec-WebSocket-Version": "13", "Sec-WebSocket-Protocol": subprotocol,
            ])
    }

    /// Checks an upgrade request and returns the 101 response, or throws the HTTP error for the response.
    /// The error is 426 without the Upgrade and Connection tokens or with a version other than 13 (RFC
    /// 6455, section 4.4). It is 400 for a missing or malformed key, another method, or no `eacp.v1`
    /// sub-protocol.
    public static func acceptUpgrade(_ request: HTTPRequestHead) throws(HTTPError) -> HTTPResponseHead {
        guard request.headers.tokens(name: "Upgrade").contains("websocket"),
            request.headers.tokens(name: "Connection").contains("upgrade")
        else {
            var error = HTTPError(.upgradeRequired, "\(request.path) accepts only a WebSocket upgrade")
            error.responseHeaders = ["Upgrade": "websocket", "Connection": "Upgrade"]
            throw error
        }
        guard request.method == .get, request.version == .http1_1 else {
            throw HTTPError(.invalidStartLine, "WebSocket upgrade must be a GET request over HTTP/1.1")
        }
        guard request.headers.values(name: "Sec-WebSocket-Version") == ["13"] else {
            var error = HTTPError(.upgradeRequired, "Sec-WebSocket-Version must be 13")
            error.responseHeaders = ["Sec-WebSocket-Version": "13"]
            throw error
        }
        let keys = request.headers.values(name: "Sec-WebSocket-Key")
        guard keys.count == 1, let key = keys.first, Base64.decode(key)?.count == 16 else {
            throw HTTPError(.invalidHeader, "Sec-WebSocket-Key must be one base64 value of 16 bytes")
        }
        guard request.headers.tokens(name: "Sec-WebSocket-Protocol").contains(subprotocol) else {
            throw HTTPError(.invalidHeader, "Sec-WebSocket-Protocol must offer \(subprotocol)")
        }
        return HTTPResponseHead(
            status: .switchingProtocols,
            headers: [
                "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": acceptValue(forKey: key),
                "Sec-WebSocket-Protocol": subprotocol,
            ])
    }

    /// Checks the server's response to an upgrade request sent with `key` (RFC 6455, section 4.1).
    public static func validateUpgradeResponse(_ response: HTTPResponseHead, key: String) throws(WebSocketError) {
        guard response.status.code == 101 else {
            throw failed("server responded to the upgrade with \(response.status), not 101")
        }
        guard response.headers.tokens(name: "Upgrade").contains("websocket"),
            response.headers.tokens(name: "Connection").contains("upgrade")
        else {
            throw failed("101 response lacks 'Upgrade: websocket' or 'Connection: Upgrade'")
        }
        guard response.headers.values(name: "Sec-WebSocket-Accept") == [acceptValue(forKey: key)] else {
            throw failed("Sec-WebSocket-Accept does not match the key sent")
        }
        guard response.headers.values(name: "Sec-WebSocket-Protocol") == [subprotocol] else {
            throw failed("server did not select the \(subprotocol) sub-protocol")
        }
        guard !response.headers.contains(name: "Sec-WebSocket-Extensions") else {
            throw failed("server selected an extension that was not offered")
        }
    }

    private static func failed(_ message: String) -> WebSocketError {
        WebSocketError(.handshakeFailed, message)
    }

    /// SHA-1 from OpenSSL's libcrypto. SHA-1 is used here only because RFC 6455 fixes it for the accept
    /// value, which proves the server read the handshake. It protects nothing.
    static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let result = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha1(), nil)
        }
        precondition(result == 1 && length == 20, "EVP_Digest with SHA-1 failed, so libcrypto is unusable")
        return digest
    }
}
