/// Typed field readers that generated `decodeField(_:from:)` methods call, one per field kind.
///
/// Each takes the tag just read and the field's `.proto` name, checks the wire type, and names the field in
/// any error it throws. Singular fields return the new value, so the last one on the wire wins. Repeated
/// fields append. Message fields merge into what an earlier occurrence left, as proto3 requires.
extension WireReader {
    // MARK: - Scalars

    mutating func readScalar<Scalar: WireScalar>(
        _: Scalar.Type, _ field: WireField, name: String
    ) throws -> Scalar.Value {
        enterField(field, name: name)
        try expectWireType(field, Scalar.wireType)
        return try Scalar.read(from: &self)
    }

    /// Appends one element, or every element of a packed run; both encodings are accepted for any scalar.
    mutating func appendScalars<Scalar: WireScalar>(
        _: Scalar.Type, _ field: WireField, name: String, to values: inout [Scalar.Value]
    ) throws {
        enterField(field, name: name)
        guard field.wireType == .lengthDelimited else {
            try expectRepeatedWireType(field, Scalar.wireType)
            try checkRoom(for: values.count, at: position)
            values.append(try Scalar.read(from: &self))
            return
        }

        let range = try readLengthPrefixedRange(limit: limits.maxMessageSize, limitName: "maxMessageSize")
        if let size = Scalar.wireType.fixedSize, range.count % size != 0 {
            throw failure(.malformed, at: range.lowerBound,
                          "packed run of \(range.count) bytes is not a multiple of \(size)")
        }
        var packed = packedReader(over: range)
        while !packed.isAtEnd {
            try checkRoom(for: values.count, at: packed.position)
            values.append(try Scalar.read(from: &packed))
        }
    }

    // MARK: - Strings and bytes

    mutating func readString(_ field: WireField, name: String) throws -> String {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxStringLength, limitName: "maxStringLength")
        guard let string = String(validating: bytes(in: range), as: UTF8.self) else {
            throw failure(.malformed, at: range.lowerBound, "invalid UTF-8")
        }
        return string
    }

    mutating func appendString(_ field: WireField, name: String, to values: inout [String]) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        values.append(try readString(field, name: name))
    }

    mutating func readBytes(_ field: WireField, name: String) throws -> [UInt8] {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxBytesLength, limitName: "maxBytesLength")
        return Array(bytes(in: range))
    }

    mutating func appendBytes(_ field: WireField, name: String, to values: inout [[UInt8]]) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        values.append(try readBytes(field, name: name))
    }

    // MARK: - Messages

    /// Decodes a message body and merges it into `message`, so a field repeated on the wire combines its parts.
    mutating func mergeMessage<Message: WireFieldCoding>(
        _ field: WireField, name: String, into message: inout Message
    ) throws {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxMessageSize, limitName: "maxMessageSize")
        var nested = try nestedReader(over: range, messageName: Message.protoName)
        try message.merge(from: &nested)
    }

    mutating func mergeMessage<Message: WireFieldCoding>(
        _ field: WireField, name: String, into message: inout Message?
    ) throws {
        var value = message ?? Message()
        try mergeMessage(field, name: name, into: &value)
        message = value
    }

    mutating func appendMessage<Message: WireFieldCoding>(
        _ field: WireField, name: String, to values: inout [Message]
    ) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        var value = Message()
        try mergeMessage(field, name: name, into: &value)
        values.append(value)
    }

    // MARK: - Checks

    private func expectRepeatedWireType(_ field: WireField, _ expected: WireType) throws {
        if field.wireType != expected {
            throw failure(.malformed, at: field.offset,
                          "wire type \(field.wireType.rawValue) where \(expected.rawValue) or 2 (packed) was expected")
        }
    }

    private mutating func checkRoom(
        for count: Int, at offset: Int, field: WireField? = nil, name: String? = nil
    ) throws {
        if let field, let name { enterField(field, name: name) }
        if count >= limits.maxRepeatedCount {
            throw failure(.limitExceeded, at: offset,
                          "more than maxRepeatedCount \(limits.maxRepeatedCount) elements")
        }
    }
}

extension WireType {
    /// Size in bytes of every value of this wire type, or nil when values vary in size.
    var fixedSize: Int? {
        switch self {
        case .fixed32: 4
        case .fixed64: 8
        case .varint, .lengthDelimited: nil
        }
    }
}
