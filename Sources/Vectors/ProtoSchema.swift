import Foundation
import ProtoGen

/// The messages and enums of one `.proto` file, looked up by name for schema-driven conversions.
///
/// The schema lets vectors be read and written without the generated Swift types, so that a fault in the
/// generated code cannot hide itself by being applied to both sides of a comparison.
public struct ProtoSchema: Sendable {
    /// The package name, such as `eacp.v1`.
    public let package: String

    /// Every message's full name within the package, nested messages after their parent, in file order.
    public let messageNames: [String]

    private let messages: [String: MessageDeclaration]
    private let enums: [String: EnumDeclaration]

    /// Parses and checks `source` with the same parser the code generator uses.
    public init(source: String, path: String) throws {
        let file = try SwiftGenerator.parse(source: source, path: path)
        var messages: [String: MessageDeclaration] = [:]
        var enums: [String: EnumDeclaration] = [:]
        var names: [String] = []
        func collect(_ declarations: [MessageDeclaration]) {
            for message in declarations {
                messages[message.fullName] = message
                names.append(message.fullName)
                for nested in message.enums { enums[nested.fullName] = nested }
                collect(message.messages)
            }
        }
        collect(file.messages)
        for declaration in file.enums { enums[declaration.fullName] = declaration }

        self.package = file.package
        self.messageNames = names
        self.messages = messages
        self.enums = enums
    }

    /// Reads and parses the `.proto` file at `url`.
    public init(contentsOf url: URL) throws {
        let source = try String(contentsOf: url, encoding: .utf8)
        try self.init(source: source, path: url.lastPathComponent)
    }

    /// The message named `name`, with or without the package prefix.
    func message(_ name: String) throws -> MessageDeclaration {
        guard let message = messages[localName(name)] else {
            throw SchemaConversionError("message \(name) is not declared in package \(package)")
        }
        return message
    }

    func enumeration(_ name: String) throws -> EnumDeclaration {
        guard let declaration = enums[name] else {
            throw SchemaConversionError("enum \(name) is not declared in package \(package)")
        }
        return declaration
    }

    /// `eacp.v1.Heartbeat` -> `Heartbeat`; a name without the package prefix is returned unchanged.
    public func localName(_ name: String) -> String {
        let prefix = package + "."
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// `Heartbeat` -> `eacp.v1.Heartbeat`.
    public func qualifiedName(_ localName: String) -> String {
        package.isEmpty ? localName : package + "." + localName
    }
}

extension FieldDeclaration {
    /// The field's name in the proto3 JSON mapping: each underscore is dropped and the letter after it is
    /// capitalized, as `protoc` derives `json_name` (`oldest_security_event_unix_ms` -> `oldestSecurityEventUnixMs`).
    var jsonName: String {
        var result = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A failure to convert between proto3 JSON and the wire format using the schema.
public struct SchemaConversionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed, naming the message, field and value, such as `Heartbeat.agentVersion: expected a string`.
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
