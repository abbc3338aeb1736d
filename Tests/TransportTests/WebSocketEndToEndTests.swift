import Foundation
import Testing

@testable import EACPTransport

/// Returns a router whose push channel has a 1 KiB message limit, for the failure cases. With `quickPing`,
/// it pings every 50 ms and closes after 2 missed pongs, which leaves no time for anything else.
private func strictRouter(quickPing: Bool = false) -> HTTPRouter {
    var configuration = WebSocketConfiguration()
    configuration.maxMessageBytes = 1024
    if quickPing {
        configuration.pingInterval = .milliseconds(50)
        configuration.missedPongLimit = 2
    }
    var router = HTTPRouter()
    router.addWebSocket("/eacp/v1/push", configuration: configuration) { webSocket, _ in
        Task {
            for await message in webSocket.messages { webSocket.send(message) }
        }
    }
    return router
}

@Suite struct WebSocketEndToEndTests {
    @Test func exchangesBinaryMessagesWithOwnClient() async throws {
        try await withTestServer { _, group, port in
            let webSocket = try await WebSocketClient.connect(plaintextConnector(port: port), path: "/eacp/v1/push", group: group)
            var received = webSocket.messages.makeAsyncIterator()
            for size in [0, 1, 125, 126, 65535, 65536, 200_000] {
                let message = (0..<size).map { UInt8($0 % 253) }
                webSocket.send(message)
                #expect(await received.next() == message.reversed())
            }
            webSocket.close()
            #expect(await received.next() == nil)
            let result = try #require(webSocket.closeResult)
            #expect(result.code == .normalClosure)
            #expect(result.error == nil)
        }
    }

    @Test func closesWithGoingAwayOnServerShutdown() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let server = HTTPServer(configuration: HTTPServerConfiguration(), router: testRouter(), group: group) { PlaintextStream() }
        let port = try await server.start().port
        let webSocket = try await WebSocketClient.connect(plaintextConnector(port: port), path: "/eacp/v1/push", group: group)
        await server.shutdown(gracePeriod: .seconds(5))
        for await _ in webSocket.messages {}
        #expect(webSocket.closeResult?.code == .goingAway)
        #expect(webSocket.closeResult?.reason == "server is shutting down")
        #expect(server.connectionCount == 0)
    }

    @Test func rejectsUpgradeWithoutSubprotocol() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            var request = WebSocketHandshake.makeUpgradeRequest(path: "/eacp/v1/push", host: "a", key: WebSocketHandshake.makeKey())
            request.headers.remove(name: "Sec-WebSocket-Protocol")
            raw.send(request.encoded())
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 400 Bad Request")
        }
    }

    @Test func closesUnmaskedClientFrameWith1002() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            #expect(statusLine(try await rawUpgrade(raw)) == "HTTP/1.1 101 Switching Protocols")
            raw.send([0x82, 0x01, 0x00])
            let frames = try await raw.readBytesToEnd()
            #expect(Array(frames.prefix(4)) == [0x88, UInt8(frames.count - 2), 0x03, 0xEA])
            #expect(String(decoding: frames.dropFirst(4), as: UTF8.self) == "client frame is not masked")
        }
    }

    @Test func closesTextFrameWith1003() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send(WebSocketFrame(opcode: .text, payload: Array("hi".utf8)).encode(maskingKey: [1, 2, 3, 4]))
            let frames = try await raw.readBytesToEnd()
            #expect(Array(frames.prefix(4)) == [0x88, UInt8(frames.count - 2), 0x03, 0xEB])
        }
    }

    @Test func closesInvalidCloseReasonWith1007() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send(WebSocketFrame(opcode: .close, payload: [0x03, 0xE8, 0xFF]).encode(maskingKey: [1, 2, 3, 4]))
            let frames = try await raw.readBytesToEnd()
            #expect(Array(frames.prefix(4)) == [0x88, UInt8(frames.count - 2), 0x03, 0xEF])
        }
    }

    @Test func closesOversizedMessageWith1009BeforeItsPayload() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send([0x82, 0xFE, 0x04, 0x01, 1, 2, 3, 4])  // Claims 1025 bytes and sends none of them.
            let frames = try await raw.readBytesToEnd()
            #expect(Array(frames.prefix(4)) == [0x88, UInt8(frames.count - 2), 0x03, 0xF1])
        }
    }

    @Test func closesFrameClaiming2To63BytesAtOnce() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0])
            let frames = try await raw.readBytesToEnd()
            #expect(Array(frames.prefix(4)) == [0x88, UInt8(frames.count - 2), 0x03, 0xEA])
        }
    }

    @Test func closesWhenPeerNeverPongs() async throws {
        try await withTestServer(router: strictRouter(quickPing: true)) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            let frames = try await raw.readBytesToEnd()
            // Two pings without a pong, then at the third one the close with 1001 (going away).
            let reason = Array("missed pong limit of 2 reached".utf8)
            #expect(frames == [0x89, 0x00, 0x89, 0x00, 0x88, UInt8(2 + reason.count), 0x03, 0xE9] + reason)
        }
    }

    @Test func answersPingWithPong() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send(WebSocketFrame(opcode: .ping, payload: [7]).encode(maskingKey: [9, 9, 9, 9]))
            #expect(try await raw.readBytes(count: 3) == [0x8A, 0x01, 0x07])
        }
    }

    @Test func echoesPeerCloseCode() async throws {
        try await withTestServer(router: strictRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            raw.send(WebSocketFrame.close(code: WebSocketCloseCode(rawValue: 4001), reason: "bye").encode(maskingKey: [5, 6, 7, 8]))
            #expect(try await raw.readBytesToEnd() == [0x88, 0x02, 0x0F, 0xA1])
        }
    }

    @Test func reassemblesFragmentedMessage() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            let key: [UInt8] = [1, 1, 1, 1]
            raw.send(WebSocketFrame(fin: false, opcode: .binary, payload: [1, 2]).encode(maskingKey: key))
            raw.send(WebSocketFrame(opcode: .ping, payload: []).encode(maskingKey: key))
            raw.send(WebSocketFrame(opcode: .continuation, payload: [3]).encode(maskingKey: key))
            // The pong for the ping in between, then the whole message reversed by the echo route.
            #expect(try await raw.readBytes(count: 7) == [0x8A, 0x00, 0x82, 0x03, 3, 2, 1])
        }
    }
}

@Suite(.enabled(if: pythonAvailable, "EACP_PYTHON is not set, so the Python websockets peers cannot run"))
struct WebSocketPythonInteropTests {
    @Test func pythonClientExchangesMessagesWithOurServer() async throws {
        try await withTestServer { _, _, port in
            let (status, output) = try await run(pythonPath!, [peerScript("websocket_client.py"), "ws://127.0.0.1:\(port)/eacp/v1/push"])
            #expect(status == 0)
            #expect(output == "subprotocol eacp.v1\necho 0 ok\necho 5 ok\necho 70000 ok\nclose 1003\n")
        }
    }

    @Test func ourClientExchangesMessagesWithPythonServer() async throws {
        let peer = try await PythonPeer(script: "websocket_server.py")
        defer { peer.stop() }
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }

        let webSocket = try await WebSocketClient.connect(plaintextConnector(port: peer.port), path: "/", group: group)
        var received = webSocket.messages.makeAsyncIterator()
        for size in [0, 5, 70000] {
            let message = (0..<size).map { UInt8($0 % 251) }
            webSocket.send(message)
            #expect(await received.next() == message.reversed())
        }
        webSocket.close()
        #expect(await received.next() == nil)
        #expect(webSocket.closeResult?.code == .normalClosure)
    }
}
