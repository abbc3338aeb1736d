/// A part of an HTTP request, in the order the parser returns them: one head, zero or more body pieces, end.
public enum HTTPRequestPart: Hashable, Sendable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}

/// A part of an HTTP response, in the order the parser returns them: one head, zero or more body pieces, end.
public enum HTTPResponsePart: Hashable, Sendable {
    case head(HTTPResponseHead)
    case body([UInt8])
    case end
}

/// An incremental parser of HTTP/1.1 requests: a value with no I/O that takes bytes and returns parts.
///
/// Pull parts with `nextPart()` until it returns nil, then append more bytes. After `.end` the next
/// request of a keep-alive connection follows. A thrown error is final, and its `status` is the response to send.
public struct HTTPRequestParser {
    private var core: HTTPMessageParser

    public init(limits: HTTPParserLimits = .default) {
        core = HTTPMessageParser(kind: .request, limits: limits)
    }

    /// The body limit of the current request. Set it after `.head` and before pulling the body. It returns
    /// to `limits.maxBodyBytes` after each request.
    public var bodyLimit: Int {
        get { core.bodyLimit }
        set { core.bodyLimit = newValue }
    }

    /// Bytes appended but not yet returned as parts.
    public var bufferedCount: Int { core.bufferedCount }

    /// Whether the parser is between requests with nothing buffered.
    public var isIdle: Bool { core.isIdle }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { core.append(bytes) }
    public mutating func append(_ bytes: [UInt8]) { core.append(bytes) }

    public mutating func nextPart() throws(HTTPError) -> HTTPRequestPart? {
        switch try core.nextPart() {
        case .requestHead(let head): return .head(head)
        case .body(let bytes): return .body(bytes)
        case .end: return .end
        case .responseHead, nil: return nil
        }
    }

    /// Tells the parser that the connection ended, and throws `incompleteMessage` when it ended inside a request.
    public mutating func finish() throws(HTTPError) {
        _ = try core.finish()
    }

    /// The bytes buffered after a request that upgraded the connection, such as the first WebSocket frames.
    public mutating func takeUnconsumedBytes() -> [UInt8] { core.takeUnconsumedBytes() }
}

/// An incremental parser of HTTP/1.1 responses, the counterpart of `HTTPRequestParser` for clients.
///
/// Call `expectResponse(to:)` before each response, because the request method decides whether a body
/// follows (HEAD) or whether the connection becomes a tunnel (CONNECT). Interim 1xx responses other than
/// 101 are skipped.
public struct HTTPResponseParser {
    private var core: HTTPMessageParser

    public init(limits: HTTPParserLimits = .default) {
        core = HTTPMessageParser(kind: .response, limits: limits)
    }

    public var bodyLimit: Int {
        get { core.bodyLimit }
        set { core.bodyLimit = newValue }
    }

    public var isIdle: Bool { core.isIdle }

    public mutating func expectResponse(to method: HTTPMethod) { core.requestMethod = method }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { core.append(bytes) }
    public mutating func append(_ bytes: [UInt8]) { core.append(bytes) }

    public mutating func nextPart() throws(HTTPError) -> HTTPResponsePart? {
        switch try core.nextPart() {
        case .responseHead(let head): return .head(head)
        case .body(let bytes): return .body(bytes)
        case .end: return .end
        case .requestHead, nil: return nil
        }
    }

    /// Tells the parser that the connection ended. Returns `.end` when that completes a body delimited by
    /// the connection's close, nil when it ended between responses, and throws when it ended inside one.
    public mutating func finish() throws(HTTPError) -> HTTPResponsePart? {
        try core.finish() == .end ? .end : nil
    }

    /// The bytes after a 101 or CONNECT response, which belong to the upgraded protocol or the tunnel.
    public mutating func takeUnconsumedBytes() -> [UInt8] { core.takeUnconsumedBytes() }
}
