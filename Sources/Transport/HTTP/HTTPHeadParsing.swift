/// Parsing of start lines and header field lines (RFC 9112, sections 3, 4 and 5), one complete line at a
/// time. Lines arrive without their CRLF.
enum HTTPHeadParsing {
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (HTTPMethod, String, HTTPVersion) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPError(.invalidStartLine, "request line is not 'method SP target SP version'")
        }
        guard parts[0].allSatisfy(isTokenByte) else {
            throw HTTPError(.invalidStartLine, "request method contains a byte that is not a token character")
        }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPError(.invalidStartLine, "request target contains a control, space or non-ASCII byte")
        }
        let version = try parseVersion(parts[2])
        return (HTTPMethod(ascii(parts[0])), ascii(parts[1]), version)
    }

    static func parseStatusLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (HTTPVersion, HTTPStatus) {
        let parts = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else {
            throw HTTPError(.invalidStartLine, "status line is not 'version SP code SP reason'")
        }
        let version = try parseVersion(parts[0])
        let code = parts[1]
        guard code.count == 3, code.allSatisfy(isDigit) else {
            throw HTTPError(.invalidStartLine, "status code '\(ascii(code))' is not three digits")
        }
        let reason = parts.count == 3 ? parts[2] : []
        guard reason.allSatisfy(isFieldValueByte) else {
            throw HTTPError(.invalidStartLine, "reason phrase contains a control character")
        }
        let number = Int(ascii(code))!  // Safe: three ASCII digits.
        return (version, HTTPStatus(code: number, reasonPhrase: latin1(reason)))
    }

    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> HTTPVersion {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count == 8, bytes.starts(with: prefix) else {
            throw HTTPError(.invalidStartLine, "version '\(latin1(bytes))' is not 'HTTP/x.y'")
        }
        let major = bytes[bytes.startIndex + 5]
        let dot = bytes[bytes.startIndex + 6]
        let minor = bytes[bytes.startIndex + 7]
        guard isDigit(major), dot == 0x2E, isDigit(minor) else {
            throw HTTPError(.invalidStartLine, "version '\(latin1(bytes))' is not 'HTTP/x.y'")
        }
        let version = HTTPVersion(major: Int(major - 0x30), minor: Int(minor - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPError(.unsupportedVersion, "\(version) is not supported; use HTTP/1.1")
        }
        return version
    }

    /// Parses one field line into the name and the value without surrounding whitespace.
    static func parseFieldLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (String, String) {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw HTTPError(.invalidHeader, "header line starts with whitespace (obsolete line folding)")
        }
        guard let colon = line.firstIndex(of: 0x3A) else {
            throw HTTPError(.invalidHeader, "header line '\(latin1(line.prefix(40)))' has no colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTPError(.invalidHeader, "header name '\(latin1(name.prefix(40)))' is not a token")
        }
        let value = line[(colon + 1)...]
        guard value.allSatisfy(isFieldValueByte) else {
            throw HTTPError(.invalidHeader, "value of header '\(ascii(name))' contains a control character")
        }
        // Trimming the bytes before decoding builds the value's String once.
        let start = value.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? value.endIndex
        let end = value.lastIndex { $0 != 0x20 && $0 != 0x09 }.map { $0 + 1 } ?? start
        return (ascii(name), latin1(value[start..<end]))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// tchar of RFC 9110, section 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Field values may hold visible characters, space, tab and obs-text, but no other control bytes.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    static func ascii(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Decodes bytes as ISO-8859-1, which keeps every obs-text byte as one character instead of failing.
    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return ascii(bytes) }
        var string = ""
        string.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return string
    }
}
