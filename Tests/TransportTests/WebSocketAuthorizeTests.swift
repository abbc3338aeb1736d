import Foundation
import Testing

@testable import EACPTransport

/// Returns a router whose push channel echoes messages and accepts only upgrades that carry
/// `X-Ticket: valid`; the others get 403 with a plain-text body.
private func ticketRouter() -> HTTPRouter {
    var router = HTTPRouter()
    router.addWebSocket("/eacp/v1/push", authorize: { request in
        guard request.head.headers.first(name: "X-Ticket") != "valid" else { return nil }
        return HTTPResponse(status: .forbidden, headers: ["Content-Type": "text/plain"], body: Array("no valid ticket\n".utf8))
    }) { webSocket, _ in
        Task {
            for await message in webSocket.messages { webSocket.send(message) }
        }
    }
    return router
}

/// Sends an upgrade request for the push channel, with `X-Ticket` set to `ticket` when it is given.
private func sendUpgrade(_ raw: RawClient, ticket: String?) {
    var request = WebSocketHandshake.makeUpgradeRequest(
        path: "/eacp/v1/push", host: "127.0.0.1", key: WebSocketHandshake.makeKey())
    if let ticket { request.headers.add(name: "X-Ticket", value: ticket) }
    raw.send(request.encoded())
}

@Suite struct WebSocketAuthorizeTests {
    @Test func refusedUpgradeGetsTheCheckResponseAndCloses() async throws {
        try await withTestServer(router: ticketRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            sendUpgrade(raw, ticket: "expired")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 403 Forbidden")
            #expect(response.contains("\r\nConnection: close\r\n"))
            #expect(response.hasSuffix("\r\n\r\nno valid ticket\n"))
        }
    }

    @Test func refusedUpgradeWithoutHeaderGetsTheCheckResponse() async throws {
        try await withTestServer(router: ticketRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            sendUpgrade(raw, ticket: nil)
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 403 Forbidden")
        }
    }

    @Test func acceptedUpgradeSwitchesProtocolsAndEchoes() async throws {
        try await withTestServer(router: ticketRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            sendUpgrade(raw, ticket: "valid")
            let head = try await raw.read(until: "\r\n\r\n")
            #expect(statusLine(head) == "HTTP/1.1 101 Switching Protocols")
            raw.send(WebSocketFrame(opcode: .binary, payload: [7, 8, 9]).encode(maskingKey: [1, 2, 3, 4]))
            #expect(try await raw.readBytes(count: 5) == [0x82, 0x03, 7, 8, 9])
        }
    }

    @Test func malformedUpgradeIsRejectedBeforeTheCheckRuns() async throws {
        try await withTestServer(router: ticketRouter()) { _, _, port in
            let raw = try RawClient(port: port)
            var request = WebSocketHandshake.makeUpgradeRequest(
                path: "/eacp/v1/push", host: "127.0.0.1", key: WebSocketHandshake.makeKey())
            request.headers.remove(name: "Sec-WebSocket-Protocol")
            raw.send(request.encoded())
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 400 Bad Request")
        }
    }
}
