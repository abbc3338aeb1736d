/// A setting that stops the server from starting, with where it came from.
public struct SettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where a setting was read.
    public enum Source: Hashable, Sendable, CustomStringConvertible {
        case file(String)
        case environment(String)
        case flag(String)

        public var description: String {
            switch self {
            case .file(let path): "configuration file \(path)"
            case .environment(let name): "environment variable \(name)"
            case .flag(let flag): "option \(flag)"
            }
        }
    }

    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The name is not a setting.
        public static let unknownSetting = Code("unknown setting")
        /// The value does not parse or lies outside the setting's range.
        public static let invalidValue = Code("invalid value")
        /// The configuration file cannot be read or is not a JSON object.
        public static let unreadableFile = Code("unreadable file")
        /// An option that needs a value came last on the command line.
        public static let missingValue = Code("missing value")

        public var description: String { name }
    }

    public let code: Code
    public let source: Source
    public let message: String

    public init(code: Code, source: Source, message: String) {
        self.code = code
        self.source = source
        self.message = message
    }

    public var description: String { "\(code) in \(source): \(message)" }
}
