/// A position in a `.proto` file; line and column count from 1, and the column counts UTF-8 bytes.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// An error in a `.proto` file, reported the way compilers do: `file:line:column: error: message`.
///
/// Syntax errors read `expected ..., found ...`; errors found after parsing (duplicate numbers, unknown
/// types) name the declaration at fault.
public struct ProtoGenError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): error: \(message)" }
}
