/// A WebSocket failure: a frame that breaks RFC 6455, a message over the limit, a failed handshake, a
/// peer that stopped sending pongs, or a message the application rejects.
///
/// Callers match on `code`, and `closeCode` is the one place that maps each failure to the close code sent.
public struct WebSocketError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case protocolViolation, textNotSupported, invalidCloseReason, messageTooLarge, malformedMessage
            case policyViolation, unavailable, handshakeFailed, pongTimeout, closeTimeout, connectionClosed
            case internalError
        }

        fileprivate let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// A frame breaks a rule of RFC 6455: reserved bits or opcode, masking, control frame size, order.
        public static let protocolViolation = Code(.protocolViolation)
        /// A text frame arrived, but EACP sends binary messages only.
        public static let textNotSupported = Code(.textNotSupported)
        /// A close frame's reason is not valid UTF-8.
        public static let invalidCloseReason = Code(.invalidCloseReason)
        /// A message is larger than `maxMessageBytes`.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The application could not decode a message as the type it expects.
        public static let malformedMessage = Code(.malformedMessage)
        /// The application rejected a message that decodes but breaks a rule, such as one in the wrong
        /// direction.
        public static let policyViolation = Code(.policyViolation)
        /// The server cannot serve the connection now (starting, stopping, storage down).
        public static let unavailable = Code(.unavailable)
        /// The upgrade request or response is not a valid WebSocket handshake.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// Pongs stopped arriving (the missed pong limit or the pong timeout), so the connection is presumed
        /// half-open.
        public static let pongTimeout = Code(.pongTimeout)
        /// The peer sent no close frame in reply within the close timeout.
        public static let closeTimeout = Code(.closeTimeout)
        /// The connection ended, cleanly or not.
        public static let connectionClosed = Code(.connectionClosed)
        /// The application or the transport failed.
        public static let internalError = Code(.internalError)
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "WebSocket error \(code): \(message)" }

    /// The close code sent to the peer for this failure. This switch is the one place that maps them, and
    /// it follows EACP's error table: missed pongs are a side going away (1001), not a fault.
    public var closeCode: WebSocketCloseCode {
        switch code.backing {
        case .pongTimeout: return .goingAway
        case .protocolViolation, .handshakeFailed: return .protocolError
        case .textNotSupported: return .unsupportedData
        case .invalidCloseReason, .malformedMessage: return .invalidPayload
        case .policyViolation: return .policyViolation
        case .messageTooLarge: return .messageTooBig
        case .closeTimeout, .connectionClosed, .internalError: return .internalError
        case .unavailable: return .tryAgainLater
        }
    }
}
