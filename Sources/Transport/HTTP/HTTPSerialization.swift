import Glibc
import Synchronization

extension HTTPRequestHead {
    /// The request line and header fields as sent on the wire, ending with the empty line.
    public func encoded() -> [UInt8] {
        HTTPSerialization.encode(startLine: "\(method.name) \(target) \(version)", headers: headers)
    }
}

extension HTTPResponseHead {
    /// The status line and header fields as sent on the wire, ending with the empty line.
    public func encoded() -> [UInt8] {
        HTTPSerialization.encode(startLine: "\(version) \(status.code) \(status.reasonPhrase)", headers: headers)
    }
}

enum HTTPSerialization {
    static func encode(startLine: String, headers: HTTPHeaders) -> [UInt8] {
        var text = startLine + "\r\n"
        for (name, value) in headers {
            precondition(
                !name.utf8.contains { $0 == 0x0D || $0 == 0x0A } && !value.utf8.contains { $0 == 0x0D || $0 == 0x0A },
                "header field \(name) contains CR or LF, which would inject a header")
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Encodes one chunk of a chunked body: the size in hex, CRLF, the bytes, CRLF. Empty input encodes nothing,
    /// because a zero-size chunk would end the body.
    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        return Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [0x0D, 0x0A]
    }

    /// The last chunk with no trailer fields.
    static let lastChunk = Array("0\r\n\r\n".utf8)

    /// Encodes a response: status line, the response's own fields except those the server sets (`Date`,
    /// `Content-Length` when `contentLength` is given, `Connection` when `connection` is given), then the
    /// server's fields in that order, the empty line and the body. The status line always carries HTTP/1.1.
    static func encodeResponse(
        _ response: HTTPResponse, date: String, contentLength: Int?, connection: String?, includeBody: Bool
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + response.headers.count * 32 + (includeBody ? response.body.count : 0))
        bytes += "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8
        let headers = response.headers
        for index in 0..<headers.count {
            let name = headers.names[index]
            if HTTPHeaders.sameName(name, "Date") || (contentLength != nil && HTTPHeaders.sameName(name, "Content-Length"))
                || (connection != nil && HTTPHeaders.sameName(name, "Connection"))
            {
                continue
            }
            appendField(name, headers.values[index], to: &bytes)
        }
        appendField("Date", date, to: &bytes)
        if let contentLength { appendField("Content-Length", String(contentLength), to: &bytes) }
        if let connection { appendField("Connection", connection, to: &bytes) }
        bytes += [0x0D, 0x0A]
        if includeBody { bytes += response.body }
        return bytes
    }

    private static func appendField(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        precondition(
            !name.utf8.contains { $0 == 0x0D || $0 == 0x0A } && !value.utf8.contains { $0 == 0x0D || $0 == 0x0A },
            "header field \(name) contains CR or LF, which would inject a header")
        bytes += name.utf8
        bytes += [0x3A, 0x20]
        bytes += value.utf8
        bytes += [0x0D, 0x0A]
    }

    /// The Date value of the current second, shared by every connection so that it is formatted once
    /// a second rather than once a response.
    private static let dateCache = Mutex<(second: Int, text: String)>((-1, ""))

    /// Returns the current time as an IMF-fixdate for the Date header (RFC 9110, section 5.6.7).
    static func httpDate() -> String {
        let now = time(nil)
        return dateCache.withLock { cache in
            if cache.second != now {
                cache = (now, formatDate(now))
            }
            return cache.text
        }
    }

    private static func formatDate(_ seconds: time_t) -> String {
        var now = seconds
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 40)
        let count = strftime(&text, text.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: text.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
