/// Typed field readers that generated `decodeField(_:from:)` methods call, one per field kind.
///
/// Each takes the tag just read and the field's `.proto` name, checks the wire type, and names the field in
/// any error it throws. Singular fields return the new value, so the last one on the wire wins. Repeated
/// fields append. Message fields merge into what an earlier occurrence left, as proto3 requires.
extension WireReader {
    // MARK: - Scalars

    mutating func readScalar<Scalar: WireScalar>(
        _: Scalar.Type, _ field: WireField, name: StaticString
    ) throws -> Scalar.Value {
        enterField(field, name: name)
        try expectWireType(field, Scalar.wireType)
        return try Scalar.read(from: &self)
    }

    /// Appends one element, or every element of a packed run; both encodings are accepted for any scalar.
    mutating func appendScalars<Scalar: WireScalar>(
        _: Scalar.Type, _ field: WireField, name: StaticString, to values: inout [Scalar.Value]
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
        try readSizedBody(in: range) { reader in
            while !reader.isAtEnd {
                try reader.checkRoom(for: values.count, at: reader.position)
                values.append(try Scalar.read(from: &reader))
            }
        }
    }

    // MARK: - Strings and bytes

    mutating func readString(_ field: WireField, name: StaticString) throws -> String {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxStringLength, limitName: "maxStringLength")
        guard let string = withBytes(in: range, UTF8Text.string(validating:)) else {
            throw failure(.malformed, at: range.lowerBound, "invalid UTF-8")
        }
        return string
    }

    mutating func appendString(_ field: WireField, name: StaticString, to values: inout [String]) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        values.append(try readString(field, name: name))
    }

    mutating func readBytes(_ field: WireField, name: StaticString) throws -> [UInt8] {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxBytesLength, limitName: "maxBytesLength")
        return withBytes(in: range) { Array($0) }
    }

    mutating func appendBytes(_ field: WireField, name: StaticString, to values: inout [[UInt8]]) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        values.append(try readBytes(field, name: name))
    }

    // MARK: - Messages

    /// Decodes a message body and merges it into `message`, so a field repeated on the wire combines its parts.
    mutating func mergeMessage<Message: WireFieldCoding>(
        _ field: WireField, name: StaticString, into message: inout Message
    ) throws {
        enterField(field, name: name)
        try expectWireType(field, .lengthDelimited)
        let range = try readLengthPrefixedRange(limit: limits.maxMessageSize, limitName: "maxMessageSize")
        try readNestedMessage(Message.self, in: range) { reader in try message.merge(from: &reader) }
    }

    mutating func mergeMessage<Message: WireFieldCoding>(
        _ field: WireField, name: StaticString, into message: inout Message?
    ) throws {
        if message == nil { message = Message() }
        // Merging through `!` mutates the stored value in place, so no copy of it is made.
        try mergeMessage(field, name: name, into: &message!)
    }

    mutating func appendMessage<Message: WireFieldCoding>(
        _ field: WireField, name: StaticString, to values: inout [Message]
    ) throws {
        try checkRoom(for: values.count, at: field.offset, field: field, name: name)
        var value = Message()
        try mergeMessage(field, name: name, into: &value)
        values.append(consume value)
    }

    // MARK: - Checks

    private func expectRepeatedWireType(_ field: WireField, _ expected: WireType) throws {
        if field.wireType != expected {
            throw failure(.malformed, at: field.offset,
                          "wire type \(field.wireType.rawValue) where \(expected.rawValue) or 2 (packed) was expected")
        }
    }

    private mutating func checkRoom(
        for count: Int, at offset: Int, field: WireField? = nil, name: StaticString? = nil
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

/// UTF-8 validation for `string` fields.
enum UTF8Text {
    /// Returns `bytes` as a string, or nil when they are not valid UTF-8.
    ///
    /// ASCII, the usual content of protocol strings, is checked here eight bytes at a time and converted with
    /// `String(decoding:as:)`, which has nothing to repair in ASCII. Other text goes through the standard
    /// library's `String(validating:as:)`, which rejects invalid UTF-8 but, being generic, runs slower.
    static func string(validating bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        var combined: UInt64 = 0
        while index + 8 <= raw.count {
            combined |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < raw.count {
            combined |= UInt64(raw[index])
            index += 1
        }
        return combined & highBits == 0
    }
}
