/// The error thrown when bytes do not decode as the expected message.
///
/// The error names where decoding stopped: the innermost message being decoded, the field when one was
/// being read, and the byte offset counted from the start of the outermost input.
public struct WireDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure, compared with `==`. It is a struct so that new kinds can be added without
    /// breaking callers.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case truncated
            case malformed
            case limitExceeded
        }

        private let code: Code

        /// The input ended before the message was complete, so more bytes might make it valid.
        public static let truncated = Kind(code: .truncated)

        /// The bytes can never be a valid encoding of the message, whatever follows them.
        public static let malformed = Kind(code: .malformed)

        /// The input exceeds one of the ``DecodingLimits``.
        public static let limitExceeded = Kind(code: .limitExceeded)

        public var description: String {
            switch code {
            case .truncated: "truncated"
            case .malformed: "malformed"
            case .limitExceeded: "limit exceeded in"
            }
        }
    }

    public var kind: Kind

    /// Protocol Buffers name of the innermost message being decoded, such as `Heartbeat`.
    public var messageName: String

    /// Name of the field as written in the `.proto` file, or nil for unknown fields and errors between fields.
    public var fieldName: String?

    /// Number of the field being read, or nil when the error came before or between fields.
    public var fieldNumber: Int?

    /// Offset of the first byte of the element that failed, counted from the start of the outermost input.
    public var byteOffset: Int

    /// Description of the problem, such as `invalid UTF-8`.
    public var reason: String

    public init(
        kind: Kind,
        messageName: String,
        fieldName: String? = nil,
        fieldNumber: Int? = nil,
        byteOffset: Int,
        reason: String
    ) {
        self.kind = kind
        self.messageName = messageName
        self.fieldName = fieldName
        self.fieldNumber = fieldNumber
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// A one-line account such as `malformed Heartbeat.agent_version (field 1) at byte 12: invalid UTF-8`.
    public var description: String {
        var location = messageName
        switch (fieldName, fieldNumber) {
        case (let name?, let number?): location += ".\(name) (field \(number))"
        case (let name?, nil): location += ".\(name)"
        case (nil, let number?): location += " field \(number)"
        case (nil, nil): break
        }
        return "\(kind) \(location) at byte \(byteOffset): \(reason)"
    }
}
