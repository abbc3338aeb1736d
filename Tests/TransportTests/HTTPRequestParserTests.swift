import Testing

@testable import EACPTransport

/// Feeds `text` to a fresh request parser in one piece and returns every part it produces.
private func parts(_ text: String, limits: HTTPParserLimits = .default) throws(HTTPError) -> [HTTPRequestPart] {
    var parser = HTTPRequestParser(limits: limits)
    parser.append(Array(text.utf8))
    var result: [HTTPRequestPart] = []
    while let part = try parser.nextPart() { result.append(part) }
    return result
}

/// Returns the error the parser throws for `text`, or nil when it parses.
private func error(_ text: String, limits: HTTPParserLimits = .default) -> HTTPError? {
    do {
        _ = try parts(text, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func head(_ method: HTTPMethod, _ target: String, _ headers: HTTPHeaders, version: HTTPVersion = .http1_1)
    -> HTTPRequestPart
{
    .head(HTTPRequestHead(method: method, target: target, version: version, headers: headers))
}

@Suite struct HTTPRequestParserTests {
    @Test func parsesRequestWithContentLength() throws {
        let result = try parts("POST /eacp/v1/heartbeat HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        #expect(
            result == [
                head(.post, "/eacp/v1/heartbeat", ["Host": "a", "Content-Length": "3"]),
                .body(Array("abc".utf8)),
                .end,
            ])
    }

    @Test func parsesRequestWithoutBody() throws {
        let result = try parts("GET /x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result == [head(.get, "/x?y=1", ["Host": "a"]), .end])
    }

    @Test func parsesChunkedBodyWithExtensionAndTrailer() throws {
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;name=value\r\nabc\r\n2\r\nde\r\n0\r\nTrailer-Field: x\r\n\r\n"
        let result = try parts(text)
        #expect(
            result == [
                head(.post, "/", ["Host": "a", "Transfer-Encoding": "chunked"]),
                .body(Array("abc".utf8)), .body(Array("de".utf8)), .end,
            ])
    }

    @Test func parsesPipelinedRequests() throws {
        let result = try parts("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result == [head(.get, "/1", ["Host": "a"]), .end, head(.get, "/2", ["Host": "a"]), .end])
    }

    @Test func parsesBytesFedOneAtATime() throws {
        let text = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        var parser = HTTPRequestParser()
        var body: [UInt8] = []
        var sawEnd = false
        for byte in text.utf8 {
            parser.append([byte])
            while let part = try parser.nextPart() {
                if case .body(let bytes) = part { body += bytes }
                if case .end = part { sawEnd = true }
            }
        }
        #expect(body == Array("hi".utf8))
        #expect(sawEnd)
        #expect(parser.isIdle)
    }

    @Test func skipsEmptyLinesBeforeRequestLine() throws {
        let result = try parts("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result == [head(.get, "/", ["Host": "a"]), .end])
    }

    @Test func trimsOptionalWhitespaceAroundValues() throws {
        let result = try parts("GET / HTTP/1.1\r\nHost: \t a \t\r\n\r\n")
        #expect(result == [head(.get, "/", ["Host": "a"]), .end])
    }

    @Test func acceptsHTTP10WithoutHost() throws {
        let result = try parts("GET / HTTP/1.0\r\n\r\n")
        #expect(result == [head(.get, "/", [:], version: .http1_0), .end])
    }

    @Test func keepsIdenticalRepeatedContentLength() throws {
        let result = try parts("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nz")
        #expect(result.count == 3)
    }

    @Test func returnsUpgradeBytesAfterRequest() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /push HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n\u{82}\u{0}".utf8))
        #expect(try parser.nextPart() == head(.get, "/push", ["Host": "a", "Upgrade": "websocket"]))
        #expect(try parser.nextPart() == .end)
        #expect(parser.takeUnconsumedBytes() == [0xC2, 0x82, 0x00])
    }

    @Test func appliesBodyLimitSetAfterHead() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde".utf8))
        _ = try parser.nextPart()
        parser.bodyLimit = 4
        #expect(throws: HTTPError.self) { try parser.nextPart() }
    }

    @Test func keepAliveFollowsVersionAndConnectionField() {
        #expect(HTTPRequestHead(method: .get, target: "/", version: .http1_1).keepAlive)
        #expect(!HTTPRequestHead(method: .get, target: "/", version: .http1_0).keepAlive)
        #expect(HTTPRequestHead(method: .get, target: "/", version: .http1_0, headers: ["Connection": "Keep-Alive"]).keepAlive)
        #expect(!HTTPRequestHead(method: .get, target: "/", headers: ["Connection": "foo, close"]).keepAlive)
    }

    @Test func finishInsideBodyThrowsIncompleteMessage() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab".utf8))
        while try parser.nextPart() != nil {}
        #expect(throws: HTTPError(.incompleteMessage, "connection ended in the middle of a message")) {
            try parser.finish()
        }
    }
}

/// Every rejection, with the exact input that causes it and the status a server answers with.
@Suite struct HTTPRequestParserRejectionTests {
    @Test(arguments: [
        ("GET /\r\n\r\n", HTTPError.Code.invalidStartLine, 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidStartLine, 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidStartLine, 400),
        ("GET /\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", .invalidStartLine, 400),
        ("GET / HTTP/1.x\r\nHost: a\r\n\r\n", .invalidStartLine, 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost, 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .missingHost, 400),
        ("GET / HTTP/1.1\r\nHost a\r\n\r\n", .invalidHeader, 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .invalidHeader, 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", .invalidHeader, 400),
        ("GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", .invalidHeader, 400),
        ("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", .invalidHeader, 400),
        ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", .invalidHeader, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming, 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding, 501),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunk, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1x\r\n", .invalidChunk, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY", .invalidChunk, 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", .bodyTooLarge, 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", .bodyTooLarge, 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", .bodyTooLarge, 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n", .bodyTooLarge, 413),
    ])
    func rejectsMalformedRequest(text: String, code: HTTPError.Code, status: Int) throws {
        let thrown = try #require(error(text))
        #expect(thrown.code == code)
        #expect(thrown.status.code == status)
    }

    @Test func rejectsChunkedBodyOverLimitAcrossChunks() throws {
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n80000\r\n" + String(repeating: "a", count: 0x80000)
            + "\r\n80001\r\n"
        let thrown = try #require(error(text))
        #expect(thrown.code == .bodyTooLarge)
    }

    @Test func acceptsRequestLineAtLimitAndRejectsOneByteMore() throws {
        let limit = HTTPParserLimits.default.maxStartLineBytes
        let fixed = "GET / HTTP/1.1\r\n".utf8.count - 1
        let atLimit = "GET /" + String(repeating: "a", count: limit - fixed - 1) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(try parts(atLimit).count == 2)

        let overLimit = "GET /" + String(repeating: "a", count: limit - fixed) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        let thrown = try #require(error(overLimit))
        #expect(thrown.code == .startLineTooLong)
        #expect(thrown.status == .uriTooLong)
    }

    @Test func rejectsUnterminatedRequestLineOnceLimitIsReached() throws {
        let thrown = try #require(error("GET /" + String(repeating: "a", count: 8 * 1024)))
        #expect(thrown.code == .startLineTooLong)
    }

    @Test func acceptsHundredHeadersAndRejectsHundredAndOne() throws {
        let hundred = (1..<100).map { "X-\($0): v\r\n" }.joined()
        #expect(try parts("GET / HTTP/1.1\r\nHost: a\r\n" + hundred + "\r\n").count == 2)

        let thrown = try #require(error("GET / HTTP/1.1\r\nHost: a\r\n" + hundred + "X-100: v\r\n\r\n"))
        #expect(thrown.code == .headerCountExceeded)
        #expect(thrown.status.code == 431)
    }

    @Test func acceptsHeaderSectionAtLimitAndRejectsOneByteMore() throws {
        let limit = HTTPParserLimits.default.maxHeaderBytes
        let host = "Host: a\r\n"
        let filler = { (count: Int) in "X: " + String(repeating: "v", count: count - 5) + "\r\n" }
        let atLimit = "GET / HTTP/1.1\r\n" + host + filler(limit - host.utf8.count) + "\r\n"
        #expect(try parts(atLimit).count == 2)

        let overLimit = "GET / HTTP/1.1\r\n" + host + filler(limit - host.utf8.count + 1) + "\r\n"
        let thrown = try #require(error(overLimit))
        #expect(thrown.code == .headerSectionTooLarge)
        #expect(thrown.status.code == 431)
    }

    @Test func rejectsUnterminatedHeaderSectionOnceLimitIsReached() throws {
        let text = "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 64 * 1024)
        let thrown = try #require(error(text))
        #expect(thrown.code == .headerSectionTooLarge)
    }

    @Test func rejectsOverlongChunkLine() throws {
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 1024)
        let thrown = try #require(error(text))
        #expect(thrown.code == .invalidChunk)
    }

    @Test func keepsThrowingAfterFirstError() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPError.self) { try parser.nextPart() }
        #expect(throws: HTTPError.self) { try parser.nextPart() }
    }
}

@Suite struct HTTPRangeTests {
    @Test(arguments: [
        ("bytes=0-3", 10, 0, 3), ("bytes=4-", 10, 4, 9), ("bytes=-3", 10, 7, 9), ("bytes=2-100", 10, 2, 9),
        ("bytes=-30", 10, 0, 9),
    ])
    func parsesSingleRange(value: String, length: Int, first: Int, last: Int) throws {
        #expect(try HTTPByteRange.parse(value, length: length) == HTTPByteRange(first: first, last: last))
    }

    @Test(arguments: ["bytes=0-1,3-4", "items=0-1", "bytes=5-2", "bytes=x-", "bytes=-0", "bytes"])
    func ignoresUnusableRange(value: String) throws {
        #expect(try HTTPByteRange.parse(value, length: 10) == nil)
    }

    @Test func rejectsRangePastEnd() {
        #expect(throws: HTTPRangeNotSatisfiable(length: 10)) { try HTTPByteRange.parse("bytes=10-", length: 10) }
    }

    @Test func parsesContentRange() {
        #expect(HTTPContentRange("bytes 0-9/100")?.range == HTTPByteRange(first: 0, last: 9))
        #expect(HTTPContentRange("bytes 0-9/100")?.completeLength == 100)
        #expect(HTTPContentRange("bytes 5-9/*")?.completeLength == nil)
        #expect(HTTPContentRange("bytes 5-9/9") == nil)
        #expect(HTTPContentRange("bytes */100") == nil)
    }
}
