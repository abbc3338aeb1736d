import EACPTransport

/// One client connection of the WebSocket benchmark, from TCP connect through the TLS handshake and
/// the upgrade to an open, idle WebSocket that only replies to pings. An object with no I/O of its own:
/// `WebSocketHolder` reads and writes the socket and feeds it.
final class HeldWebSocket {
    enum Phase {
        /// Waiting for the non-blocking connect. Next: handshaking, or closed.
        case connecting
        /// TLS handshake in progress. Next: upgrading, or closed.
        case handshaking
        /// Upgrade request sent, waiting for 101. Next: open, or closed.
        case upgrading
        /// Held, replying to each ping with a pong. Next: closed.
        case open
        /// Terminal.
        case closed
    }

    let fd: Int32
    private(set) var phase = Phase.connecting
    private let tls: TLSSession
    private let key = WebSocketHandshake.makeKey()
    private let hostHeader: String
    private var response = HTTPResponseParser()
    private var frames = WebSocketFrameParser(role: .client, maxMessageBytes: 64 * 1024)
    /// Ciphertext the socket did not take yet.
    var unsent: [UInt8] = []

    init(fd: Int32, context: TLSContext, hostHeader: String) throws {
        self.fd = fd
        self.hostHeader = hostHeader
        tls = try TLSSession(context: context, serverName: "127.0.0.1")
        response.expectResponse(to: .get)
    }

    /// Starts the TLS handshake once TCP is connected.
    func connected() throws {
        phase = .handshaking
        _ = try tls.advance()
        unsent += tls.takeCiphertext()
    }

    /// Takes bytes read from the socket; returns true when this call completed the upgrade.
    func received(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
        tls.receiveCiphertext(bytes)
        defer { unsent += tls.takeCiphertext() }
        if phase == .handshaking {
            guard try tls.advance() == .handshakeComplete else { return false }
            phase = .upgrading
            let request = WebSocketHandshake.makeUpgradeRequest(path: BenchServer.pushPath, host: hostHeader, key: key)
            try request.encoded().withUnsafeBytes { try tls.writePlaintext($0) }
        }

        var plaintext: [UInt8] = []
        var upgraded = false
        while true {
            plaintext.removeAll(keepingCapacity: true)
            switch try tls.readPlaintext(into: &plaintext, maximumCount: 16 * 1024) {
            case .bytes: break
            case .needsMoreInput: return upgraded
            case .closedByPeer: throw BenchError("server sent close_notify")
            }
            if phase == .upgrading {
                response.append(plaintext)
                guard case .head(let head)? = try response.nextPart() else { continue }
                try WebSocketHandshake.validateUpgradeResponse(head, key: key)
                phase = .open
                upgraded = true
                frames.append(response.takeUnconsumedBytes())
            } else {
                frames.append(plaintext)
            }
            try answerFrames()
        }
    }

    private func answerFrames() throws {
        while let frame = try frames.nextFrame() {
            if frame.opcode == .ping {
                let pong = WebSocketFrame(opcode: .pong, payload: frame.payload)
                try pong.encode(maskingKey: WebSocketFrame.randomMaskingKey()).withUnsafeBytes { try tls.writePlaintext($0) }
            } else if frame.opcode == .close {
                throw BenchError("server closed the WebSocket")
            }
        }
    }

    func markClosed() { phase = .closed }
}
