/// An encoder that appends fields to a byte array in the order it is called.
///
/// Generated `encodeFields(to:)` methods call it in field-number order, which makes the output deterministic.
/// Singular fields equal to their proto3 default are left out unless `omittingDefault` is false, which a
/// oneof member needs because its presence is part of its value.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    // MARK: - Primitive values

    mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func writeFixed32(_ value: UInt32) {
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))) }
    }

    mutating func writeFixed64(_ value: UInt64) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    mutating func writeTag(_ number: Int, _ wireType: WireType) {
        writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    /// Writes a tag, then a length prefix and the body that `writeBody` appends.
    ///
    /// One byte is reserved for the length, which covers bodies under 128 bytes. A longer body is shifted
    /// once to make room for the longer prefix, so the body is never encoded twice.
    mutating func writeLengthDelimited(_ number: Int, _ writeBody: (inout WireWriter) -> Void) {
        writeTag(number, .lengthDelimited)
        let prefixIndex = bytes.count
        bytes.append(0)
        writeBody(&self)

        let length = bytes.count - prefixIndex - 1
        if length < 0x80 {
            bytes[prefixIndex] = UInt8(length)
        } else {
            var prefix = WireWriter()
            prefix.writeVarint(UInt64(length))
            bytes.replaceSubrange(prefixIndex..<prefixIndex + 1, with: prefix.bytes)
        }
    }

    // MARK: - Fields

    mutating func writeScalar<Scalar: WireScalar>(
        _: Scalar.Type, _ value: Scalar.Value, field number: Int, omittingDefault: Bool = true
    ) {
        if omittingDefault && Scalar.isDefault(value) { return }
        writeTag(number, Scalar.wireType)
        Scalar.write(value, to: &self)
    }

    /// Writes a repeated scalar field as one packed run; an empty array writes nothing.
    mutating func writePacked<Scalar: WireScalar>(_: Scalar.Type, _ values: [Scalar.Value], field number: Int) {
        if values.isEmpty { return }
        writeLengthDelimited(number) { writer in
            for value in values { Scalar.write(value, to: &writer) }
        }
    }

    mutating func writeString(_ value: String, field number: Int, omittingDefault: Bool = true) {
        if omittingDefault && value.isEmpty { return }
        writeLengthDelimited(number) { writer in writer.bytes.append(contentsOf: value.utf8) }
    }

    mutating func writeStrings(_ values: [String], field number: Int) {
        for value in values { writeString(value, field: number, omittingDefault: false) }
    }

    mutating func writeBytes(_ value: [UInt8], field number: Int, omittingDefault: Bool = true) {
        if omittingDefault && value.isEmpty { return }
        writeLengthDelimited(number) { writer in writer.bytes.append(contentsOf: value) }
    }

    mutating func writeBytesList(_ values: [[UInt8]], field number: Int) {
        for value in values { writeBytes(value, field: number, omittingDefault: false) }
    }

    /// Writes a message field; nil writes nothing, and an empty message is still written as present.
    mutating func writeMessage<Message: WireFieldCoding>(_ message: Message?, field number: Int) {
        guard let message else { return }
        writeLengthDelimited(number) { writer in writer.writeFields(of: message) }
    }

    mutating func writeMessages<Message: WireFieldCoding>(_ messages: [Message], field number: Int) {
        for message in messages { writeMessage(message, field: number) }
    }

    /// Writes the known fields of `message`, then its unknown fields exactly as they were received.
    mutating func writeFields<Message: WireFieldCoding>(of message: Message) {
        message.encodeFields(to: &self)
        bytes.append(contentsOf: message.unknownFields)
    }
}
