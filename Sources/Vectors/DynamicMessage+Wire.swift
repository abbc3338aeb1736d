import ProtoGen

extension DynamicMessage {
    /// Decodes `bytes` as the message `typeName` following `schema`.
    ///
    /// The decoder is meant for bytes that the codec under test has already accepted, so it checks only what
    /// it needs to stay in bounds, and it skips unknown fields.
    init(wireBytes bytes: [UInt8], typeName: String, schema: ProtoSchema) throws {
        var reader = SchemaWireReader(bytes: bytes[...])
        try self.init(reading: &reader, typeName: typeName, schema: schema)
    }

    private init(reading reader: inout SchemaWireReader, typeName: String, schema: ProtoSchema) throws {
        let declaration = try schema.message(typeName)
        self.init(typeName: declaration.fullName)
        while !reader.isAtEnd {
            let tag = try reader.readVarint()
            let number = Int(tag >> 3)
            let wireType = UInt8(tag & 7)
            guard let field = declaration.fields.first(where: { $0.number == number }) else {
                try reader.skip(wireType: wireType)
                continue
            }
            for value in try Self.readValues(of: field, wireType: wireType, from: &reader, schema: schema) {
                store(value, in: field, of: declaration)
            }
        }
    }

    /// Reads one occurrence of `field`: one value, or every value of a packed run.
    private static func readValues(
        of field: FieldDeclaration, wireType: UInt8, from reader: inout SchemaWireReader, schema: ProtoSchema
    ) throws -> [DynamicValue] {
        let expected = field.type.wireType
        if field.isRepeated && expected != 2 && wireType == 2 {
            var packed = SchemaWireReader(bytes: try reader.readLengthDelimited())
            var values: [DynamicValue] = []
            while !packed.isAtEnd { values.append(try readScalar(field.type, from: &packed)) }
            return values
        }
        guard wireType == expected else {
            throw SchemaConversionError("field \(field.name) has wire type \(wireType), expected \(expected)")
        }
        switch field.type {
        case .scalar(.string):
            let body = try reader.readLengthDelimited()
            guard let text = String(validating: body, as: UTF8.self) else {
                throw SchemaConversionError("field \(field.name) is not valid UTF-8")
            }
            return [.string(text)]
        case .scalar(.bytes):
            return [.bytes(Array(try reader.readLengthDelimited()))]
        case .message(let name):
            var nested = SchemaWireReader(bytes: try reader.readLengthDelimited())
            return [.message(try DynamicMessage(reading: &nested, typeName: name, schema: schema))]
        default:
            return [try readScalar(field.type, from: &reader)]
        }
    }

    private static func readScalar(_ type: FieldType, from reader: inout SchemaWireReader) throws -> DynamicValue {
        switch type {
        case .scalar(.int32): .signed(Int64(Int32(truncatingIfNeeded: try reader.readVarint())))
        case .scalar(.int64): .signed(Int64(bitPattern: try reader.readVarint()))
        case .scalar(.uint32): .unsigned(UInt64(UInt32(truncatingIfNeeded: try reader.readVarint())))
        case .scalar(.uint64): .unsigned(try reader.readVarint())
        case .scalar(.sint32), .scalar(.sint64): .signed(zigZagDecode(try reader.readVarint()))
        case .scalar(.fixed32): .unsigned(UInt64(try reader.readFixed(4)))
        case .scalar(.fixed64): .unsigned(try reader.readFixed(8))
        case .scalar(.sfixed32): .signed(Int64(Int32(truncatingIfNeeded: try reader.readFixed(4))))
        case .scalar(.sfixed64): .signed(Int64(bitPattern: try reader.readFixed(8)))
        case .scalar(.bool): .bool(try reader.readVarint() != 0)
        case .enumeration: .enumNumber(Int32(truncatingIfNeeded: try reader.readVarint()))
        case .scalar(let scalar): throw SchemaConversionError("\(scalar) fields are not supported by the vectors")
        case .message(let name), .named(let name): throw SchemaConversionError("\(name) is not a scalar type")
        }
    }

    private static func zigZagDecode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    // MARK: - Encoding

    /// Encodes the message canonically: fields in number order, proto3 defaults left out except in a oneof,
    /// repeated numbers packed.
    func wireBytes(schema: ProtoSchema) throws -> [UInt8] {
        let declaration = try schema.message(typeName)
        var bytes: [UInt8] = []
        for field in declaration.fields.sorted(by: { $0.number < $1.number }) {
            switch values[field.number] {
            case nil:
                continue
            case .list(let elements)?:
                try Self.writeList(elements, of: field, to: &bytes, schema: schema)
            case .single(let value)?:
                if field.oneofIndex == nil && value.isDefault { continue }
                try Self.write(value, of: field, to: &bytes, schema: schema)
            }
        }
        return bytes
    }

    private static func writeList(
        _ elements: [DynamicValue], of field: FieldDeclaration, to bytes: inout [UInt8], schema: ProtoSchema
    ) throws {
        guard !elements.isEmpty else { return }
        guard field.type.wireType != 2 else {
            for element in elements { try write(element, of: field, to: &bytes, schema: schema) }
            return
        }
        var body: [UInt8] = []
        for element in elements { try writeScalar(element, type: field.type, to: &body) }
        appendVarint(UInt64(field.number) << 3 | 2, to: &bytes)
        appendVarint(UInt64(body.count), to: &bytes)
        bytes += body
    }

    private static func write(
        _ value: DynamicValue, of field: FieldDeclaration, to bytes: inout [UInt8], schema: ProtoSchema
    ) throws {
        appendVarint(UInt64(field.number) << 3 | UInt64(field.type.wireType), to: &bytes)
        switch value {
        case .string(let text):
            appendVarint(UInt64(text.utf8.count), to: &bytes)
            bytes += Array(text.utf8)
        case .bytes(let body):
            appendVarint(UInt64(body.count), to: &bytes)
            bytes += body
        case .message(let message):
            let body = try message.wireBytes(schema: schema)
            appendVarint(UInt64(body.count), to: &bytes)
            bytes += body
        default:
            try writeScalar(value, type: field.type, to: &bytes)
        }
    }

    private static func writeScalar(_ value: DynamicValue, type: FieldType, to bytes: inout [UInt8]) throws {
        switch (type, value) {
        case (.scalar(.sint32), .signed(let number)), (.scalar(.sint64), .signed(let number)):
            appendVarint(UInt64(bitPattern: (number << 1) ^ (number >> 63)), to: &bytes)
        case (.scalar(.fixed32), .unsigned(let number)): appendFixed(number, count: 4, to: &bytes)
        case (.scalar(.fixed64), .unsigned(let number)): appendFixed(number, count: 8, to: &bytes)
        case (.scalar(.sfixed32), .signed(let number)): appendFixed(UInt64(bitPattern: number), count: 4, to: &bytes)
        case (.scalar(.sfixed64), .signed(let number)): appendFixed(UInt64(bitPattern: number), count: 8, to: &bytes)
        case (_, .signed(let number)): appendVarint(UInt64(bitPattern: number), to: &bytes)
        case (_, .unsigned(let number)): appendVarint(number, to: &bytes)
        case (_, .bool(let flag)): appendVarint(flag ? 1 : 0, to: &bytes)
        case (_, .enumNumber(let number)): appendVarint(UInt64(bitPattern: Int64(number)), to: &bytes)
        default: throw SchemaConversionError("value \(value) does not fit a field of type \(type)")
        }
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    private static func appendFixed(_ value: UInt64, count: Int, to bytes: inout [UInt8]) {
        for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}

extension FieldType {
    /// The wire type a single value of this type is written with: 0 varint, 1 fixed64, 2 length-delimited,
    /// 5 fixed32.
    var wireType: UInt8 {
        switch self {
        case .scalar(.fixed64), .scalar(.sfixed64), .scalar(.double): 1
        case .scalar(.fixed32), .scalar(.sfixed32), .scalar(.float): 5
        case .scalar(.string), .scalar(.bytes), .message, .named: 2
        case .scalar, .enumeration: 0
        }
    }
}

/// A bounds-checked cursor over wire bytes for the schema-driven decoder.
struct SchemaWireReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    var remainingCount: Int { bytes.endIndex - position }

    mutating func readVarint() throws -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<10 {
            guard position < bytes.endIndex else { throw SchemaConversionError("input ends inside a varint") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte < 0x80 { return value }
        }
        throw SchemaConversionError("varint is longer than 10 bytes")
    }

    mutating func readFixed(_ count: Int) throws -> UInt64 {
        let body = try take(count)
        var value: UInt64 = 0
        for (index, byte) in body.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    mutating func readLengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try readVarint()
        guard length <= UInt64(bytes.endIndex - position) else {
            throw SchemaConversionError("length \(length) runs past the end of the input")
        }
        return try take(Int(length))
    }

    /// Skips the value of an unknown field.
    mutating func skip(wireType: UInt8) throws {
        switch wireType {
        case 0: _ = try readVarint()
        case 1: _ = try take(8)
        case 2: _ = try readLengthDelimited()
        case 5: _ = try take(4)
        default: throw SchemaConversionError("wire type \(wireType) is not supported")
        }
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count <= bytes.endIndex - position else { throw SchemaConversionError("input ends inside a value") }
        defer { position += count }
        return bytes[position..<position + count]
    }
}
