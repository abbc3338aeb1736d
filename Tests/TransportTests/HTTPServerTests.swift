import Foundation
import Testing

@testable import EACPTransport

@Suite struct HTTPServerTests {
    @Test func raisesOpenFileLimitOnStart() async throws {
        try await withTestServer(configure: { $0.maxConnections = 100 }) { server, _, _ in
            let limit = try #require(server.openFileLimit)
            #expect(limit.requested == 164)
            #expect(limit.current == limit.maximum)
        }
    }

    @Test func startsWhenOpenFileLimitFallsShort() async throws {
        let hardLimit = try OpenFileLimit.raise().maximum
        try #require(hardLimit < UInt64(Int.max) - 64, "the hard open-file limit is unlimited")
        try await withTestServer(configure: { $0.maxConnections = Int(hardLimit) }) { server, _, _ in
            let limit = try #require(server.openFileLimit)
            #expect(limit.requested == hardLimit + 64)
            #expect(limit.satisfiesRequest == false)
            let expectedStart = "open-file limit is \(hardLimit), below the \(hardLimit + 64) requested"
            #expect(limit.description.hasPrefix(expectedStart))
        }
    }

    @Test func servesPostAndReusesConnection() async throws {
        try await withTestServer { server, group, port in
            let client = HTTPClient(connector: plaintextConnector(port: port), group: group)
            let first = try await client.post("/eacp/v1/heartbeat", body: [1, 2, 3])
            #expect(first.status == .ok)
            #expect(first.body == [3, 2, 1])
            #expect(first.headers.first(name: "Content-Length") == "3")

            let second = try await client.post("/eacp/v1/heartbeat", body: [4, 5])
            #expect(second.body == [5, 4])
            #expect(server.connectionCount == 1)
            client.close()
        }
    }

    @Test func decodesPathParameterAndServesRanges() async throws {
        try await withTestServer { _, group, port in
            let client = HTTPClient(connector: plaintextConnector(port: port), group: group)
            let whole = try await client.get("/eacp/v1/content/7%201")
            #expect(whole.status == .ok)
            #expect(String(decoding: whole.body, as: UTF8.self) == "revision 7 1 content")
            #expect(whole.headers.first(name: "Accept-Ranges") == "bytes")

            let part = try await client.get("/eacp/v1/content/42", headers: ["Range": "bytes=9-10"])
            #expect(part.status == .partialContent)
            #expect(String(decoding: part.body, as: UTF8.self) == "42")
            #expect(part.headers.first(name: "Content-Range") == "bytes 9-10/19")
            let contentRange = try #require(part.headers.first(name: "Content-Range").flatMap(HTTPContentRange.init))
            #expect(contentRange.range == HTTPByteRange(first: 9, last: 10))
            #expect(contentRange.completeLength == 19)

            let tail = try await client.get("/eacp/v1/content/42", headers: ["Range": "bytes=-7"])
            #expect(String(decoding: tail.body, as: UTF8.self) == "content")

            let past = try await client.get("/eacp/v1/content/42", headers: ["Range": "bytes=19-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers.first(name: "Content-Range") == "bytes */19")
            client.close()
        }
    }

    @Test func answersRouteErrorsWithTheirStatuses() async throws {
        try await withTestServer { _, group, port in
            let client = HTTPClient(connector: plaintextConnector(port: port), group: group)
            let notFound = try await client.get("/nowhere")
            #expect(notFound.status.code == 404)

            let wrongMethod = try await client.get("/eacp/v1/heartbeat")
            #expect(wrongMethod.status.code == 405)
            #expect(wrongMethod.headers.first(name: "Allow") == "POST")

            let wrongType = try await client.post("/eacp/v1/heartbeat", body: [1], contentType: "application/json")
            #expect(wrongType.status.code == 415)

            let tooLarge = try await client.post("/eacp/v1/heartbeat", body: [UInt8](repeating: 0, count: 65))
            #expect(tooLarge.status.code == 413)

            let notUpgraded = try await client.get("/eacp/v1/push")
            #expect(notUpgraded.status.code == 426)
            #expect(notUpgraded.headers.first(name: "Upgrade") == "websocket")

            let busy = try await client.post("/busy", body: [])
            #expect(busy.status.code == 429)
            #expect(busy.headers.first(name: "Retry-After") == "7")

            let failed = try await client.post("/fail", body: [])
            #expect(failed.status.code == 500)
            #expect(String(decoding: failed.body, as: UTF8.self) == "internal error\n")
            client.close()
        }
    }

    @Test func answers503WithRetryAfterWhenFull() async throws {
        try await withTestServer(configure: { $0.maxConnections = 0; $0.retryAfterSeconds = 3 }) { _, _, port in
            let raw = try RawClient(port: port)
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 503 Service Unavailable")
            #expect(response.contains("\r\nRetry-After: 3\r\n"))
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\n\r\n", "HTTP/1.1 414 URI Too Long"),
        ("GET / HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 101) + "\r\n", "HTTP/1.1 431 Request Header Fields Too Large"),
        ("GET / HTTP/3.0\r\nHost: a\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"),
        ("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: br\r\n\r\n",
         "HTTP/1.1 501 Not Implemented"),
        ("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\nContent-Length: 65\r\n\r\n",
         "HTTP/1.1 413 Content Too Large"),
        ("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.1 415 Unsupported Media Type"),
        ("DELETE /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"),
        ("GET /eacp/v1/push HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 426 Upgrade Required"),
    ])
    func answersMalformedRequestWithStatus(request: String, expected: String) async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            raw.send(request)
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == expected)
            #expect(response.contains("\r\nConnection: close\r\n"))
        }
    }

    @Test func cutsOffSlowHeaderWith408() async throws {
        try await withTestServer(configure: { $0.headerTimeout = .milliseconds(200) }) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("GET /eacp/v1/content/1 HTTP/1.1\r\n")
            raw.send("Ho")
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 408 Request Timeout")
        }
    }

    @Test func cutsOffSlowBodyWith408() async throws {
        try await withTestServer(configure: { $0.bodyTimeout = .milliseconds(200) }) { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            #expect(statusLine(try await raw.readToEnd()) == "HTTP/1.1 408 Request Timeout")
        }
    }

    @Test func closesIdleKeepAliveConnection() async throws {
        try await withTestServer(configure: { $0.idleTimeout = .milliseconds(100) }) { server, _, port in
            let raw = try RawClient(port: port)
            #expect(try await raw.readToEnd() == "")
            try await waitUntil { server.connectionCount == 0 }
        }
    }

    @Test func readsChunkedBodyAndPipelinedRequests() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            raw.send(
                "POST /slow HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                    + "GET /eacp/v1/content/5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = try await raw.readToEnd()
            let parts = response.components(separatedBy: "HTTP/1.1 200 OK")
            try #require(parts.count == 3)
            #expect(parts[1].hasSuffix("\r\n\r\nabcde"))
            #expect(parts[2].hasSuffix("\r\n\r\nrevision 5 content"))
        }
    }

    @Test func answersHeadWithoutBody() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            raw.send("HEAD /eacp/v1/content/5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 200 OK")
            #expect(response.contains("\r\nContent-Length: 18\r\n"))
            #expect(response.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func sends100ContinueBeforeBody() async throws {
        try await withTestServer { _, _, port in
            let raw = try RawClient(port: port)
            raw.send(
                "POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
            #expect(try await raw.read(until: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
            raw.send([7, 8])
            let response = try await raw.readToEnd()
            #expect(statusLine(response) == "HTTP/1.1 200 OK")
            #expect(response.hasSuffix("\r\n\r\n\u{8}\u{7}"))
        }
    }

    @Test func finishesRequestInFlightDuringShutdown() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let started = Eventually<Bool>()
        let release = Eventually<Bool>()
        var router = HTTPRouter()
        router.add(.post, "/held") { request in
            started.set(true)
            _ = try await release.value()
            return HTTPResponse(body: request.body)
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(), router: router, group: group) {
            PlaintextStream()
        }
        let port = try await server.start().port
        let client = HTTPClient(connector: plaintextConnector(port: port), group: group)
        async let held = client.post("/held", body: [9])
        #expect(try await started.value())
        let idle = try RawClient(port: port)
        try await waitUntil { server.connectionCount == 2 }

        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // The idle connection closes as soon as the drain starts; only then may the handler finish.
        #expect(try await idle.readToEnd() == "")
        release.set(true)
        let response = try await held
        await shutdown.value

        #expect(response.status == .ok)
        #expect(response.body == [9])
        #expect(response.headers.first(name: "Connection") == "close")
        #expect(server.connectionCount == 0)
        #expect(throws: (any Error).self) { _ = try RawClient(port: port) }
    }
}

@Suite struct HTTPCurlTests {
    @Test func curlPostsAndGetsOverPlainHTTP() async throws {
        try await withTestServer { _, _, port in
            let base = "http://127.0.0.1:\(port)"
            let (postStatus, posted) = try await run(
                "/usr/bin/curl",
                ["-sS", "--max-time", "10", "-H", "Content-Type: application/x-protobuf", "--data-binary", "abc",
                 "\(base)/eacp/v1/heartbeat"])
            #expect(postStatus == 0)
            #expect(posted == "cba")

            let (rangeStatus, ranged) = try await run("/usr/bin/curl", ["-sS", "--max-time", "10", "-r", "0-7", "\(base)/eacp/v1/content/3"])
            #expect(rangeStatus == 0)
            #expect(ranged == "revision")

            let (codeStatus, code) = try await run(
                "/usr/bin/curl", ["-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/missing"])
            #expect(codeStatus == 0)
            #expect(code == "404")
        }
    }

    @Test func curlSendsChunkedBody() async throws {
        try await withTestServer { _, _, port in
            let (status, output) = try await run(
                "/usr/bin/curl",
                ["-sS", "--max-time", "10", "-H", "Transfer-Encoding: chunked", "--data-binary", "chunky",
                 "http://127.0.0.1:\(port)/slow"])
            #expect(status == 0)
            #expect(output == "chunky")
        }
    }
}
