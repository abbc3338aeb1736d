import Testing

@testable import EACPTransport

/// The switches that build a faulty WebSocket peer for the conformance suite's broken variants
/// (`treatsTextAsBinaryForTesting`, `sendsEmptyPongsForTesting`), and `sendFrameForTesting`, with which
/// a conformance case sends what EACP never sends. WebSocketEndToEndTests show the default behaviour on
/// a live connection (closesTextFrameWith1003, answersPingWithPong).
@Suite struct WebSocketTestingSwitchTests {
    private let maskingKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    @Test func switchesDefaultToOff() {
        let configuration = WebSocketConfiguration()
        #expect(configuration.treatsTextAsBinaryForTesting == false)
        #expect(configuration.sendsEmptyPongsForTesting == false)
    }

    @Test func parserRejectsTextByDefault() {
        var parser = WebSocketFrameParser(role: .server, maxMessageBytes: 1024)
        parser.append(WebSocketFrame(opcode: .text, payload: Array("hi".utf8)).encode(maskingKey: maskingKey))
        #expect(throws: WebSocketError(.textNotSupported, "text frames are not supported; EACP sends binary messages")) {
            try parser.nextFrame()
        }
    }

    @Test func switchedParserTakesTextAsBinary() throws {
        var parser = WebSocketFrameParser(role: .server, maxMessageBytes: 1024)
        parser.treatsTextAsBinary = true
        parser.append(WebSocketFrame(opcode: .text, payload: Array("hi".utf8)).encode(maskingKey: maskingKey))
        #expect(try parser.nextFrame() == WebSocketFrame(opcode: .binary, payload: Array("hi".utf8)))
    }

    @Test func machineEchoesPingDataByDefault() {
        var machine = WebSocketStateMachine()
        let actions = machine.frameReceived(WebSocketFrame(opcode: .ping, payload: [1, 2, 3]))
        #expect(actions == [.send(WebSocketFrame(opcode: .pong, payload: [1, 2, 3]))])
    }

    @Test func switchedMachineSendsEmptyPong() {
        var machine = WebSocketStateMachine()
        machine.sendsEmptyPongs = true
        let actions = machine.frameReceived(WebSocketFrame(opcode: .ping, payload: [1, 2, 3]))
        #expect(actions == [.send(WebSocketFrame(opcode: .pong, payload: []))])
    }

    @Test func rawTextFrameGetsClose1003() async throws {
        try await withTestServer { _, group, port in
            let webSocket = try await WebSocketClient.connect(plaintextConnector(port: port), path: "/eacp/v1/push", group: group)
            webSocket.sendFrameForTesting(WebSocketFrame(opcode: .text, payload: Array("hi".utf8)))
            for await _ in webSocket.messages {}
            #expect(webSocket.closeResult?.code == .unsupportedData)
        }
    }

    @Test func pingWithDataRecordsPongPayload() async throws {
        try await withTestServer { _, group, port in
            let webSocket = try await WebSocketClient.connect(plaintextConnector(port: port), path: "/eacp/v1/push", group: group)
            #expect(webSocket.liveness.lastPongPayload == nil)
            webSocket.sendFrameForTesting(WebSocketFrame(opcode: .ping, payload: [1, 2, 3]))
            // A guard against hanging only: the pong comes back over loopback.
            for _ in 0..<500 where webSocket.liveness.lastPongPayload == nil {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(webSocket.liveness.lastPongPayload == [1, 2, 3])
            webSocket.close()
        }
    }

    @Test func connectionAppliesEmptyPongSwitch() async throws {
        var configuration = WebSocketConfiguration()
        configuration.sendsEmptyPongsForTesting = true
        var router = HTTPRouter()
        router.addWebSocket("/eacp/v1/push", configuration: configuration) { _, _ in }
        try await withTestServer(router: router) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send(WebSocketFrame(opcode: .ping, payload: [7]).encode(maskingKey: maskingKey))
            #expect(try await raw.readBytes(count: 2) == [0x8A, 0x00])
        }
    }
}
