/// A bounded reader over one message's bytes.
///
/// The reader never reads past `end`. A length-delimited field narrows `end` to exactly its body while the
/// body is read and restores it afterwards, so a nested message cannot overrun its parent. One reader serves
/// the whole input, nested messages included, so decoding copies neither the input nor a reader per field.
/// Running out of bytes is *truncated* only when `end` is the end of the outermost input, because more input
/// could still arrive. Inside a body whose length the parent already fixed, running out is *malformed*.
struct WireReader {
    let limits: DecodingLimits

    /// Number of messages enclosing the one being read. The outermost message is at depth 0.
    private(set) var depth = 0

    /// Protocol Buffers name of the message being read, used in errors.
    private(set) var messageName: String

    private let input: [UInt8]
    private(set) var position = 0
    private var end: Int
    private var endIsInputEnd = true

    /// The field being read, named in errors, or nil between fields.
    private var currentField: (number: Int, name: StaticString?)?

    /// Creates a reader over a whole input after checking its size against `limits`.
    init(input: [UInt8], limits: DecodingLimits, messageName: String) throws {
        self.input = input
        self.end = input.count
        self.limits = limits
        self.messageName = messageName
        if input.count > limits.maxMessageSize {
            throw failure(.limitExceeded, at: limits.maxMessageSize,
                          "message of \(input.count) bytes exceeds maxMessageSize \(limits.maxMessageSize)")
        }
    }

    var isAtEnd: Bool { position == end }

    // MARK: - Tags

    /// Reads the next tag, or returns nil at the end of the message.
    @inline(__always)
    mutating func readTag() throws -> WireField? {
        currentField = nil
        if isAtEnd { return nil }

        // A one-byte tag (field numbers 1 to 15) with a valid wire type takes this path.
        let byte = input[position]
        if byte < 0x80, byte >= 0x08, let wireType = WireType(tagBits: byte & 7) {
            let field = WireField(number: Int(byte >> 3), wireType: wireType, offset: position)
            position += 1
            currentField = (field.number, nil)
            return field
        }
        return try readMultiByteOrInvalidTag()
    }

    private mutating func readMultiByteOrInvalidTag() throws -> WireField {
        let offset = position
        let tag = try readVarint()
        let number = tag >> 3
        guard number != 0, number <= UInt64(WireField.maxNumber) else {
            throw failure(.malformed, at: offset, "field number \(number) is outside 1...\(WireField.maxNumber)")
        }

        currentField = (Int(number), nil)
        let rawWireType = UInt8(tag & 7)
        guard let wireType = WireType(rawValue: rawWireType) else {
            let detail = rawWireType == 3 || rawWireType == 4 ? " (groups are not supported)" : ""
            throw failure(.malformed, at: offset, "invalid wire type \(rawWireType)\(detail)")
        }
        return WireField(number: Int(number), wireType: wireType, offset: offset)
    }

    /// Records the name of the field being read so that errors can name it.
    @inline(__always)
    mutating func enterField(_ field: WireField, name: StaticString) {
        currentField = (field.number, name)
    }

    /// Throws malformed unless `field` arrived with the wire type the schema gives it.
    ///
    /// Inlined because a call to a non-mutating method copies the whole reader out of its `inout` storage,
    /// which costs more than the check. The error is built in a separate function, so only a mismatch pays
    /// for that copy.
    @inline(__always)
    func expectWireType(_ field: WireField, _ expected: WireType) throws {
        if field.wireType != expected { throw wireTypeMismatch(field, expected) }
    }

    private func wireTypeMismatch(_ field: WireField, _ expected: WireType) -> WireDecodingError {
        failure(.malformed, at: field.offset, "wire type \(field.wireType.rawValue) where \(expected.rawValue) was expected")
    }

    // MARK: - Primitive values

    /// Reads a varint of at most 10 bytes whose 10th byte is 0 or 1, so that the value fits in 64 bits.
    @inline(__always)
    mutating func readVarint() throws -> UInt64 {
        // Tags, lengths and small numbers fit in one byte, so that case skips the loop.
        if position < end, input[position] < 0x80 {
            position += 1
            return UInt64(input[position - 1])
        }
        return try readMultiByteVarint()
    }

    private mutating func readMultiByteVarint() throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        for index in 0..<10 {
            guard position < end else {
                throw outOfBytes(at: start, "a varint")
            }
            let byte = input[position]
            position += 1
            if index == 9 && byte > 1 {
                throw failure(.malformed, at: start, "varint is longer than 10 bytes or overflows 64 bits")
            }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte < 0x80 { return value }
        }
        // The loop returns or throws by the 10th byte: a 10th byte of 0 or 1 has no continuation bit.
        preconditionFailure("unreachable: varint loop ended without a terminating byte")
    }

    mutating func readFixed32() throws -> UInt32 {
        let start = try take(4, "a fixed32 value")
        return input.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self)) }
    }

    mutating func readFixed64() throws -> UInt64 {
        let start = try take(8, "a fixed64 value")
        return input.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
    }

    /// Reads a length prefix, checks it against `limit` and the bytes left, and returns the body's range.
    ///
    /// The limit is checked first, so an oversized length fails without the body having to arrive.
    mutating func readLengthPrefixedRange(limit: Int, limitName: String) throws -> Range<Int> {
        let prefixOffset = position
        let length = try readVarint()
        // A negative limit (a caller's mistake) admits nothing rather than trapping in the conversion.
        guard length <= UInt64(max(limit, 0)) else {
            throw failure(.limitExceeded, at: prefixOffset, "length \(length) exceeds \(limitName) \(limit)")
        }
        let bodyStart = try take(Int(length), "a body of \(length) bytes")
        return bodyStart..<position
    }

    /// Calls `body` with the bytes in `range`, which an earlier read on this reader returned.
    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
        -> Result
    {
        try input.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    // MARK: - Sized bodies

    /// Reads the message `Message` in `range`, one level deeper, by calling `readBody` with `end` narrowed to
    /// the range. Errors inside name `Message`.
    mutating func readNestedMessage<Message: WireMessage>(
        _: Message.Type, in range: Range<Int>, _ readBody: (inout WireReader) throws -> Void
    ) throws {
        guard depth < limits.maxNestingDepth else {
            throw failure(.limitExceeded, at: range.lowerBound,
                          "nesting depth exceeds maxNestingDepth \(limits.maxNestingDepth)")
        }
        let enclosingName = messageName
        let enclosingField = currentField
        messageName = Message.protoName
        depth += 1
        try readSizedBody(in: range, readBody)
        depth -= 1
        messageName = enclosingName
        currentField = enclosingField
    }

    /// Calls `readBody` with the reader positioned at the start of `range` and `end` narrowed to its end, then
    /// restores `end`. `readBody` must stop at the end of the range, which `isAtEnd` reports.
    ///
    /// A throw leaves the reader narrowed, which is harmless because a decoding error ends the decode.
    mutating func readSizedBody(in range: Range<Int>, _ readBody: (inout WireReader) throws -> Void) rethrows {
        let enclosingEnd = end
        let enclosingEndIsInputEnd = endIsInputEnd
        position = range.lowerBound
        end = range.upperBound
        endIsInputEnd = false
        try readBody(&self)
        end = enclosingEnd
        endIsInputEnd = enclosingEndIsInputEnd
    }

    // MARK: - Unknown fields

    /// Skips the value of `field` and appends its tag and value, byte for byte, to `unknownFields`.
    mutating func skipUnknownField(_ field: WireField, into unknownFields: inout [UInt8]) throws {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try take(8, "a fixed64 value")
        case .fixed32: _ = try take(4, "a fixed32 value")
        case .lengthDelimited: _ = try readLengthPrefixedRange(limit: limits.maxMessageSize, limitName: "maxMessageSize")
        }
        unknownFields.append(contentsOf: input[field.offset..<position])
    }

    // MARK: - Errors

    /// Builds an error naming this reader's message and the field being read, if any.
    func failure(_ kind: WireDecodingError.Kind, at offset: Int, _ reason: String) -> WireDecodingError {
        WireDecodingError(kind: kind, messageName: messageName, fieldName: currentField?.name?.description,
                          fieldNumber: currentField?.number, byteOffset: offset, reason: reason)
    }

    /// Advances past `count` bytes of `element` and returns where they start, or throws when fewer are left.
    /// `element` is built only on failure, so the common path allocates no message text.
    private mutating func take(_ count: Int, _ element: @autoclosure () -> String) throws -> Int {
        guard count <= end - position else { throw outOfBytes(at: position, element()) }
        let start = position
        position += count
        return start
    }

    /// Builds the error for running out of bytes: truncated at the end of the input, malformed inside a sized body.
    private func outOfBytes(at offset: Int, _ element: String) -> WireDecodingError {
        if endIsInputEnd { return failure(.truncated, at: offset, "input ended inside \(element)") }
        return failure(.malformed, at: offset, "\(element) runs past the end of the enclosing field")
    }
}
