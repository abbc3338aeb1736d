import Foundation
import Testing

@testable import EACPTransport

/// Returns a router whose push route applies `configuration`, hands each server-side WebSocket to
/// `accepted` and then runs `serve` on it.
private func capturingRouter(
    _ configuration: WebSocketConfiguration, accepted: Eventually<WebSocket>,
    serve: @escaping @Sendable (WebSocket) async -> Void = { _ in }
) -> HTTPRouter {
    var router = HTTPRouter()
    router.addWebSocket("/eacp/v1/push", configuration: configuration) { webSocket, _ in
        accepted.set(webSocket)
        Task { await serve(webSocket) }
    }
    return router
}

/// Sends one masked binary frame, as a client must.
private func sendBinary(_ raw: RawClient, _ payload: [UInt8]) {
    raw.send(WebSocketFrame(opcode: .binary, payload: payload).encode(maskingKey: [1, 2, 3, 4]))
}

@Suite struct WebSocketLivenessTests {
    @Test func livenessCountsMissedPongsAndPongResets() async throws {
        var configuration = WebSocketConfiguration()
        // A limit far above what the test waits for, so a slow machine cannot close the socket first, and an
        // interval long enough that the count stays below its earlier value for a while after the pong.
        configuration.pingInterval = .milliseconds(300)
        configuration.missedPongLimit = 1_000
        let accepted = Eventually<WebSocket>()
        try await withTestServer(router: capturingRouter(configuration, accepted: accepted)) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            let webSocket = try await accepted.value()

            try await waitUntil { webSocket.liveness.missedPongs >= 2 }
            let missing = webSocket.liveness
            #expect(missing.unansweredPings == missing.missedPongs + 1)
            #expect(missing.lastPongReceived == nil)
            #expect(missing.lastPingSent != nil)
            #expect(missing.missedPongLimit == 1_000)

            raw.send(WebSocketFrame(opcode: .pong).encode(maskingKey: [1, 2, 3, 4]))
            try await waitUntil { webSocket.liveness.lastPongReceived != nil }
            try await waitUntil { webSocket.liveness.missedPongs < missing.missedPongs }
            #expect(webSocket.closeResult == nil)
        }
    }

    @Test func clientSeesPongsFromServer() async throws {
        try await withTestServer { _, group, port in
            var configuration = WebSocketConfiguration()
            configuration.pingInterval = .milliseconds(200)
            let webSocket = try await WebSocketClient.connect(
                plaintextConnector(port: port), path: "/eacp/v1/push", group: group, configuration: configuration)

            try await waitUntil { webSocket.liveness.lastPongReceived != nil }
            let liveness = webSocket.liveness
            #expect(liveness.lastPingSent != nil)
            #expect(liveness.missedPongs == 0)
            #expect(liveness.missedPongLimit == 3)
            webSocket.close()
        }
    }

    @Test func failWithMalformedMessageSends1007() async throws {
        let accepted = Eventually<WebSocket>()
        let router = capturingRouter(WebSocketConfiguration(), accepted: accepted) { webSocket in
            for await _ in webSocket.messages {
                webSocket.fail(WebSocketError(.malformedMessage, "PushMessage does not decode"))
            }
        }
        try await withTestServer(router: router) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)
            sendBinary(raw, [0xFF])

            let reason = Array("PushMessage does not decode".utf8)
            #expect(try await raw.readBytesToEnd() == [0x88, UInt8(2 + reason.count), 0x03, 0xEF] + reason)
            let result = try #require(try await accepted.value().closeResult)
            #expect(result.code == .invalidPayload)
            #expect(result.error?.code == .malformedMessage)
        }
    }

    @Test(arguments: [
        (WebSocketCloseCode.policyViolation, "message travels in the wrong direction"),
        (.tryAgainLater, "storage is down"),
        (.goingAway, "server is stopping"),
    ])
    func closeSendsCodeAndReason(code: WebSocketCloseCode, reason: String) async throws {
        let accepted = Eventually<WebSocket>()
        let router = capturingRouter(WebSocketConfiguration(), accepted: accepted) { webSocket in
            webSocket.close(code: code, reason: reason)
        }
        try await withTestServer(router: router) { _, _, port in
            let raw = try RawClient(port: port)
            _ = try await rawUpgrade(raw)

            let reasonBytes = Array(reason.utf8)
            let expected = [0x88, UInt8(2 + reasonBytes.count), UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
            #expect(try await raw.readBytes(count: 4 + reasonBytes.count) == expected + reasonBytes)
        }
    }

    @Test func unreadMessagesPauseReadingAndLoseNothing() async throws {
        var configuration = WebSocketConfiguration()
        configuration.maxQueuedInboundBytes = 150_000
        let accepted = Eventually<WebSocket>()
        try await withTestServer(router: capturingRouter(configuration, accepted: accepted)) { _, group, port in
            let client = try await WebSocketClient.connect(
                plaintextConnector(port: port), path: "/eacp/v1/push", group: group)
            let messageCount = 20
            for index in 0..<messageCount {
                client.send([UInt8](repeating: UInt8(index), count: 100_000))
            }
            let server = try await accepted.value()
            let connection = server.connection

            try await waitUntil { server.inboundQueue.queuedBytes > 150_000 }
            #expect(try await onLoop(connection.loop) { connection.pausedByHandler })
            #expect(server.inboundQueue.queuedMessages < messageCount)

            var received = server.messages.makeAsyncIterator()
            for index in 0..<messageCount {
                #expect(await received.next() == [UInt8](repeating: UInt8(index), count: 100_000))
            }
            #expect(server.inboundQueue.queuedMessages == 0)
            #expect(server.inboundQueue.queuedBytes == 0)
            #expect(try await onLoop(connection.loop) { connection.pausedByHandler } == false)
            client.close()
        }
    }
}
