/// The error thrown when a string is not a valid agent version.
///
/// Match on `reason` to tell the cases apart; `position` points at the offending character so a
/// person can find it in `input`.
public struct VersionParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The string that failed to parse, unchanged.
    public let input: String

    /// Zero-based offset, in Unicode scalars, of the character where parsing failed. For a
    /// component that is too large it is the component's first digit. For input that ends too early
    /// it is the length of the input.
    public let position: Int

    /// The syntax rule the input breaks.
    public let reason: Reason

    public init(input: String, position: Int, reason: Reason) {
        self.input = input
        self.position = position
        self.reason = reason
    }

    public var description: String {
        "invalid agent version \(Self.quoted(input)): \(reason) at offset \(position); "
            + "expected 1 to \(AgentVersion.maximumComponentCount) decimal numbers separated by '.', "
            + "each at most \(UInt32.max)"
    }

    /// Quotes the input for a message, cut to 64 characters so that a huge string from the wire
    /// does not flood a log.
    private static func quoted(_ text: String) -> String {
        let limit = 64
        guard text.unicodeScalars.count > limit else { return "\"\(text)\"" }
        return "\"\(String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))))…\""
    }

    /// A rule of the agent version syntax. New reasons may be added, so a `switch` over them needs
    /// a `default`.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case empty
            case emptyComponent
            case unexpectedCharacter
            case tooManyComponents
            case componentTooLarge
        }

        private let code: Code

        private init(_ code: Code) { self.code = code }

        /// The input is the empty string.
        public static let empty = Reason(.empty)
        /// Two dots in a row, or a dot at the start or the end.
        public static let emptyComponent = Reason(.emptyComponent)
        /// A character other than an ASCII digit or '.', such as a sign, a space or a suffix
        /// like "-beta".
        public static let unexpectedCharacter = Reason(.unexpectedCharacter)
        /// More than `AgentVersion.maximumComponentCount` components.
        public static let tooManyComponents = Reason(.tooManyComponents)
        /// A component larger than 4294967295 (2^32 - 1).
        public static let componentTooLarge = Reason(.componentTooLarge)

        public var description: String {
            switch code {
            case .empty: "empty string"
            case .emptyComponent: "empty component"
            case .unexpectedCharacter: "unexpected character"
            case .tooManyComponents: "more than \(AgentVersion.maximumComponentCount) components"
            case .componentTooLarge: "component larger than \(UInt32.max)"
            }
        }
    }
}
