/// A problem that stops the runner itself, as opposed to a case that fails: bad usage, a peer that
/// cannot be started, a report that cannot be written. The command line maps each to exit status 2,
/// except a stale known-failures file, which is 3.
public struct RunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The command line or an option value is invalid.
        public static let usage = Code("usage")
        /// The implementation under test, or a peer the runner needs, could not be started or reached.
        public static let harness = Code("harness")
        /// A report file could not be written.
        public static let report = Code("report")
        /// The known-failures file is unreadable, lists a case without a reason, or lists a case that passes.
        public static let staleKnownFailures = Code("stale known failures")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
