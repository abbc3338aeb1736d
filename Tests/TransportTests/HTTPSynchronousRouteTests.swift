import Foundation
import Testing

@testable import EACPTransport

/// Routes whose handlers run on the event loop thread, and the response encoding and timeouts they share
/// with async routes.
@Suite struct HTTPSynchronousRouteTests {
    static let largeBody = [UInt8](repeating: UInt8(ascii: "z"), count: 64 * 1024)

    static func router() -> HTTPRouter {
        var router = HTTPRouter()
        router.addSynchronous(.post, "/echo") { request in
            HTTPResponse(headers: ["Content-Type": "text/plain"], body: request.body.reversed())
        }
        router.addSynchronous(.get, "/large") { _ in HTTPResponse(body: largeBody) }
        router.addSynchronous(.post, "/busy") { _ in
            throw HTTPError(.tooManyRequests, "slow down", retryAfterSeconds: 7)
        }
        router.addSynchronous(.post, "/fail") { _ in
            struct Broken: Error {}
            throw Broken()
        }
        return router
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await withTestServer(router: Self.router()) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send(
                "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nde"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\nf")
            let parts = try await raw.readToEnd().components(separatedBy: "HTTP/1.1 200 OK\r\n")
            try #require(parts.count == 4)
            #expect(parts[1].hasSuffix("\r\nContent-Length: 3\r\n\r\ncba"))
            #expect(parts[2].hasSuffix("\r\nContent-Length: 2\r\n\r\ned"))
            #expect(parts[3].hasSuffix("\r\nContent-Length: 1\r\nConnection: close\r\n\r\nf"))
        }
    }

    @Test func answersThrownErrorsWithTheirStatuses() async throws {
        try await withTestServer(router: Self.router()) { _, _, port in
            let busy = try RawClient(port: port)
            busy.send("POST /busy HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            let busyResponse = try await busy.readToEnd()
            #expect(statusLine(busyResponse) == "HTTP/1.1 429 Too Many Requests")
            #expect(busyResponse.contains("\r\nRetry-After: 7\r\n"))
            #expect(busyResponse.hasSuffix("\r\n\r\nslow down\n"))

            let fail = try RawClient(port: port)
            fail.send("POST /fail HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            let failResponse = try await fail.readToEnd()
            #expect(statusLine(failResponse) == "HTTP/1.1 500 Internal Server Error")
            #expect(failResponse.hasSuffix("\r\n\r\ninternal error\n"))
        }
    }

    /// 40 responses of 64 KiB are far above the high-water mark, so the server pauses between them
    /// until the client reads, and must resume each time.
    @Test func deliversEveryPipelinedResponseToASlowReader() async throws {
        try await withTestServer(router: Self.router()) { _, _, port in
            let raw = try RawClient(port: port)
            let request = "GET /large HTTP/1.1\r\nHost: a\r\n\r\n"
            raw.send(String(repeating: request, count: 39) + "GET /large HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = try await raw.readBytesToEnd()
            let text = String(decoding: response, as: UTF8.self)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 41)
            #expect(response.count(where: { $0 == UInt8(ascii: "z") }) == 40 * Self.largeBody.count)
        }
    }

    /// The header timeout is shorter than the idle one that runs before it, which the server's single
    /// connection timer must still honour.
    @Test func cutsOffSlowHeaderAfterKeptAliveRequest() async throws {
        try await withTestServer(configure: { $0.headerTimeout = .milliseconds(200) }, router: Self.router()) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok")
            #expect(try await raw.read(until: "\r\n\r\nko").hasPrefix("HTTP/1.1 200 OK\r\n"))
            raw.send("POST /echo HTTP/1.1\r\nHo")
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 408 Request Timeout")
        }
    }

    @Test func closesIdleConnectionAfterResponse() async throws {
        try await withTestServer(configure: { $0.idleTimeout = .milliseconds(150) }, router: Self.router()) { server, _, port in
            let raw = try RawClient(port: port)
            raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 200 OK")
            #expect(response.hasSuffix("\r\n\r\nko"))
            try await waitUntil { server.connectionCount == 0 }
        }
    }

    @Test func encodesResponseWithServerFieldsLast() {
        let response = HTTPResponse(
            status: .ok, headers: ["date": "old", "X-A": "1", "content-length": "99", "Connection": "keep-alive"],
            body: Array("hi".utf8))
        let encoded = HTTPSerialization.encodeResponse(
            response, date: "Thu, 01 Jan 2026 00:00:00 GMT", contentLength: 2, connection: "close", includeBody: true)
        #expect(
            String(decoding: encoded, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nX-A: 1\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\nhi")
    }

    @Test func encodesHeadResponseWithoutBodyAndKeepsFieldsNotSet() {
        let response = HTTPResponse(status: .noContent, headers: ["Connection": "upgrade"], body: Array("x".utf8))
        let encoded = HTTPSerialization.encodeResponse(
            response, date: "D", contentLength: nil, connection: nil, includeBody: false)
        #expect(String(decoding: encoded, as: UTF8.self) == "HTTP/1.1 204 No Content\r\nConnection: upgrade\r\nDate: D\r\n\r\n")
    }

    @Test func findsConnectionTokensWithoutCaseOrWhitespace() {
        let headers: HTTPHeaders = ["connection": " Keep-Alive ,\tCLOSE ", "Expect": "100-continue"]
        #expect(headers.containsToken("close", name: "Connection"))
        #expect(headers.containsToken("keep-alive", name: "CONNECTION"))
        #expect(!headers.containsToken("upgrade", name: "Connection"))
        #expect(!headers.containsToken("clos", name: "Connection"))
        #expect(headers.containsToken("100-continue", name: "expect"))
    }
}
