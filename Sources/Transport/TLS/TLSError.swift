/// A failure in TLS setup, a handshake, or a TLS record exchange.
///
/// `code` is the value to match on. `message` names what failed and includes OpenSSL's error-queue
/// text and, for a rejected peer certificate, the X.509 verification result. `alert` is the TLS alert
/// this side sent or received when the failure came with one.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added, so switch statements over it need a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The TLSConfiguration is incomplete or contradicts itself (a server without a certificate, say).
        public static let invalidConfiguration = Code("invalid configuration")
        /// A PEM certificate, chain or private key could not be parsed.
        public static let invalidPEM = Code("invalid PEM")
        /// The handshake failed for a reason other than those below (no shared cipher, bad message).
        public static let handshakeFailed = Code("handshake failed")
        /// One side offered or chose a protocol version other than TLS 1.2.
        public static let unsupportedProtocolVersion = Code("unsupported protocol version")
        /// The peer's certificate failed verification (untrusted, expired, wrong host, missing).
        public static let peerCertificateRejected = Code("peer certificate rejected")
        /// A record after the handshake could not be read or written.
        public static let connectionFailed = Code("connection failed")
        /// The call is not valid in the session's current state (writing before the handshake, say).
        public static let invalidState = Code("invalid state")

        public var description: String { name }
    }

    public let code: Code
    public let message: String
    public let alert: TLSAlert?

    public init(code: Code, message: String, alert: TLSAlert? = nil) {
        self.code = code
        self.message = message
        self.alert = alert
    }

    public var description: String {
        guard let alert else { return "TLSError(\(code)): \(message)" }
        return "TLSError(\(code)): \(message) [alert \(alert)]"
    }
}

/// A TLS alert that this side sent or received (RFC 5246, section 7.2).
public struct TLSAlert: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: Hashable, Sendable {
        case sent
        case received
    }

    public let alertDescription: TLSAlertDescription
    public let isFatal: Bool
    public let direction: Direction

    public init(alertDescription: TLSAlertDescription, isFatal: Bool, direction: Direction) {
        self.alertDescription = alertDescription
        self.isFatal = isFatal
        self.direction = direction
    }

    public var description: String {
        let level = isFatal ? "fatal" : "warning"
        let verb = direction == .sent ? "sent" : "received"
        return "\(verb) \(level) alert \(alertDescription.rawValue) (\(alertDescription.name))"
    }
}

/// The AlertDescription byte of a TLS alert. A struct over the wire value, so values this list does
/// not name still round-trip.
public struct TLSAlertDescription: Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let closeNotify = TLSAlertDescription(rawValue: 0)
    public static let unexpectedMessage = TLSAlertDescription(rawValue: 10)
    public static let badRecordMAC = TLSAlertDescription(rawValue: 20)
    public static let handshakeFailure = TLSAlertDescription(rawValue: 40)
    public static let badCertificate = TLSAlertDescription(rawValue: 42)
    public static let certificateExpired = TLSAlertDescription(rawValue: 45)
    public static let certificateUnknown = TLSAlertDescription(rawValue: 46)
    public static let unknownCA = TLSAlertDescription(rawValue: 48)
    public static let decryptError = TLSAlertDescription(rawValue: 51)
    public static let protocolVersion = TLSAlertDescription(rawValue: 70)
    public static let internalError = TLSAlertDescription(rawValue: 80)
    public static let noRenegotiation = TLSAlertDescription(rawValue: 100)
    public static let certificateRequired = TLSAlertDescription(rawValue: 116)
    public static let noApplicationProtocol = TLSAlertDescription(rawValue: 120)
}
