import Foundation
import Synchronization
import Testing

@testable import EACPTransport

/// The router's `missResponder`: the response to requests that no route takes.
@Suite struct HTTPRouteMissTests {
    struct Recorded: Hashable, Sendable {
        var method: String
        var target: String
        var miss: HTTPRouteMiss
    }

    /// Returns the test router with a responder that responds to misses with JSON and records each call.
    static func routerWithResponder(recording calls: RecordedMisses) -> HTTPRouter {
        var router = testRouter()
        router.missResponder = { head, miss in
            calls.append(Recorded(method: head.method.name, target: head.target, miss: miss))
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if !miss.allowedMethods.isEmpty {
                headers.add(name: "Allow", value: miss.allowedMethods.map(\.name).joined(separator: ", "))
            }
            let kind = miss.kind == .notFound ? "not-found" : "method-not-allowed"
            return HTTPResponse(status: miss.error.status, headers: headers, body: Array("{\"miss\":\"\(kind)\"}".utf8))
        }
        return router
    }

    @Test func responderAnswersUnknownPath() async throws {
        let calls = RecordedMisses()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("POST /eacp/v1/nowhere?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 404 Not Found")
            #expect(response.contains("\r\nContent-Type: application/json\r\n"))
            #expect(response.contains("\r\nConnection: close\r\n"))
            #expect(!response.contains("\r\nAllow:"))
            #expect(response.hasSuffix("\r\n\r\n{\"miss\":\"not-found\"}"))
        }
        let recorded = try #require(calls.values.first)
        #expect(calls.values.count == 1)
        #expect(recorded.method == "POST")
        #expect(recorded.target == "/eacp/v1/nowhere?x=1")
        #expect(recorded.miss.kind == .notFound)
        #expect(recorded.miss.allowedMethods == [])
        #expect(recorded.miss.error.code == .routeNotFound)
    }

    @Test func responderAnswersWrongMethod() async throws {
        let calls = RecordedMisses()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("DELETE /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 405 Method Not Allowed")
            #expect(response.contains("\r\nAllow: POST\r\n"))
            #expect(response.hasSuffix("\r\n\r\n{\"miss\":\"method-not-allowed\"}"))
        }
        let recorded = try #require(calls.values.first)
        #expect(recorded.method == "DELETE")
        #expect(recorded.miss.kind == .methodNotAllowed)
        #expect(recorded.miss.allowedMethods == [.post])
        #expect(recorded.miss.error.code == .methodNotAllowed)
    }

    @Test func responseToHeadMissHasNoBody() async throws {
        let calls = RecordedMisses()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("HEAD /nowhere HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 404 Not Found")
            #expect(response.contains("\r\nContent-Length: 20\r\n"))
            #expect(response.hasSuffix("\r\n\r\n"))
        }
        #expect(calls.values.map(\.miss.kind) == [.notFound])
    }

    /// Other errors found before the body, such as a wrong Content-Type, keep the plain-text response.
    @Test func responderSkipsOtherErrors() async throws {
        let calls = RecordedMisses()
        try await withTestServer(router: Self.routerWithResponder(recording: calls)) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 415 Unsupported Media Type")
            #expect(response.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        }
        #expect(calls.values.isEmpty)
    }

    @Test func defaultMissResponseIsPlainText() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 405 Method Not Allowed")
            #expect(response.contains("\r\nAllow: POST\r\n"))
            #expect(response.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
            #expect(response.hasSuffix("\r\n\r\nGET is not allowed on /eacp/v1/heartbeat\n"))
        }
    }
}

/// The misses a responder saw, appended from the event loop thread and read after the server stops.
final class RecordedMisses: Sendable {
    private let storage = Mutex<[HTTPRouteMissTests.Recorded]>([])

    func append(_ recorded: HTTPRouteMissTests.Recorded) { storage.withLock { $0.append(recorded) } }

    var values: [HTTPRouteMissTests.Recorded] { storage.withLock { $0 } }
}
