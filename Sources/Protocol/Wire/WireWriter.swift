/// An encoder that writes fields into a buffer of fixed capacity, in the order it is called.
///
/// Generated `encodeFields(to:)` methods call it in field-number order, which makes the output deterministic.
/// The buffer is sized beforehand by the matching ``WireSize`` functions, so encoding a message allocates
/// one array and never grows or shifts it. Singular fields equal to their proto3 default are left out unless
/// `omittingDefault` is false, which a oneof member needs because its presence is part of its value.
struct WireWriter {
    private let buffer: UnsafeMutableRawBufferPointer

    /// Number of bytes written so far.
    private(set) var count = 0

    private init(buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    /// Returns the bytes that `write` writes into a buffer of `capacity` bytes.
    ///
    /// Writing more than `capacity` bytes traps: the capacity comes from ``WireSize``, so an overrun means
    /// that a size function and a write function disagree, and the output would be wrong.
    static func bytes(capacity: Int, _ write: (inout WireWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            var writer = WireWriter(buffer: UnsafeMutableRawBufferPointer(buffer))
            write(&writer)
            initializedCount = writer.count
        }
    }

    // MARK: - Primitive values

    mutating func writeVarint(_ value: UInt64) {
        reserve(WireSize.varint(value))
        var remaining = value
        while remaining >= 0x80 {
            buffer[count] = UInt8(truncatingIfNeeded: remaining) | 0x80
            count += 1
            remaining >>= 7
        }
        buffer[count] = UInt8(remaining)
        count += 1
    }

    mutating func writeFixed32(_ value: UInt32) {
        reserve(4)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    mutating func writeFixed64(_ value: UInt64) {
        reserve(8)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    mutating func writeTag(_ number: Int, _ wireType: WireType) {
        writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    /// Copies `bytes` as they are.
    mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        guard let source = bytes.baseAddress, let destination = buffer.baseAddress else { return }
        (destination + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Traps unless `size` more bytes fit. Every write checks this first, which makes the unchecked buffer
    /// accesses after it safe.
    private func reserve(_ size: Int) {
        precondition(size <= buffer.count - count, "encoder wrote past the size it computed for the message")
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
        writeTag(number, .lengthDelimited)
        writeVarint(UInt64(WireSize.packedBody(Scalar.self, values)))
        for value in values { Scalar.write(value, to: &self) }
    }

    mutating func writeString(_ value: String, field number: Int, omittingDefault: Bool = true) {
        if omittingDefault && value.isEmpty { return }
        writeTag(number, .lengthDelimited)
        let utf8 = value.utf8
        writeVarint(UInt64(utf8.count))
        // Native and small strings have contiguous UTF-8. Only strings bridged from elsewhere take the loop.
        let copied: Void? = utf8.withContiguousStorageIfAvailable { writeRaw(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            reserve(utf8.count)
            for byte in utf8 {
                buffer[count] = byte
                count += 1
            }
        }
    }

    mutating func writeStrings(_ values: [String], field number: Int) {
        for value in values { writeString(value, field: number, omittingDefault: false) }
    }

    mutating func writeBytes(_ value: [UInt8], field number: Int, omittingDefault: Bool = true) {
        if omittingDefault && value.isEmpty { return }
        writeTag(number, .lengthDelimited)
        writeVarint(UInt64(value.count))
        value.withUnsafeBytes { writeRaw($0) }
    }

    mutating func writeBytesList(_ values: [[UInt8]], field number: Int) {
        for value in values { writeBytes(value, field: number, omittingDefault: false) }
    }

    /// Writes a message field; nil writes nothing, and an empty message is still written as present.
    mutating func writeMessage<Message: WireFieldCoding>(_ message: Message?, field number: Int) {
        guard let message else { return }
        writeTag(number, .lengthDelimited)
        writeLengthPrefixedFields(of: message)
    }

    mutating func writeMessages<Message: WireFieldCoding>(_ messages: [Message], field number: Int) {
        // Going through the buffer lends each element to the writer instead of copying it out of the array.
        messages.withUnsafeBufferPointer { elements in
            for index in elements.indices {
                writeTag(number, .lengthDelimited)
                writeLengthPrefixedFields(of: elements[index])
            }
        }
    }

    private mutating func writeLengthPrefixedFields<Message: WireFieldCoding>(of message: Message) {
        let size = message.encodedSize
        writeVarint(UInt64(size))
        let bodyStart = count
        writeFields(of: message)
        precondition(count - bodyStart == size, "\(Message.protoName) wrote a body other than its computed size")
    }

    /// Writes the known fields of `message`, then its unknown fields exactly as they were received.
    mutating func writeFields<Message: WireFieldCoding>(of message: Message) {
        message.encodeFields(to: &self)
        message.unknownFields.withUnsafeBytes { writeRaw($0) }
    }
}
