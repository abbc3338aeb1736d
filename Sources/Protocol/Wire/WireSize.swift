/// Encoded sizes in bytes, one function per ``WireWriter`` field method with the same arguments.
///
/// Generated `encodedFieldsSize()` methods add these up so that a message can be encoded into one buffer of
/// exactly the right size, and a nested message's length prefix is known before its body is written.
enum WireSize {
    // MARK: - Primitive values

    /// Size of `value` as a varint: one byte per started group of 7 bits, at least one.
    static func varint(_ value: UInt64) -> Int {
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    static func tag(_ number: Int) -> Int {
        varint(UInt64(number) << 3)
    }

    /// Size of a tag, a length prefix and a body of `length` bytes.
    static func lengthDelimited(_ number: Int, length: Int) -> Int {
        tag(number) + varint(UInt64(length)) + length
    }

    // MARK: - Fields

    static func scalar<Scalar: WireScalar>(
        _: Scalar.Type, _ value: Scalar.Value, field number: Int, omittingDefault: Bool = true
    ) -> Int {
        if omittingDefault && Scalar.isDefault(value) { return 0 }
        return tag(number) + Scalar.encodedSize(value)
    }

    static func packed<Scalar: WireScalar>(_: Scalar.Type, _ values: [Scalar.Value], field number: Int) -> Int {
        if values.isEmpty { return 0 }
        return lengthDelimited(number, length: packedBody(Scalar.self, values))
    }

    /// Size of the elements of a packed run, without tag and length prefix.
    static func packedBody<Scalar: WireScalar>(_: Scalar.Type, _ values: [Scalar.Value]) -> Int {
        if let size = Scalar.wireType.fixedSize { return values.count * size }
        var total = 0
        for value in values { total += Scalar.encodedSize(value) }
        return total
    }

    static func string(_ value: String, field number: Int, omittingDefault: Bool = true) -> Int {
        if omittingDefault && value.isEmpty { return 0 }
        return lengthDelimited(number, length: value.utf8.count)
    }

    static func strings(_ values: [String], field number: Int) -> Int {
        var total = 0
        for value in values { total += string(value, field: number, omittingDefault: false) }
        return total
    }

    static func bytes(_ value: [UInt8], field number: Int, omittingDefault: Bool = true) -> Int {
        if omittingDefault && value.isEmpty { return 0 }
        return lengthDelimited(number, length: value.count)
    }

    static func bytesList(_ values: [[UInt8]], field number: Int) -> Int {
        var total = 0
        for value in values { total += bytes(value, field: number, omittingDefault: false) }
        return total
    }

    static func message<Message: WireFieldCoding>(_ message: Message?, field number: Int) -> Int {
        guard let message else { return 0 }
        return lengthDelimited(number, length: message.encodedSize)
    }

    static func messages<Message: WireFieldCoding>(_ messages: [Message], field number: Int) -> Int {
        messages.withUnsafeBufferPointer { elements in
            var total = 0
            for index in elements.indices { total += lengthDelimited(number, length: elements[index].encodedSize) }
            return total
        }
    }
}
