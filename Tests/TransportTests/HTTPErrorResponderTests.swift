import Foundation
import Synchronization
import Testing

@testable import EACPTransport

/// The router's `errorResponder`: the response to errors the transport finds before a handler runs.
@Suite struct HTTPErrorResponderTests {
    /// Returns the test router with a responder that records each error and its head's target, and
    /// responds with the error's status and its code as the body.
    static func routerWithResponder(recording calls: RecordedErrors) -> HTTPRouter {
        var router = testRouter()
        router.errorResponder = { error, head in
            calls.append(error.code.description, head?.target)
            return HTTPResponse(status: error.status, headers: ["Content-Type": "text/x-test"], body: Array("\(error.code)".utf8))
        }
        return router
    }

    @Test func bodyAboveRouteLimitReachesResponderWithHead() async throws {
        let calls = RecordedErrors()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            // The route's limit is 64 bytes, so the server responds from Content-Length without the body.
            raw.send("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\nContent-Length: 65\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 413 Content Too Large")
            #expect(response.contains("\r\nContent-Type: text/x-test\r\n"))
            #expect(response.contains("\r\nConnection: close\r\n"))
            #expect(response.hasSuffix("\r\n\r\nbodyTooLarge"))
        }
        #expect(calls.values == [RecordedErrors.Call(code: "bodyTooLarge", target: "/eacp/v1/heartbeat")])
    }

    @Test func chunkedBodyAboveLimitReachesResponderWithHead() async throws {
        let calls = RecordedErrors()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            let chunk = String(repeating: "x", count: 65)
            raw.send("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n41\r\n\(chunk)\r\n0\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 413 Content Too Large")
            #expect(response.hasSuffix("\r\n\r\nbodyTooLarge"))
        }
        #expect(calls.values == [RecordedErrors.Call(code: "bodyTooLarge", target: "/eacp/v1/heartbeat")])
    }

    @Test func headAboveMaxHeadBytesReachesResponderWithoutHead() async throws {
        let calls = RecordedErrors()
        let configure: (inout HTTPServerConfiguration) -> Void = { $0.limits.maxHeadBytes = 200 }
        try await withTestServer(configure: configure, router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/content/1 HTTP/1.1\r\nHost: a\r\nX-Padding: \(String(repeating: "p", count: 200))\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 431 Request Header Fields Too Large")
            #expect(response.hasSuffix("\r\n\r\nheaderSectionTooLarge"))
        }
        #expect(calls.values == [RecordedErrors.Call(code: "headerSectionTooLarge", target: nil)])
    }

    @Test func headWithinMaxHeadBytesIsServed() async throws {
        let configure: (inout HTTPServerConfiguration) -> Void = { $0.limits.maxHeadBytes = 200 }
        try await withTestServer(configure: configure) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/content/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 200 OK")
            #expect(response.hasSuffix("\r\n\r\nrevision 1 content"))
        }
    }

    @Test func failedUpgradeReachesResponderWithHead() async throws {
        let calls = RecordedErrors()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/push HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: eacp.v2\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 400 Bad Request")
            #expect(response.hasSuffix("\r\n\r\ninvalidHeader"))
        }
        #expect(calls.values == [RecordedErrors.Call(code: "invalidHeader", target: "/eacp/v1/push")])
    }

    /// A route miss goes to the error responder when the router has no `missResponder`.
    @Test func routeMissWithoutMissResponderReachesErrorResponder() async throws {
        let calls = RecordedErrors()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 405 Method Not Allowed")
            #expect(response.contains("\r\nContent-Type: text/x-test\r\n"))
        }
        #expect(calls.values == [RecordedErrors.Call(code: "methodNotAllowed", target: "/eacp/v1/heartbeat")])
    }
}

/// The errors a responder saw, appended from the event loop thread and read after the server stops.
final class RecordedErrors: Sendable {
    struct Call: Hashable, Sendable {
        var code: String
        var target: String?
    }

    private let storage = Mutex<[Call]>([])

    func append(_ code: String, _ target: String?) { storage.withLock { $0.append(Call(code: code, target: target)) } }

    var values: [Call] { storage.withLock { $0 } }
}
