import Foundation
import ProtoGen

/// The proto3 JSON mapping of a ``DynamicMessage``: lowerCamelCase member names, 64-bit integers as
/// strings, bytes as padded standard base64, enum values by name (by number when the schema does not
/// declare them), and fields at their proto3 default left out unless they are oneof members.
extension DynamicMessage {
    func json(schema: ProtoSchema) throws -> JSONValue {
        let declaration = try schema.message(typeName)
        var members: [(key: String, value: JSONValue)] = []
        for field in declaration.fields.sorted(by: { $0.number < $1.number }) {
            switch values[field.number] {
            case nil:
                continue
            case .list(let elements)?:
                if elements.isEmpty { continue }
                members.append((field.jsonName, .array(try elements.map { try Self.json($0, field, schema) })))
            case .single(let value)?:
                if field.oneofIndex == nil && value.isDefault { continue }
                members.append((field.jsonName, try Self.json(value, field, schema)))
            }
        }
        return .object(members)
    }

    private static func json(_ value: DynamicValue, _ field: FieldDeclaration, _ schema: ProtoSchema) throws -> JSONValue {
        switch value {
        case .signed(let number): return isSixtyFourBit(field.type) ? .string(String(number)) : .integer(number)
        case .unsigned(let number):
            return isSixtyFourBit(field.type) ? .string(String(number)) : .integer(Int64(number))
        case .bool(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .bytes(let body): return .string(Data(body).base64EncodedString())
        case .message(let message): return try message.json(schema: schema)
        case .enumNumber(let number):
            guard case .enumeration(let enumName) = field.type else {
                throw SchemaConversionError("field \(field.name) holds an enum value but is not an enum field")
            }
            let declaration = try schema.enumeration(enumName)
            guard let known = declaration.values.first(where: { $0.number == Int64(number) }) else {
                return .integer(Int64(number))
            }
            return .string(known.name)
        }
    }

    private static func isSixtyFourBit(_ type: FieldType) -> Bool {
        switch type {
        case .scalar(.int64), .scalar(.uint64), .scalar(.sint64), .scalar(.fixed64), .scalar(.sfixed64): true
        default: false
        }
    }

    // MARK: - Reading

    /// Builds the message `typeName` from its proto3 JSON form.
    ///
    /// Members may use the JSON name or the `.proto` name; `null` leaves a field at its default. A member the
    /// schema does not declare, a value of the wrong type or out of range, and two members of one oneof are
    /// errors that name the member.
    init(json: JSONValue, typeName: String, schema: ProtoSchema, path: String? = nil) throws {
        let declaration = try schema.message(typeName)
        let path = path ?? declaration.fullName
        guard let members = json.objectValue else { throw SchemaConversionError("\(path): expected an object") }
        self.init(typeName: declaration.fullName)

        var oneofMembers: [Int: String] = [:]
        for (key, value) in members {
            guard let field = declaration.fields.first(where: { $0.jsonName == key || $0.name == key }) else {
                throw SchemaConversionError("\(path): \(declaration.fullName) has no field named \(key)")
            }
            if case .null = value { continue }
            if let oneofIndex = field.oneofIndex {
                if let other = oneofMembers.updateValue(key, forKey: oneofIndex) {
                    throw SchemaConversionError("\(path): \(other) and \(key) are members of the same oneof")
                }
            }
            let memberPath = "\(path).\(key)"
            guard field.isRepeated else {
                values[field.number] = .single(try Self.value(from: value, field, schema, memberPath))
                continue
            }
            guard let elements = value.arrayValue else {
                throw SchemaConversionError("\(memberPath): expected an array")
            }
            values[field.number] = .list(try elements.enumerated().map { index, element in
                try Self.value(from: element, field, schema, "\(memberPath)[\(index)]")
            })
        }
    }

    private static func value(
        from json: JSONValue, _ field: FieldDeclaration, _ schema: ProtoSchema, _ path: String
    ) throws -> DynamicValue {
        switch field.type {
        case .scalar(.string):
            guard let text = json.stringValue else { throw SchemaConversionError("\(path): expected a string") }
            return .string(text)
        case .scalar(.bytes):
            guard let text = json.stringValue, let body = Data(base64Encoded: text) else {
                throw SchemaConversionError("\(path): expected standard base64 text")
            }
            return .bytes(Array(body))
        case .scalar(.bool):
            guard let flag = json.boolValue else { throw SchemaConversionError("\(path): expected true or false") }
            return .bool(flag)
        case .scalar(let scalar):
            return try integer(from: json, scalar, path)
        case .enumeration(let enumName):
            return try enumNumber(from: json, schema.enumeration(enumName), path)
        case .message(let name):
            return .message(try DynamicMessage(json: json, typeName: name, schema: schema, path: path))
        case .named(let name):
            throw SchemaConversionError("\(path): type \(name) was not resolved by the schema")
        }
    }

    /// Reads an integer given as a JSON number or as decimal text, and checks it against the type's range.
    private static func integer(from json: JSONValue, _ scalar: ScalarType, _ path: String) throws -> DynamicValue {
        let text: String
        switch json {
        case .integer(let number): text = String(number)
        case .string(let digits): text = digits
        default: throw SchemaConversionError("\(path): expected an integer")
        }
        let range: ClosedRange<Int64>? = switch scalar {
        case .int32, .sint32, .sfixed32: Int64(Int32.min)...Int64(Int32.max)
        case .uint32, .fixed32: 0...Int64(UInt32.max)
        case .int64, .sint64, .sfixed64: Int64.min...Int64.max
        default: nil
        }
        if let range {
            guard let number = Int64(text), range.contains(number) else {
                throw SchemaConversionError("\(path): \(text) is not a valid \(scalar)")
            }
            return scalar == .uint32 || scalar == .fixed32 ? .unsigned(UInt64(number)) : .signed(number)
        }
        guard scalar == .uint64 || scalar == .fixed64, let number = UInt64(text) else {
            throw SchemaConversionError("\(path): \(text) is not a valid \(scalar)")
        }
        return .unsigned(number)
    }

    private static func enumNumber(from json: JSONValue, _ declaration: EnumDeclaration, _ path: String) throws
        -> DynamicValue
    {
        switch json {
        case .string(let name):
            guard let known = declaration.values.first(where: { $0.name == name }) else {
                throw SchemaConversionError("\(path): \(declaration.fullName) has no value named \(name)")
            }
            return .enumNumber(Int32(known.number))
        case .integer(let number):
            guard let value = Int32(exactly: number) else {
                throw SchemaConversionError("\(path): \(number) is outside the int32 range of an enum")
            }
            return .enumNumber(value)
        default:
            throw SchemaConversionError("\(path): expected an enum value name or number")
        }
    }
}
