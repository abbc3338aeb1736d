/// The incremental HTTP/1.1 parser shared by requests and responses: bytes go in with `append`, parts come
/// out of `nextPart` one at a time, and nothing is buffered beyond the configured limits.
///
/// Framing is decided when the first part after the head is pulled, not when the head is parsed, so a
/// server can look at the head, pick the route's body limit and set `bodyLimit` before any body is read.
struct HTTPMessageParser {
    enum Kind { case request, response }

    enum Part: Hashable, Sendable {
        case requestHead(HTTPRequestHead)
        case responseHead(HTTPResponseHead)
        case body([UInt8])
        case end
    }

    private enum State {
        /// Waiting for a complete start line and header section. Next: headParsed, or failed.
        case awaitingHead
        /// The head was returned. Next: fixedBody, chunkSize, untilClose or upgraded when the body starts,
        /// or awaitingHead when there is no body.
        case headParsed(HTTPBodyFraming)
        /// Next: awaitingHead once `remaining` is 0.
        case fixedBody(remaining: Int)
        /// Next: chunkData, or trailers after the last chunk.
        case chunkSize
        /// Next: chunkDataEnd.
        case chunkData(remaining: Int)
        /// Expecting the CRLF after chunk data. Next: chunkSize.
        case chunkDataEnd
        /// Next: awaitingHead after the empty line.
        case trailers
        /// A response body that ends with the connection. Next: finished, through `finish()`.
        case untilClose
        /// The rest of the bytes belong to another protocol. Terminal.
        case upgraded
        /// The connection ended. Terminal.
        case finished
        /// A parse error. Terminal, because the byte stream can no longer be trusted.
        case failed(HTTPError)
    }

    let kind: Kind
    let limits: HTTPParserLimits
    var bodyLimit: Int
    /// The method of the request whose response is parsed next. Responses only.
    var requestMethod: HTTPMethod = .get

    private var buffer = HTTPByteBuffer()
    private var state = State.awaitingHead
    private var scannedCount = 0
    private var chunkedBodyCount = 0

    init(kind: Kind, limits: HTTPParserLimits) {
        self.kind = kind
        self.limits = limits
        self.bodyLimit = limits.maxBodyBytes
    }

    var bufferedCount: Int { buffer.readableCount }

    /// Whether the parser sits between messages, where a connection may close cleanly.
    var isIdle: Bool {
        if case .awaitingHead = state { return buffer.isEmpty }
        return false
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(bytes) }
    mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(bytes) }

    /// The bytes after an upgrade or tunnel response, which belong to the next protocol.
    mutating func takeUnconsumedBytes() -> [UInt8] { buffer.takeAll() }

    /// Returns the next part, or nil when more bytes are needed. After an error every call throws it again.
    mutating func nextPart() throws(HTTPError) -> Part? {
        do {
            return try advance()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// Tells the parser that the connection ended. Returns `.end` when that completes a close-delimited
    /// body and nil when the connection ended between messages.
    mutating func finish() throws(HTTPError) -> Part? {
        switch state {
        case .untilClose:
            state = .finished
            return .end
        case .awaitingHead where buffer.isEmpty, .finished, .upgraded:
            state = .finished
            return nil
        case .failed(let error):
            throw error
        case .awaitingHead, .headParsed, .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            let error = HTTPError(.incompleteMessage, "connection ended in the middle of a message")
            state = .failed(error)
            throw error
        }
    }

    private mutating func advance() throws(HTTPError) -> Part? {
        switch state {
        case .awaitingHead: return try parseHead()
        case .headParsed(let framing): return try startBody(framing)
        case .fixedBody(let remaining): return readFixedBody(remaining: remaining)
        case .chunkSize: return try parseChunkSize()
        case .chunkData(let remaining): return readChunkData(remaining: remaining)
        case .chunkDataEnd: return try parseChunkDataEnd()
        case .trailers: return try parseTrailers()
        case .untilClose: return buffer.isEmpty ? nil : .body(buffer.takeAll())
        case .upgraded, .finished: return nil
        case .failed(let error): throw error
        }
    }

    // MARK: Head

    private mutating func parseHead() throws(HTTPError) -> Part? {
        if kind == .request { skipLeadingEmptyLines() }
        guard let lineEnd = buffer.firstCRLF(from: 0) else {
            if buffer.readableCount >= limits.maxStartLineBytes { throw startLineTooLong() }
            return nil
        }
        guard lineEnd + 2 <= limits.maxStartLineBytes else { throw startLineTooLong() }

        let fieldsStart = lineEnd + 2
        guard let emptyLine = buffer.firstEmptyLine(from: max(lineEnd, scannedCount - 3)) else {
            scannedCount = buffer.readableCount
            if buffer.readableCount - fieldsStart >= limits.maxHeaderBytes + 2 { throw headerSectionTooLarge() }
            if buffer.readableCount >= limits.maxHeadBytes + 2 { throw headTooLarge() }
            return nil
        }
        let fieldsEnd = emptyLine == lineEnd ? fieldsStart : emptyLine + 2
        guard fieldsEnd - fieldsStart <= limits.maxHeaderBytes else { throw headerSectionTooLarge() }
        guard fieldsEnd <= limits.maxHeadBytes else { throw headTooLarge() }

        let startLine = buffer.slice(0, lineEnd)
        let headers = try parseFields(buffer.slice(fieldsStart, fieldsEnd))
        buffer.consume(emptyLine + 4)
        scannedCount = 0
        return try makeHead(startLine: startLine, headers: headers)
    }

    private mutating func makeHead(startLine: ArraySlice<UInt8>, headers: HTTPHeaders) throws(HTTPError) -> Part? {
        switch kind {
        case .request:
            let (method, target, version) = try HTTPHeadParsing.parseRequestLine(startLine)
            let head = HTTPRequestHead(method: method, target: target, version: version, headers: headers)
            state = .headParsed(try HTTPBodyFraming.ofRequest(head))
            return .requestHead(head)
        case .response:
            let (version, status) = try HTTPHeadParsing.parseStatusLine(startLine)
            let head = HTTPResponseHead(status: status, version: version, headers: headers)
            if status.isInformational && status.code != 101 {
                // Interim responses such as 100 Continue carry nothing a caller needs, and the final one follows.
                state = .awaitingHead
                return try parseHead()
            }
            state = .headParsed(try HTTPBodyFraming.ofResponse(head, method: requestMethod))
            return .responseHead(head)
        }
    }

    /// Parses header field lines, each ending in CRLF, from a section that passed the byte limit.
    private func parseFields(_ section: ArraySlice<UInt8>) throws(HTTPError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var lineStart = section.startIndex
        while lineStart < section.endIndex {
            var lineEnd = lineStart
            while !(section[lineEnd] == 0x0D && section[lineEnd + 1] == 0x0A) { lineEnd += 1 }
            guard headers.count < limits.maxHeaderCount else {
                throw HTTPError(.headerCountExceeded, "message has more than \(limits.maxHeaderCount) header fields")
            }
            let (name, value) = try HTTPHeadParsing.parseFieldLine(section[lineStart..<lineEnd])
            headers.add(name: name, value: value)
            lineStart = lineEnd + 2
        }
        return headers
    }

    /// Skips empty lines before a request line, which RFC 9112, section 2.2 asks servers to ignore.
    private mutating func skipLeadingEmptyLines() {
        while buffer.readableCount >= 2, buffer[0] == 0x0D, buffer[1] == 0x0A { buffer.consume(2) }
    }

    private func startLineTooLong() -> HTTPError {
        let line = kind == .request ? "request line" : "status line"
        return HTTPError(.startLineTooLong, "\(line) is longer than \(limits.maxStartLineBytes) bytes")
    }

    private func headerSectionTooLarge() -> HTTPError {
        HTTPError(.headerSectionTooLarge, "header section is larger than \(limits.maxHeaderBytes) bytes")
    }

    private func headTooLarge() -> HTTPError {
        HTTPError(.headerSectionTooLarge, "start line and header section are larger than \(limits.maxHeadBytes) bytes")
    }

    // MARK: Body

    private mutating func startBody(_ framing: HTTPBodyFraming) throws(HTTPError) -> Part? {
        switch framing {
        case .none:
            return endMessage()
        case .contentLength(let length):
            guard length <= bodyLimit else { throw bodyTooLarge() }
            state = .fixedBody(remaining: length)
            return length == 0 ? endMessage() : readFixedBody(remaining: length)
        case .chunked:
            chunkedBodyCount = 0
            state = .chunkSize
            return try parseChunkSize()
        case .untilClose:
            state = .untilClose
            return buffer.isEmpty ? nil : .body(buffer.takeAll())
        case .upgrade:
            state = .upgraded
            return .end
        }
    }

    private mutating func readFixedBody(remaining: Int) -> Part? {
        let count = min(remaining, buffer.readableCount)
        guard count > 0 else { return nil }
        let bytes = buffer.read(count)
        state = remaining == count ? .headParsed(.none) : .fixedBody(remaining: remaining - count)
        return .body(bytes)
    }

    private mutating func parseChunkSize() throws(HTTPError) -> Part? {
        guard let lineEnd = buffer.firstCRLF(from: 0) else {
            if buffer.readableCount >= limits.maxChunkLineBytes { throw chunkLineTooLong() }
            return nil
        }
        guard lineEnd + 2 <= limits.maxChunkLineBytes else { throw chunkLineTooLong() }
        let size = try HTTPChunkLine.parseSize(buffer.slice(0, lineEnd))
        guard size <= bodyLimit - chunkedBodyCount else { throw bodyTooLarge() }
        buffer.consume(lineEnd + 2)
        chunkedBodyCount += size
        if size == 0 {
            state = .trailers
            return try parseTrailers()
        }
        state = .chunkData(remaining: size)
        return readChunkData(remaining: size)
    }

    private mutating func readChunkData(remaining: Int) -> Part? {
        let count = min(remaining, buffer.readableCount)
        guard count > 0 else { return nil }
        let bytes = buffer.read(count)
        state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)
        return .body(bytes)
    }

    private mutating func parseChunkDataEnd() throws(HTTPError) -> Part? {
        guard buffer.readableCount >= 2 else { return nil }
        guard buffer[0] == 0x0D, buffer[1] == 0x0A else {
            throw HTTPError(.invalidChunk, "chunk data is not followed by CRLF")
        }
        buffer.consume(2)
        state = .chunkSize
        return try parseChunkSize()
    }

    /// Reads and discards trailer fields, which EACP does not use, with the same limits as the header section.
    private mutating func parseTrailers() throws(HTTPError) -> Part? {
        if buffer.readableCount >= 2, buffer[0] == 0x0D, buffer[1] == 0x0A {
            buffer.consume(2)
            return endMessage()
        }
        guard let emptyLine = buffer.firstEmptyLine(from: 0) else {
            if buffer.readableCount >= limits.maxHeaderBytes + 2 { throw headerSectionTooLarge() }
            return nil
        }
        guard emptyLine + 2 <= limits.maxHeaderBytes else { throw headerSectionTooLarge() }
        _ = try parseFields(buffer.slice(0, emptyLine + 2))
        buffer.consume(emptyLine + 4)
        return endMessage()
    }

    private mutating func endMessage() -> Part {
        state = .awaitingHead
        bodyLimit = limits.maxBodyBytes
        return .end
    }

    private func bodyTooLarge() -> HTTPError {
        HTTPError(.bodyTooLarge, "body is larger than the limit of \(bodyLimit) bytes")
    }

    private func chunkLineTooLong() -> HTTPError {
        HTTPError(.invalidChunk, "chunk-size line is longer than \(limits.maxChunkLineBytes) bytes")
    }
}
