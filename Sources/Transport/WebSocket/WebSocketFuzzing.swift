/// Parses `bytes` as WebSocket frames and runs them through the protocol state machine for a libFuzzer
/// harness, and traps when an invariant breaks.
///
/// The low bit of the first byte picks the role and the rest of it the piece size. The invariants: no
/// crash, control frames are final and at most 125 bytes, no message exceeds its limit, every frame
/// re-encodes to bytes that parse back to the same frame, and an error is final.
public func fuzzWebSocketFrameParser(_ bytes: [UInt8]) {
    let first = bytes.first ?? 0
    let role: WebSocketFrameParser.Role = first & 1 == 0 ? .server : .client
    let limit = 4096
    var parser = WebSocketFrameParser(role: role, maxMessageBytes: limit)
    var machine = WebSocketStateMachine()
    let pieceSize = max(1, Int(first >> 1))

    for start in stride(from: 0, to: bytes.count, by: pieceSize) {
        parser.append(Array(bytes[start..<min(start + pieceSize, bytes.count)]))
        do {
            while let frame = try parser.nextFrame() {
                check(frame, role: role, limit: limit)
                for case .deliver(let message) in machine.frameReceived(frame) {
                    precondition(message.count <= limit, "message exceeded its limit")
                }
            }
        } catch {
            _ = machine.failed(error)
            precondition((try? parser.nextFrame()) == nil, "parser continued after an error")
            return
        }
    }
}

private func check(_ frame: WebSocketFrame, role: WebSocketFrameParser.Role, limit: Int) {
    if frame.opcode.isControl {
        precondition(frame.fin && frame.payload.count <= 125, "invalid control frame passed the parser")
    }
    precondition(frame.payload.count <= limit, "frame exceeded the message limit")

    var reparser = WebSocketFrameParser(role: role, maxMessageBytes: limit)
    reparser.append(frame.encode(maskingKey: role == .server ? [1, 2, 3, 4] : nil))
    let fragmentOnly = frame.opcode == .continuation
    if !fragmentOnly {
        precondition((try? reparser.nextFrame()) == frame, "frame did not survive an encode and parse")
    }
}
