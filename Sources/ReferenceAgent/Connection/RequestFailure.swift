import EACPProtocol

/// A request to the server that did not return a usable reply.
public struct RequestFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// No complete response arrived: connection refused or lost, TLS failure, timeout.
        public static let noResponse = Code(name: "noResponse")
        /// The server answered with an error status.
        public static let errorStatus = Code(name: "errorStatus")
        /// A success response that does not decode, breaks a rule or is above the body limit.
        public static let badReply = Code(name: "badReply")
        /// The isolation in force does not allow this connection.
        public static let blockedByIsolation = Code(name: "blockedByIsolation")
    }

    public let code: Code
    public let message: String
    /// The HTTP status of an error response.
    public var status: Int?
    /// The error code of the response's `ErrorReply`, when it had one.
    public var errorCode: ErrorCode?
    /// The server's Retry-After in milliseconds, from the header or the `ErrorReply`.
    public var retryAfterMs: Int64?

    public init(_ code: Code, _ message: String, status: Int? = nil, errorCode: ErrorCode? = nil, retryAfterMs: Int64? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.errorCode = errorCode
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { message }
}
