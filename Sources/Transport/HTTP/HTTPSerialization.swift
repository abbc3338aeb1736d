import Glibc

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

    /// Returns the current time as an IMF-fixdate for the Date header (RFC 9110, section 5.6.7).
    static func httpDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 40)
        let count = strftime(&text, text.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: text.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
