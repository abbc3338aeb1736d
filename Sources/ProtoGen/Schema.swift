/// The parsed contents of one `.proto` file in the supported proto3 subset.
public struct ProtoFile: Sendable {
    public var path: String
    public var package: String
    public var messages: [MessageDeclaration]
    public var enums: [EnumDeclaration]
}

/// The fifteen proto3 scalar types.
public enum ScalarType: String, CaseIterable, Sendable {
    case int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64
    case bool, string, bytes, float, double
}

/// A field's type as written, and after resolution, what the name refers to.
public enum FieldType: Sendable, Equatable {
    case scalar(ScalarType)
    /// A message or enum name as written in the file, such as `Foo.Bar` or `.eacp.v1.Foo`.
    case named(String)
    /// A resolved message; the full name within the package, such as `Heartbeat.Capabilities`.
    case message(String)
    /// A resolved enum; the full name within the package.
    case enumeration(String)
}

public struct FieldDeclaration: Sendable {
    public var name: String
    public var number: Int
    public var type: FieldType
    public var isRepeated: Bool
    /// Index into the enclosing message's `oneofs` when the field is a oneof member.
    public var oneofIndex: Int?
    public var documentation: [String]
    public var location: SourceLocation
}

public struct OneofDeclaration: Sendable {
    public var name: String
    public var documentation: [String]
    public var location: SourceLocation
}

/// Field or enum value numbers and names that a message or enum must not use.
public struct ReservedDeclarations: Sendable {
    /// Closed ranges; `reserved 5;` is `5...5`.
    public var numberRanges: [ClosedRange<Int64>] = []
    public var names: [String] = []
    public var locations: [SourceLocation] = []
}

public struct MessageDeclaration: Sendable {
    public var name: String
    /// The name within the package including enclosing messages, such as `Heartbeat.Capabilities`.
    public var fullName: String
    /// Fields in declaration order, oneof members included.
    public var fields: [FieldDeclaration]
    public var oneofs: [OneofDeclaration]
    public var messages: [MessageDeclaration]
    public var enums: [EnumDeclaration]
    public var reserved: ReservedDeclarations
    public var documentation: [String]
    public var location: SourceLocation
}

public struct EnumValueDeclaration: Sendable {
    public var name: String
    public var number: Int64
    public var documentation: [String]
    public var location: SourceLocation
}

public struct EnumDeclaration: Sendable {
    public var name: String
    /// The name within the package including enclosing messages, such as `ActionReceipt.Subject`.
    public var fullName: String
    public var values: [EnumValueDeclaration]
    public var reserved: ReservedDeclarations
    public var documentation: [String]
    public var location: SourceLocation
}
