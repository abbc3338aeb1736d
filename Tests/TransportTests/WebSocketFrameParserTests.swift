import Testing

@testable import EACPTransport

private let maskingKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
private let hello = Array("Hello".utf8)

/// Feeds `bytes` to a fresh parser and returns the frames it produces.
private func frames(_ bytes: [UInt8], role: WebSocketFrameParser.Role = .server, maxMessageBytes: Int = 1 << 20)
    throws(WebSocketError) -> [WebSocketFrame]
{
    var parser = WebSocketFrameParser(role: role, maxMessageBytes: maxMessageBytes)
    parser.append(bytes)
    var result: [WebSocketFrame] = []
    while let frame = try parser.nextFrame() { result.append(frame) }
    return result
}

/// Returns the error a fresh parser throws for `bytes`, or nil when they parse.
private func error(_ bytes: [UInt8], role: WebSocketFrameParser.Role = .server, maxMessageBytes: Int = 1 << 20)
    -> WebSocketError?
{
    do {
        _ = try frames(bytes, role: role, maxMessageBytes: maxMessageBytes)
        return nil
    } catch {
        return error
    }
}

private func masked(_ frame: WebSocketFrame) -> [UInt8] { frame.encode(maskingKey: maskingKey) }

@Suite struct WebSocketFrameEncodingTests {
    @Test func encodesUnmaskedPingAsInRFC6455() {
        #expect(WebSocketFrame(opcode: .ping, payload: hello).encode(maskingKey: nil) == [0x89, 0x05] + hello)
    }

    @Test func encodesMaskedPongAsInRFC6455() {
        let bytes = WebSocketFrame(opcode: .pong, payload: hello).encode(maskingKey: maskingKey)
        #expect(bytes == [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func encodesSixteenBitLength() {
        let bytes = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 256)).encode(maskingKey: nil)
        #expect(Array(bytes.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(bytes.count == 260)
    }

    @Test func encodesSixtyFourBitLength() {
        let bytes = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 65536)).encode(maskingKey: nil)
        #expect(Array(bytes.prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
    }

    @Test func encodesNonFinalFrameWithoutFinBit() {
        let bytes = WebSocketFrame(fin: false, opcode: .binary, payload: [1]).encode(maskingKey: nil)
        #expect(bytes == [0x02, 0x01, 0x01])
    }

    @Test func encodesCloseCodeAndReason() {
        #expect(WebSocketFrame.close(code: .messageTooBig, reason: "big").payload == [0x03, 0xF1] + Array("big".utf8))
    }

    @Test func cutsCloseReasonToControlFrameLimitOnCharacterBoundary() {
        let frame = WebSocketFrame.close(code: .normalClosure, reason: String(repeating: "é", count: 100))
        #expect(frame.payload.count == 124)
        #expect(String(validating: frame.payload[2...], as: UTF8.self) == String(repeating: "é", count: 61))
    }

    @Test func randomMaskingKeysDiffer() {
        let keys = Set((0..<8).map { _ in WebSocketFrame.randomMaskingKey() })
        #expect(keys.count > 1)
        #expect(keys.allSatisfy { $0.count == 4 })
    }
}

@Suite struct WebSocketFrameParserTests {
    @Test func parsesMaskedFrameAsServer() throws {
        let bytes = masked(WebSocketFrame(opcode: .binary, payload: hello))
        #expect(try frames(bytes) == [WebSocketFrame(opcode: .binary, payload: hello)])
    }

    @Test func parsesUnmaskedFrameAsClient() throws {
        let bytes: [UInt8] = [0x82, 0x05] + hello
        #expect(try frames(bytes, role: .client) == [WebSocketFrame(opcode: .binary, payload: hello)])
    }

    @Test func parsesFramesFedOneByteAtATime() throws {
        let bytes = masked(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 9, count: 300)))
            + masked(WebSocketFrame(opcode: .ping, payload: [1, 2]))
        var parser = WebSocketFrameParser(role: .server, maxMessageBytes: 1000)
        var result: [WebSocketFrame] = []
        for byte in bytes {
            parser.append([byte])
            while let frame = try parser.nextFrame() { result.append(frame) }
        }
        #expect(
            result == [
                WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 9, count: 300)),
                WebSocketFrame(opcode: .ping, payload: [1, 2]),
            ])
    }

    @Test func parsesFragmentsWithInterleavedPing() throws {
        let bytes = masked(WebSocketFrame(fin: false, opcode: .binary, payload: [1]))
            + masked(WebSocketFrame(opcode: .ping, payload: []))
            + masked(WebSocketFrame(fin: false, opcode: .continuation, payload: [2]))
            + masked(WebSocketFrame(opcode: .continuation, payload: [3]))
        #expect(
            try frames(bytes).map(\.opcode) == [.binary, .ping, .continuation, .continuation])
    }

    @Test func parsesEmptyAndValidCloseFrames() throws {
        #expect(try frames(masked(WebSocketFrame(opcode: .close))).count == 1)
        #expect(try frames(masked(.close(code: .policyViolation, reason: "no"))).count == 1)
        #expect(try frames(masked(.close(code: WebSocketCloseCode(rawValue: 4000)))).count == 1)
    }

    @Test func acceptsMessageAtLimitSummedOverFragments() throws {
        let bytes = masked(WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 0, count: 6)))
            + masked(WebSocketFrame(opcode: .continuation, payload: [UInt8](repeating: 0, count: 4)))
        #expect(try frames(bytes, maxMessageBytes: 10).count == 2)
    }
}

/// Every rejection, with the bytes that cause it and the close code sent for it.
@Suite struct WebSocketFrameRejectionTests {
    @Test(arguments: [
        ([0x82, 0x05] + hello, WebSocketError.Code.protocolViolation, 1002),  // unmasked client frame
        ([0xC2, 0x80] + maskingKey, .protocolViolation, 1002),  // RSV1 set
        ([0xA2, 0x80] + maskingKey, .protocolViolation, 1002),  // RSV2 set
        ([0x92, 0x80] + maskingKey, .protocolViolation, 1002),  // RSV3 set
        ([0x83, 0x80] + maskingKey, .protocolViolation, 1002),  // reserved data opcode
        ([0x8B, 0x80] + maskingKey, .protocolViolation, 1002),  // reserved control opcode
        ([0x09, 0x80] + maskingKey, .protocolViolation, 1002),  // fragmented ping
        ([0x89, 0xFE, 0x00, 0x7E] + maskingKey, .protocolViolation, 1002),  // ping of 126 bytes
        ([0x82, 0xFE, 0x00, 0x05] + maskingKey, .protocolViolation, 1002),  // 16-bit length under 126
        ([0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + maskingKey, .protocolViolation, 1002),  // 64-bit under 65536
        ([0x00, 0x80] + maskingKey, .protocolViolation, 1002),  // continuation without a message
        ([0x88, 0x81] + maskingKey + [0x00], .protocolViolation, 1002),  // close payload of 1 byte
        ([0x81, 0x80] + maskingKey, .textNotSupported, 1003),  // text frame
    ])
    func rejectsInvalidFrame(bytes: [UInt8], code: WebSocketError.Code, closeCode: Int) throws {
        let thrown = try #require(error(bytes))
        #expect(thrown.code == code)
        #expect(thrown.closeCode.rawValue == UInt16(closeCode))
    }

    @Test func rejectsMaskedServerFrameAsClient() throws {
        let thrown = try #require(error(masked(WebSocketFrame(opcode: .binary, payload: hello)), role: .client))
        #expect(thrown.code == .protocolViolation)
    }

    @Test func rejectsLengthWithTopBitSetBeforePayloadArrives() throws {
        let thrown = try #require(error([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]))
        #expect(thrown.code == .protocolViolation)
        #expect(thrown.message == "64-bit payload length has its most significant bit set")
    }

    @Test func rejectsOversizedFrameFromItsHeaderAlone() throws {
        var parser = WebSocketFrameParser(role: .server, maxMessageBytes: 1000)
        parser.append([0x82, 0xFE, 0x03, 0xE9])
        #expect(throws: WebSocketError(.messageTooLarge, "message would reach 0 + 1001 bytes, over the limit of 1000")) {
            try parser.nextFrame()
        }
        #expect(parser.bufferedCount == 4)
    }

    @Test func rejectsLargestLengthAsTooLarge() throws {
        let thrown = try #require(error([0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(thrown.code == .messageTooLarge)
        #expect(thrown.closeCode == .messageTooBig)
    }

    @Test func rejectsFragmentsSummingOverLimit() throws {
        let bytes = masked(WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 0, count: 6)))
            + masked(WebSocketFrame(opcode: .continuation, payload: [UInt8](repeating: 0, count: 5)))
        let thrown = try #require(error(bytes, maxMessageBytes: 10))
        #expect(thrown.code == .messageTooLarge)
        #expect(thrown.closeCode.rawValue == 1009)
    }

    @Test func rejectsNewMessageInsideFragmentedOne() throws {
        let bytes = masked(WebSocketFrame(fin: false, opcode: .binary, payload: [1]))
            + masked(WebSocketFrame(opcode: .binary, payload: [2]))
        let thrown = try #require(error(bytes))
        #expect(thrown.code == .protocolViolation)
    }

    @Test(arguments: [999, 1004, 1005, 1006, 1015, 2999, 5000])
    func rejectsCloseCodeNotAllowedOnWire(code: Int) throws {
        let bytes = masked(WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]))
        let thrown = try #require(error(bytes))
        #expect(thrown.code == .protocolViolation)
    }

    @Test func rejectsCloseReasonThatIsNotUTF8() throws {
        let thrown = try #require(error(masked(WebSocketFrame(opcode: .close, payload: [0x03, 0xE8, 0xC3, 0x28]))))
        #expect(thrown.code == .invalidCloseReason)
        #expect(thrown.closeCode.rawValue == 1007)
    }
}

@Suite struct WebSocketHandshakeTests {
    @Test func computesAcceptValueFromRFC6455Example() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func makesKeysOfSixteenRandomBytes() throws {
        let key = WebSocketHandshake.makeKey()
        #expect(try #require(Base64.decode(key)).count == 16)
        #expect(key != WebSocketHandshake.makeKey())
    }

    @Test func acceptsUpgradeRequestAndAnswersWith101() throws {
        let request = WebSocketHandshake.makeUpgradeRequest(path: "/eacp/v1/push", host: "a", key: "dGhlIHNhbXBsZSBub25jZQ==")
        let response = try WebSocketHandshake.acceptUpgrade(request)
        #expect(response.status.code == 101)
        #expect(response.headers.first(name: "Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(response.headers.first(name: "Sec-WebSocket-Protocol") == "eacp.v1")
        try WebSocketHandshake.validateUpgradeResponse(response, key: "dGhlIHNhbXBsZSBub25jZQ==")
    }

    @Test(arguments: [
        ("Upgrade", nil, 426), ("Connection", nil, 426), ("Sec-WebSocket-Version", "8", 426),
        ("Sec-WebSocket-Key", "c2hvcnQ=", 400), ("Sec-WebSocket-Key", nil, 400),
        ("Sec-WebSocket-Protocol", "chat", 400), ("Sec-WebSocket-Protocol", nil, 400),
    ] as [(String, String?, Int)])
    func rejectsUpgradeRequest(field: String, value: String?, status: Int) throws {
        var request = WebSocketHandshake.makeUpgradeRequest(path: "/p", host: "a", key: WebSocketHandshake.makeKey())
        request.headers.remove(name: field)
        if let value { request.headers.add(name: field, value: value) }
        #expect(throws: HTTPError.self) { try WebSocketHandshake.acceptUpgrade(request) }
        do {
            _ = try WebSocketHandshake.acceptUpgrade(request)
        } catch {
            #expect(error.status.code == status)
        }
    }

    @Test func advertisesVersion13WhenRejectingOtherVersions() throws {
        var request = WebSocketHandshake.makeUpgradeRequest(path: "/p", host: "a", key: WebSocketHandshake.makeKey())
        request.headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8")
        do {
            _ = try WebSocketHandshake.acceptUpgrade(request)
            Issue.record("upgrade with version 8 was accepted")
        } catch {
            #expect(error.statusHeaders.first(name: "Sec-WebSocket-Version") == "13")
        }
    }

    @Test func rejectsResponseWithWrongAccept() throws {
        let key = WebSocketHandshake.makeKey()
        var response = try WebSocketHandshake.acceptUpgrade(
            WebSocketHandshake.makeUpgradeRequest(path: "/p", host: "a", key: key))
        response.headers.replaceOrAdd(name: "Sec-WebSocket-Accept", value: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(throws: WebSocketError.self) { try WebSocketHandshake.validateUpgradeResponse(response, key: key) }
    }

    @Test func base64RoundTripsAndRejectsBadPadding() {
        for count in 0..<8 {
            let bytes = (0..<count).map { UInt8($0 * 37 & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("Zm9=") == nil)
        #expect(Base64.decode("Zm8") == nil)
        #expect(Base64.decode("Z===") == nil)
    }
}
