/// A setting that is missing or invalid. The agent exits with a non-zero status and prints `message`.
public struct AgentOptionsError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// A required setting is given by neither a flag nor the environment.
        public static let missingSetting = Code(name: "missingSetting")
        /// A value does not parse or breaks a rule.
        public static let invalidValue = Code(name: "invalidValue")
        /// A file named by a setting cannot be read or holds nothing usable.
        public static let unreadableFile = Code(name: "unreadableFile")
        /// The command line has an unknown flag or command.
        public static let usage = Code(name: "usage")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
