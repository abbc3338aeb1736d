/// A single byte range (RFC 9110, section 14), resolved against a representation's length.
public struct HTTPByteRange: Hashable, Sendable {
    /// Offset of the first byte.
    public var first: Int
    /// Offset of the last byte, inclusive.
    public var last: Int

    public var count: Int { last - first + 1 }

    /// Parses a Range field value of one range ("bytes=0-99", "bytes=100-", "bytes=-50") against a
    /// representation of `length` bytes. Returns nil for a value to ignore (syntax errors, several ranges,
    /// another unit), which means serving the whole representation, and throws for a range that lies
    /// wholly past the end, which gets 416.
    public static func parse(_ value: String, length: Int) throws(HTTPRangeNotSatisfiable) -> HTTPByteRange? {
        guard value.hasPrefix("bytes="), !value.contains(",") else { return nil }
        let spec = value.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        let start = spec[0].trimmingASCIIWhitespace()
        let end = spec[1].trimmingASCIIWhitespace()

        if start.isEmpty {
            guard let suffix = Int(end), suffix > 0 else { return nil }
            guard length > 0 else { throw HTTPRangeNotSatisfiable(length: length) }
            return HTTPByteRange(first: max(0, length - suffix), last: length - 1)
        }
        guard let first = Int(start), first >= 0 else { return nil }
        var last = length - 1
        if !end.isEmpty {
            guard let requestedLast = Int(end), requestedLast >= first else { return nil }
            last = min(requestedLast, length - 1)
        }
        guard first < length else { throw HTTPRangeNotSatisfiable(length: length) }
        return HTTPByteRange(first: first, last: last)
    }
}

/// The Content-Range of a 206 response (RFC 9110, section 14.4), which a client reads to resume a download.
public struct HTTPContentRange: Hashable, Sendable {
    public var range: HTTPByteRange
    /// The length of the whole representation, or nil when the server sent `*`.
    public var completeLength: Int?

    /// Parses `bytes FIRST-LAST/LENGTH` or `bytes FIRST-LAST/*`, or returns nil for anything else.
    public init?(_ value: String) {
        guard value.hasPrefix("bytes ") else { return nil }
        let parts = value.dropFirst("bytes ".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), first >= 0, last >= first else {
            return nil
        }
        if parts[1] == "*" {
            completeLength = nil
        } else {
            guard let length = Int(parts[1]), length > last else { return nil }
            completeLength = length
        }
        range = HTTPByteRange(first: first, last: last)
    }
}

/// A Range that starts at or past the end of the representation.
public struct HTTPRangeNotSatisfiable: Error, Hashable, Sendable {
    public var length: Int
}

extension HTTPResponse {
    /// Serves `content` whole (200) or the one range the request asks for (206), or responds with 416 when
    /// the range starts past the end. Every response carries `Accept-Ranges: bytes`.
    public static func ranged(_ content: [UInt8], for request: HTTPRequestHead, contentType: String) -> HTTPResponse {
        var headers: HTTPHeaders = ["Accept-Ranges": "bytes", "Content-Type": contentType]
        guard let value = request.headers.first(name: "Range") else {
            return HTTPResponse(status: .ok, headers: headers, body: content)
        }
        do {
            guard let range = try HTTPByteRange.parse(value, length: content.count) else {
                return HTTPResponse(status: .ok, headers: headers, body: content)
            }
            headers.add(name: "Content-Range", value: "bytes \(range.first)-\(range.last)/\(content.count)")
            return HTTPResponse(status: .partialContent, headers: headers, body: Array(content[range.first...range.last]))
        } catch {
            headers.add(name: "Content-Range", value: "bytes */\(content.count)")
            return HTTPResponse(status: .rangeNotSatisfiable, headers: headers)
        }
    }
}
