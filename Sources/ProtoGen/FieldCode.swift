/// The Swift declaration, decoding and encoding code of one field.
struct FieldCode {
    let field: FieldDeclaration
    let context: EmitContext

    /// Property name, in backticks when Swift reserves it.
    var propertyName: String { SwiftNames.identifier(SwiftNames.lowerCamelCase(field.name)) }

    /// Oneof case name, in backticks when Swift reserves it.
    var caseName: String { propertyName }

    /// The Swift type of one value of the field.
    var elementType: String {
        switch field.type {
        case .scalar(let scalar): Self.swiftTypes[scalar]!
        case .message(let name), .enumeration(let name): context.swiftTypeName(name)
        case .named(let name): preconditionFailure("unresolved type \(name) reached the emitter")
        }
    }

    var isMessage: Bool {
        if case .message = field.type { return true }
        return false
    }

    /// `public var name: Type = default` for a field outside a oneof.
    var declaration: String {
        if field.isRepeated { return "\(context.access)var \(propertyName): [\(elementType)] = []" }
        if isMessage { return "\(context.access)var \(propertyName): \(elementType)?" }
        return "\(context.access)var \(propertyName): \(elementType) = \(defaultValue)"
    }

    private var defaultValue: String {
        switch field.type {
        case .scalar(.string): "\"\""
        case .scalar(.bytes): "[]"
        case .scalar(.bool): "false"
        case .scalar: "0"
        case .enumeration(let name): ".\(context.firstCaseName(ofEnum: name))"
        case .message, .named: "nil"
        }
    }

    /// The runtime's scalar descriptor, such as `ProtoSInt64.self`; nil for strings, bytes and messages.
    private var scalarKind: String? {
        switch field.type {
        case .scalar(.string), .scalar(.bytes): nil
        case .scalar(let scalar): Self.scalarKinds[scalar]! + ".self"
        case .enumeration(let name): "ProtoEnum<\(context.swiftTypeName(name))>.self"
        case .message, .named: nil
        }
    }

    private var nameArgument: String { "name: \"\(field.name)\"" }

    // MARK: - Decoding

    /// Statements for the `case` of `decodeField` that handles this field outside a oneof.
    var decodeStatements: [String] {
        let name = "self.\(propertyName)"
        if field.isRepeated {
            switch (scalarKind, field.type) {
            case (let kind?, _): return ["try reader.appendScalars(\(kind), field, \(nameArgument), to: &\(name))"]
            case (nil, .scalar(.string)): return ["try reader.appendString(field, \(nameArgument), to: &\(name))"]
            case (nil, .scalar(.bytes)): return ["try reader.appendBytes(field, \(nameArgument), to: &\(name))"]
            default: return ["try reader.appendMessage(field, \(nameArgument), to: &\(name))"]
            }
        }
        if isMessage { return ["try reader.mergeMessage(field, \(nameArgument), into: &\(name))"] }
        return ["\(name) = try \(readExpression)"]
    }

    /// Statements that decode this oneof member into the oneof property `oneofName`.
    func oneofDecodeStatements(oneofName: String) -> [String] {
        guard isMessage else { return ["\(oneofName) = try .\(caseName)(\(readExpression))"] }
        return [
            "var value = \(elementType)()",
            "if case .\(caseName)(let existing)? = \(oneofName) { value = existing }",
            "try reader.mergeMessage(field, \(nameArgument), into: &value)",
            "\(oneofName) = .\(caseName)(value)",
        ]
    }

    private var readExpression: String {
        switch (scalarKind, field.type) {
        case (let kind?, _): "reader.readScalar(\(kind), field, \(nameArgument))"
        case (nil, .scalar(.string)): "reader.readString(field, \(nameArgument))"
        default: "reader.readBytes(field, \(nameArgument))"
        }
    }

    // MARK: - Encoding

    /// Returns the statement that writes this field from `value`: the property for a plain field, or the
    /// bound case value for a oneof member.
    func encodeStatement(value: String, inOneof: Bool) -> String {
        let call = encodingCall(value: value, inOneof: inOneof)
        let name = call.name.prefix(1).uppercased() + call.name.dropFirst()
        return "writer.write\(name)(\(call.arguments))"
    }

    /// Returns the statement that adds the size of what `encodeStatement` writes to a local `size`.
    func sizeStatement(value: String, inOneof: Bool) -> String {
        let call = encodingCall(value: value, inOneof: inOneof)
        return "size += WireSize.\(call.name)(\(call.arguments))"
    }

    /// The runtime function that encodes this field and its arguments. `WireWriter` has `write` followed by
    /// the capitalized name, and `WireSize` has the name itself, both with the same arguments.
    private func encodingCall(value: String, inOneof: Bool) -> (name: String, arguments: String) {
        let number = "field: \(field.number)"
        let keepDefault = inOneof ? ", omittingDefault: false" : ""
        switch (scalarKind, field.type) {
        case (let kind?, _) where field.isRepeated: return ("packed", "\(kind), \(value), \(number)")
        case (let kind?, _): return ("scalar", "\(kind), \(value), \(number)\(keepDefault)")
        case (nil, .scalar(.string)) where field.isRepeated: return ("strings", "\(value), \(number)")
        case (nil, .scalar(.string)): return ("string", "\(value), \(number)\(keepDefault)")
        case (nil, .scalar(.bytes)) where field.isRepeated: return ("bytesList", "\(value), \(number)")
        case (nil, .scalar(.bytes)): return ("bytes", "\(value), \(number)\(keepDefault)")
        case _ where field.isRepeated: return ("messages", "\(value), \(number)")
        default: return ("message", "\(value), \(number)")
        }
    }

    // MARK: - Tables

    private static let swiftTypes: [ScalarType: String] = [
        .int32: "Int32", .int64: "Int64", .uint32: "UInt32", .uint64: "UInt64", .sint32: "Int32", .sint64: "Int64",
        .fixed32: "UInt32", .fixed64: "UInt64", .sfixed32: "Int32", .sfixed64: "Int64", .bool: "Bool",
        .string: "String", .bytes: "[UInt8]", .float: "Float", .double: "Double",
    ]

    private static let scalarKinds: [ScalarType: String] = [
        .int32: "ProtoInt32", .int64: "ProtoInt64", .uint32: "ProtoUInt32", .uint64: "ProtoUInt64",
        .sint32: "ProtoSInt32", .sint64: "ProtoSInt64", .fixed32: "ProtoFixed32", .fixed64: "ProtoFixed64",
        .sfixed32: "ProtoSFixed32", .sfixed64: "ProtoSFixed64", .bool: "ProtoBool", .float: "ProtoFloat",
        .double: "ProtoDouble",
    ]
}
