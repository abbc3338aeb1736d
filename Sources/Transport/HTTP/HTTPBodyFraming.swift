/// The delimiting of a message body (RFC 9112, section 6.3).
enum HTTPBodyFraming: Hashable, Sendable {
    case none
    case contentLength(Int)
    case chunked
    /// The body runs until the server closes the connection. Responses only.
    case untilClose
    /// The bytes after the head belong to another protocol, after a 101 response or a 2xx response to CONNECT.
    case upgrade

    /// Returns the framing of a request. A request without Content-Length or Transfer-Encoding has no body.
    static func ofRequest(_ head: HTTPRequestHead) throws(HTTPError) -> HTTPBodyFraming {
        if head.version == .http1_1 || head.headers.contains(name: "Host") {
            guard head.headers.values(name: "Host").count == 1 else {
                throw HTTPError(.missingHost, "request must carry exactly one Host header")
            }
        }
        if head.headers.contains(name: "Transfer-Encoding") && head.version == .http1_0 {
            throw HTTPError(.conflictingFraming, "Transfer-Encoding is not allowed in an HTTP/1.0 request")
        }
        return try ofMessage(head.headers, otherwise: .none)
    }

    /// Returns the framing of a response to a request with `method`.
    static func ofResponse(_ head: HTTPResponseHead, method: HTTPMethod) throws(HTTPError) -> HTTPBodyFraming {
        let code = head.status.code
        if code == 101 || (method == .connect && head.status.isSuccess) { return .upgrade }
        if method == .head || head.status.isInformational || code == 204 || code == 304 { return .none }
        return try ofMessage(head.headers, otherwise: .untilClose)
    }

    private static func ofMessage(_ headers: HTTPHeaders, otherwise: HTTPBodyFraming) throws(HTTPError)
        -> HTTPBodyFraming
    {
        let hasLength = headers.contains(name: "Content-Length")
        if headers.contains(name: "Transfer-Encoding") {
            guard !hasLength else {
                throw HTTPError(.conflictingFraming, "message carries both Content-Length and Transfer-Encoding")
            }
            let codings = headers.tokens(name: "Transfer-Encoding")
            guard codings == ["chunked"] else {
                throw HTTPError(
                    .unsupportedTransferEncoding,
                    "Transfer-Encoding '\(codings.joined(separator: ", "))' is not supported; only chunked is")
            }
            return .chunked
        }
        if hasLength {
            return .contentLength(try contentLength(headers.values(name: "Content-Length")))
        }
        return otherwise
    }

    /// Parses Content-Length. Repeated fields or list elements must all be the same number. A number too
    /// large for `Int` becomes `Int.max`, which every body limit rejects.
    static func contentLength(_ values: [String]) throws(HTTPError) -> Int {
        let elements = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingASCIIWhitespace() }
        guard let first = elements.first, elements.allSatisfy({ $0 == first }) else {
            throw HTTPError(.invalidContentLength, "Content-Length fields differ: \(values)")
        }
        guard !first.isEmpty, first.utf8.allSatisfy(HTTPHeadParsing.isDigit) else {
            throw HTTPError(.invalidContentLength, "Content-Length '\(first)' is not a decimal number")
        }
        return Int(first) ?? Int.max
    }
}

/// Parsing of the chunk-size line of a chunked body (RFC 9112, section 7.1).
enum HTTPChunkLine {
    /// Returns the chunk size of a line without its CRLF. Extensions are checked for control bytes and
    /// ignored. A size too large for `Int` becomes `Int.max`.
    static func parseSize(_ line: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexValue(line[index]) {
            size = size > (Int.max >> 4) ? Int.max : (size << 4) | digit
            digits += 1
            index += 1
        }
        guard digits > 0 else {
            throw HTTPError(.invalidChunk, "chunk-size line does not start with a hexadecimal size")
        }
        let rest = line[index...].drop { $0 == 0x20 || $0 == 0x09 }
        guard rest.isEmpty || rest.first == 0x3B else {
            throw HTTPError(.invalidChunk, "chunk size is followed by a byte that starts no extension")
        }
        guard rest.allSatisfy(HTTPHeadParsing.isFieldValueByte) else {
            throw HTTPError(.invalidChunk, "chunk extension contains a control character")
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }
}
