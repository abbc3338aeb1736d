/// One WebSocket frame with its payload already unmasked.
public struct WebSocketFrame: Hashable, Sendable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// Makes a close frame with `code` and a UTF-8 `reason`, cut so the payload stays within the 125 bytes
    /// allowed for control frames.
    public static func close(code: WebSocketCloseCode, reason: String = "") -> WebSocketFrame {
        var payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        var reasonBytes = Array(reason.utf8.prefix(123))
        while String(validating: reasonBytes, as: UTF8.self) == nil { reasonBytes.removeLast() }
        payload += reasonBytes
        return WebSocketFrame(opcode: .close, payload: payload)
    }

    /// Encodes the frame. Clients pass a fresh random `maskingKey` for every frame (RFC 6455, section 5.3),
    /// servers pass nil, because server frames are never masked.
    public func encode(maskingKey: [UInt8]?) -> [UInt8] {
        precondition(maskingKey == nil || maskingKey?.count == 4, "a masking key is 4 bytes")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 14)
        bytes.append((fin ? 0x80 : 0) | opcode.rawValue)

        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        switch payload.count {
        case 0...125:
            bytes.append(maskBit | UInt8(payload.count))
        case 126...0xFFFF:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> ($0 * 8)) }
        }

        guard let maskingKey else { return bytes + payload }
        bytes += maskingKey
        for (index, byte) in payload.enumerated() {
            bytes.append(byte ^ maskingKey[index & 3])
        }
        return bytes
    }

    /// Four bytes from the system's secure random source, for masking one client frame.
    public static func randomMaskingKey() -> [UInt8] {
        let key = UInt32.random(in: .min ... .max)
        return [UInt8(key >> 24), UInt8((key >> 16) & 0xFF), UInt8((key >> 8) & 0xFF), UInt8(key & 0xFF)]
    }
}

/// The status code and reason of a received close frame.
public struct WebSocketClose: Hashable, Sendable {
    /// The code, or `noStatusReceived` when the frame had an empty payload.
    public var code: WebSocketCloseCode
    public var reason: String

    /// Parses a close frame payload: empty, or a 2-byte code that may be sent on the wire followed by UTF-8.
    static func parse(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketClose {
        if payload.isEmpty { return WebSocketClose(code: .noStatusReceived, reason: "") }
        guard payload.count >= 2 else {
            throw WebSocketError(.protocolViolation, "close frame payload is 1 byte; it must be empty or at least 2")
        }
        let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isAllowedOnWire else {
            throw WebSocketError(.protocolViolation, "close code \(code) may not be sent on the wire")
        }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else {
            throw WebSocketError(.invalidCloseReason, "close reason is not valid UTF-8")
        }
        return WebSocketClose(code: code, reason: reason)
    }
}
