/// An HTTP failure: a message that could not be parsed, a request the server rejects, or a timeout.
///
/// Callers match on `code`, and `message` names what failed for a person. New codes can be added without
/// breaking callers because `Code` is a struct, not an enum. `status` maps every code to the response a
/// server sends.
public struct HTTPError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case invalidStartLine, startLineTooLong, unsupportedVersion, invalidHeader, headerCountExceeded
            case headerSectionTooLarge, missingHost, invalidContentLength, conflictingFraming
            case unsupportedTransferEncoding, invalidChunk, bodyTooLarge, incompleteMessage
            case headerTimeout, bodyTimeout, responseTimeout, routeNotFound, methodNotAllowed
            case unsupportedMediaType, upgradeRequired, tooManyRequests, serviceUnavailable, connectionClosed
        }

        fileprivate let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// The request line or status line is not `token SP target SP version` or `version SP code SP reason`.
        public static let invalidStartLine = Code(.invalidStartLine)
        /// The request line or status line is longer than `maxStartLineBytes`.
        public static let startLineTooLong = Code(.startLineTooLong)
        /// The version is well formed but not HTTP/1.0 or HTTP/1.1.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A header line has no colon, an invalid name, a control character, or is an obsolete line folding.
        public static let invalidHeader = Code(.invalidHeader)
        /// The message has more header fields than `maxHeaderCount`.
        public static let headerCountExceeded = Code(.headerCountExceeded)
        /// The header section is longer than `maxHeaderBytes`.
        public static let headerSectionTooLarge = Code(.headerSectionTooLarge)
        /// An HTTP/1.1 request has no Host field or more than one.
        public static let missingHost = Code(.missingHost)
        /// Content-Length is not a decimal number or differs between repeated fields.
        public static let invalidContentLength = Code(.invalidContentLength)
        /// Both Content-Length and Transfer-Encoding are present, or Transfer-Encoding came with HTTP/1.0.
        public static let conflictingFraming = Code(.conflictingFraming)
        /// Transfer-Encoding names a coding other than chunked.
        public static let unsupportedTransferEncoding = Code(.unsupportedTransferEncoding)
        /// A chunk-size line or the CRLF after chunk data is malformed.
        public static let invalidChunk = Code(.invalidChunk)
        /// The body is larger than the limit of its route.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The connection ended in the middle of a message.
        public static let incompleteMessage = Code(.incompleteMessage)
        /// The header section did not arrive within the header timeout.
        public static let headerTimeout = Code(.headerTimeout)
        /// The body did not arrive within the body timeout.
        public static let bodyTimeout = Code(.bodyTimeout)
        /// A client waited longer than its response timeout.
        public static let responseTimeout = Code(.responseTimeout)
        /// No route matches the path.
        public static let routeNotFound = Code(.routeNotFound)
        /// A route matches the path but not the method.
        public static let methodNotAllowed = Code(.methodNotAllowed)
        /// The route expects another Content-Type.
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// The route only accepts a protocol upgrade, such as a WebSocket handshake.
        public static let upgradeRequired = Code(.upgradeRequired)
        /// The client sent more requests than the server accepts right now.
        public static let tooManyRequests = Code(.tooManyRequests)
        /// The server is overloaded or shutting down.
        public static let serviceUnavailable = Code(.serviceUnavailable)
        /// The connection closed or failed before the exchange finished.
        public static let connectionClosed = Code(.connectionClosed)
    }

    public let code: Code
    public let message: String
    /// Seconds the client should wait before retrying, sent as Retry-After with 429 and 503.
    public var retryAfterSeconds: Int?
    /// The methods the matched route accepts, sent as Allow with 405.
    public var allowedMethods: [HTTPMethod] = []
    /// Extra header fields for the error response, such as `Upgrade: websocket` with 426.
    public var responseHeaders: HTTPHeaders = [:]

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "HTTP error \(code): \(message)" }

    /// The status of the server's response to this error. This switch is the one place that maps errors to statuses.
    public var status: HTTPStatus {
        switch code.backing {
        case .invalidStartLine, .invalidHeader, .missingHost, .invalidContentLength, .conflictingFraming,
            .invalidChunk, .incompleteMessage, .connectionClosed:
            return .badRequest
        case .startLineTooLong: return .uriTooLong
        case .unsupportedVersion: return .httpVersionNotSupported
        case .headerCountExceeded, .headerSectionTooLarge: return .requestHeaderFieldsTooLarge
        case .unsupportedTransferEncoding: return .notImplemented
        case .bodyTooLarge: return .contentTooLarge
        case .headerTimeout, .bodyTimeout, .responseTimeout: return .requestTimeout
        case .routeNotFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .unsupportedMediaType: return .unsupportedMediaType
        case .upgradeRequired: return .upgradeRequired
        case .tooManyRequests: return .tooManyRequests
        case .serviceUnavailable: return .serviceUnavailable
        }
    }

    /// The header fields of the error response: Allow, Retry-After and `responseHeaders`.
    public var statusHeaders: HTTPHeaders {
        var headers = responseHeaders
        if !allowedMethods.isEmpty {
            headers.add(name: "Allow", value: allowedMethods.map(\.name).joined(separator: ", "))
        }
        if let retryAfterSeconds {
            headers.add(name: "Retry-After", value: String(retryAfterSeconds))
        }
        return headers
    }
}
