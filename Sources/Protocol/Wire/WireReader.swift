/// A bounded reader over one message's bytes.
///
/// The reader never reads past `end`. A length-delimited field opens a sub-reader over exactly its body, so a
/// nested message cannot overrun its parent. Running out of bytes is *truncated* only when `end` is the end of
/// the outermost input, because more input could still arrive. Inside a body whose length the parent already
/// fixed, running out is *malformed*.
struct WireReader {
    let limits: DecodingLimits

    /// Number of messages enclosing this one. The outermost message is at depth 0.
    let depth: Int

    /// Protocol Buffers name of the message being read, used in errors.
    let messageName: String

    private let input: [UInt8]
    private(set) var position: Int
    private let end: Int
    private let endIsInputEnd: Bool

    /// The field being read, named in errors, or nil between fields.
    private var currentField: (number: Int, name: String?)?

    /// Creates a reader over a whole input after checking its size against `limits`.
    init(input: [UInt8], limits: DecodingLimits, messageName: String) throws {
        self.init(input: input, range: 0..<input.count, endIsInputEnd: true, depth: 0, limits: limits,
                  messageName: messageName)
        if input.count > limits.maxMessageSize {
            throw failure(.limitExceeded, at: limits.maxMessageSize,
                          "message of \(input.count) bytes exceeds maxMessageSize \(limits.maxMessageSize)")
        }
    }

    private init(
        input: [UInt8], range: Range<Int>, endIsInputEnd: Bool, depth: Int, limits: DecodingLimits,
        messageName: String
    ) {
        self.input = input
        self.position = range.lowerBound
        self.end = range.upperBound
        self.endIsInputEnd = endIsInputEnd
        self.depth = depth
        self.limits = limits
        self.messageName = messageName
    }

    var isAtEnd: Bool { position == end }

    // MARK: - Tags

    /// Reads the next tag, or returns nil at the end of the message.
    mutating func readTag() throws -> WireField? {
        currentField = nil
        if isAtEnd { return nil }

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
    mutating func enterField(_ field: WireField, name: String) {
        currentField = (field.number, name)
    }

    /// Throws malformed unless `field` arrived with the wire type the schema gives it.
    func expectWireType(_ field: WireField, _ expected: WireType) throws {
        if field.wireType != expected {
            throw failure(.malformed, at: field.offset,
                          "wire type \(field.wireType.rawValue) where \(expected.rawValue) was expected")
        }
    }

    // MARK: - Primitive values

    /// Reads a varint of at most 10 bytes whose 10th byte is 0 or 1, so that the value fits in 64 bits.
    mutating func readVarint() throws -> UInt64 {
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
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(input[start + index]) << (8 * UInt32(index)) }
        return value
    }

    mutating func readFixed64() throws -> UInt64 {
        let start = try take(8, "a fixed64 value")
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(input[start + index]) << (8 * UInt64(index)) }
        return value
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

    /// Returns the bytes in `range`, which an earlier read on this reader returned.
    func bytes(in range: Range<Int>) -> ArraySlice<UInt8> {
        input[range]
    }

    /// Opens a reader over a length-delimited body holding the message `messageName`, one level deeper.
    func nestedReader(over range: Range<Int>, messageName: String) throws -> WireReader {
        guard depth < limits.maxNestingDepth else {
            throw failure(.limitExceeded, at: range.lowerBound,
                          "nesting depth exceeds maxNestingDepth \(limits.maxNestingDepth)")
        }
        return WireReader(input: input, range: range, endIsInputEnd: false, depth: depth + 1, limits: limits,
                          messageName: messageName)
    }

    /// Opens a reader over a packed repeated field's body, at the same depth.
    func packedReader(over range: Range<Int>) -> WireReader {
        var reader = WireReader(input: input, range: range, endIsInputEnd: false, depth: depth, limits: limits,
                                messageName: messageName)
        reader.currentField = currentField
        return reader
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
        WireDecodingError(kind: kind, messageName: messageName, fieldName: currentField?.name,
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
