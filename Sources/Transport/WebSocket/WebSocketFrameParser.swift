/// An incremental parser of WebSocket frames (RFC 6455, section 5): a value with no I/O that takes bytes
/// and returns whole frames, so the fuzz target can drive it directly.
///
/// It checks each frame header before buffering the payload. Reserved bits, reserved opcodes, wrong
/// masking, fragmented or oversized control frames, non-minimal lengths, lengths with the top bit set,
/// text frames and out-of-order continuations are rejected, as is any data frame that would make the
/// current message exceed `maxMessageBytes`. A thrown error is final.
public struct WebSocketFrameParser {
    /// The side that parses. A server requires masked frames, and a client rejects them.
    public enum Role: Sendable { case server, client }

    public let role: Role
    /// The largest message, summed over its fragments, that the parser will buffer.
    public let maxMessageBytes: Int
    /// Whether a text frame is taken as a binary one, from `WebSocketConfiguration.treatsTextAsBinaryForTesting`.
    var treatsTextAsBinary = false

    private var buffer = HTTPByteBuffer()
    private var pendingHeader: FrameHeader?
    private var currentMessageBytes: Int?
    private var failure: WebSocketError?

    public init(role: Role, maxMessageBytes: Int) {
        self.role = role
        self.maxMessageBytes = maxMessageBytes
    }

    public var bufferedCount: Int { buffer.readableCount }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(bytes) }
    public mutating func append(_ bytes: [UInt8]) { buffer.append(bytes) }

    /// Returns the next complete frame, or nil when more bytes are needed.
    public mutating func nextFrame() throws(WebSocketError) -> WebSocketFrame? {
        if let failure { throw failure }
        do {
            if pendingHeader == nil {
                guard let header = try parseHeader() else { return nil }
                try checkMessageOrder(header)
                pendingHeader = header
            }
            return try readPayload()
        } catch {
            failure = error
            throw error
        }
    }

    private struct FrameHeader {
        var fin: Bool
        var opcode: WebSocketOpcode
        var maskingKey: [UInt8]?
        var length: Int
    }

    private mutating func parseHeader() throws(WebSocketError) -> FrameHeader? {
        guard buffer.readableCount >= 2 else { return nil }
        let first = buffer[0]
        let second = buffer[1]
        var opcode = WebSocketOpcode(rawValue: first & 0x0F)
        if opcode == .text && treatsTextAsBinary { opcode = .binary }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        let shortLength = Int(second & 0x7F)

        guard first & 0x70 == 0 else { throw violation("reserved bits are set but no extension was negotiated") }
        guard opcode.isDefined else { throw violation("\(opcode) is not defined") }
        if opcode.isControl {
            guard fin else { throw violation("\(opcode) frame is fragmented") }
            guard shortLength <= 125 else { throw violation("\(opcode) frame payload is longer than 125 bytes") }
        }
        switch role {
        case .server: guard masked else { throw violation("client frame is not masked") }
        case .client: guard !masked else { throw violation("server frame is masked") }
        }

        var lengthBytes = 0
        if shortLength == 126 { lengthBytes = 2 }
        if shortLength == 127 { lengthBytes = 8 }
        let headerCount = 2 + lengthBytes + (masked ? 4 : 0)
        guard buffer.readableCount >= 2 + lengthBytes else { return nil }
        let length = try extendedLength(shortLength, byteCount: lengthBytes)
        try checkSize(opcode: opcode, length: length)
        guard buffer.readableCount >= headerCount else { return nil }

        let maskingKey = masked ? Array(buffer.slice(2 + lengthBytes, headerCount)) : nil
        buffer.consume(headerCount)
        return FrameHeader(fin: fin, opcode: opcode, maskingKey: maskingKey, length: length)
    }

    /// Reads a 16- or 64-bit length, which must use the fewest bytes possible (RFC 6455, section 5.2).
    private func extendedLength(_ shortLength: Int, byteCount: Int) throws(WebSocketError) -> Int {
        guard byteCount > 0 else { return shortLength }
        var length: UInt64 = 0
        for index in 0..<byteCount { length = length << 8 | UInt64(buffer[2 + index]) }
        if byteCount == 8 && length >> 63 != 0 {
            throw violation("64-bit payload length has its most significant bit set")
        }
        let minimum: UInt64 = byteCount == 2 ? 126 : 0x1_0000
        guard length >= minimum else { throw violation("payload length \(length) is not minimally encoded") }
        return length > UInt64(Int.max) ? Int.max : Int(length)
    }

    private func checkSize(opcode: WebSocketOpcode, length: Int) throws(WebSocketError) {
        if opcode == .text {
            throw WebSocketError(.textNotSupported, "text frames are not supported; EACP sends binary messages")
        }
        guard !opcode.isControl else { return }
        let soFar = currentMessageBytes ?? 0
        guard length <= maxMessageBytes - soFar else {
            throw WebSocketError(
                .messageTooLarge,
                "message would reach \(soFar) + \(length) bytes, over the limit of \(maxMessageBytes)")
        }
    }

    /// Enforces fragment order: a continuation needs an open message, and a new message needs none open.
    private mutating func checkMessageOrder(_ header: FrameHeader) throws(WebSocketError) {
        guard !header.opcode.isControl else { return }
        if header.opcode == .continuation {
            guard let soFar = currentMessageBytes else { throw violation("continuation frame without a message") }
            currentMessageBytes = soFar + header.length
        } else {
            guard currentMessageBytes == nil else { throw violation("new message before the last one finished") }
            currentMessageBytes = header.length
        }
        if header.fin { currentMessageBytes = nil }
    }

    private mutating func readPayload() throws(WebSocketError) -> WebSocketFrame? {
        guard let header = pendingHeader, buffer.readableCount >= header.length else { return nil }
        var payload = buffer.read(header.length)
        if let key = header.maskingKey {
            for index in payload.indices { payload[index] ^= key[index & 3] }
        }
        pendingHeader = nil
        if header.opcode == .close { _ = try WebSocketClose.parse(payload) }
        return WebSocketFrame(fin: header.fin, opcode: header.opcode, payload: payload)
    }

    private func violation(_ message: String) -> WebSocketError {
        WebSocketError(.protocolViolation, message)
    }
}
