/// TLS records and the few handshake messages the probes read, parsed from raw bytes (RFC 5246
/// section 6.2 for records, 7.4 for handshake messages, RFC 8446 section 4.2.1 for supported_versions).
///
/// The probes read the peer's bytes themselves instead of trusting their own TLS library's error,
/// so that a refusal is checked on the wire: which alert, at which level, and whether anything else came.
public struct TLSRecord: Hashable, Sendable {
    public static let changeCipherSpec: UInt8 = 20
    public static let alert: UInt8 = 21
    public static let handshake: UInt8 = 22
    public static let applicationData: UInt8 = 23

    public var contentType: UInt8
    public var version: UInt16
    public var fragment: [UInt8]

    /// Splits `bytes` into whole records. Returns the records and the count of bytes that form no whole record.
    public static func parse(_ bytes: [UInt8]) -> (records: [TLSRecord], leftover: Int) {
        var records: [TLSRecord] = []
        var offset = 0
        while bytes.count - offset >= 5 {
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard bytes.count - offset - 5 >= length else { break }
            let version = UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2])
            records.append(TLSRecord(
                contentType: bytes[offset], version: version, fragment: Array(bytes[offset + 5..<offset + 5 + length])))
            offset += 5 + length
        }
        return (records, bytes.count - offset)
    }

    /// True when the bytes cannot be TLS at all, such as a plain-text HTTP answer.
    public static func looksLikeTLS(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return (20...24).contains(first) && (bytes.count < 2 || bytes[1] == 3)
    }
}

/// A TLS alert as sent on the wire.
public struct TLSAlertRecord: Hashable, Sendable, CustomStringConvertible {
    public var level: UInt8
    /// The alert description number, such as 70 for protocol_version.
    public var code: UInt8

    public var isFatal: Bool { level == 2 }

    /// Reads the first alert of a plaintext record. Returns nil for a record that is not an alert or
    /// is encrypted (longer than two bytes).
    public init?(record: TLSRecord) {
        guard record.contentType == TLSRecord.alert, record.fragment.count == 2 else { return nil }
        level = record.fragment[0]
        code = record.fragment[1]
    }

    public init(level: UInt8, code: UInt8) {
        self.level = level
        self.code = code
    }

    public var description: String {
        "\(isFatal ? "fatal" : "warning") \(Self.name(of: code))(\(code))"
    }

    /// The RFC 5246 / RFC 8446 name of an alert description.
    public static func name(of code: UInt8) -> String {
        switch code {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 40: "handshake_failure"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 44: "certificate_revoked"
        case 45: "certificate_expired"
        case 46: "certificate_unknown"
        case 47: "illegal_parameter"
        case 48: "unknown_ca"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 112: "unrecognized_name"
        case 116: "certificate_required"
        case 120: "no_application_protocol"
        default: "alert"
        }
    }
}

/// Names of the protocol versions as they appear on the wire.
public enum TLSVersionName {
    public static func name(_ version: UInt16) -> String {
        switch version {
        case 0x0300: "SSL 3.0"
        case 0x0301: "TLS 1.0"
        case 0x0302: "TLS 1.1"
        case 0x0303: "TLS 1.2"
        case 0x0304: "TLS 1.3"
        default: "0x" + String(version, radix: 16)
        }
    }
}
