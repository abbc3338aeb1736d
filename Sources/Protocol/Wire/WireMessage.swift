/// A message type generated from `spec/eacp.proto`, encoded in the Protocol Buffers binary format (proto3).
public protocol WireMessage: Sendable {
    /// Creates the message with every field at its proto3 default.
    init()

    /// Full name of the message in the `.proto` file without the package, such as `Heartbeat` or `Foo.Bar`.
    static var protoName: String { get }

    /// Decodes one message from all of `wireBytes`, enforcing `limits`.
    ///
    /// Throws ``WireDecodingError`` when the bytes are truncated, malformed or over a limit.
    init(wireBytes: [UInt8], limits: DecodingLimits) throws

    /// Encodes the message deterministically: known fields in field-number order with proto3 defaults left out,
    /// repeated scalars packed, then the unknown fields exactly as they were received.
    func wireBytes() -> [UInt8]
}

extension WireMessage {
    /// Decodes one message from all of `wireBytes` under ``DecodingLimits/default``.
    public init(wireBytes: [UInt8]) throws {
        try self.init(wireBytes: wireBytes, limits: .default)
    }
}

/// The per-field decoding and encoding that generated code implements and the runtime drives.
protocol WireFieldCoding: WireMessage {
    /// Unknown fields in wire form, re-emitted after the known fields.
    var unknownFields: [UInt8] { get set }

    /// Decodes the field whose tag `reader` has just read, merging it into `self`.
    mutating func decodeField(_ field: WireField, from reader: inout WireReader) throws

    /// Writes the known fields in field-number order, leaving out proto3 defaults.
    func encodeFields(to writer: inout WireWriter)

    /// Returns the number of bytes `encodeFields(to:)` writes.
    func encodedFieldsSize() -> Int
}

extension WireFieldCoding {
    /// Decodes a whole message: the body of `init(wireBytes:limits:)` in generated code.
    static func decode(wireBytes: [UInt8], limits: DecodingLimits) throws -> Self {
        var reader = try WireReader(input: wireBytes, limits: limits, messageName: protoName)
        var message = Self()
        try message.merge(from: &reader)
        return message
    }

    /// Encodes a whole message: the body of `wireBytes()` in generated code.
    func encodedBytes() -> [UInt8] {
        let size = encodedSize
        let bytes = WireWriter.bytes(capacity: size) { writer in writer.writeFields(of: self) }
        precondition(bytes.count == size, "\(Self.protoName) wrote \(bytes.count) bytes, not its computed size \(size)")
        return bytes
    }

    /// Size in bytes of the whole encoded message: its known fields and its unknown fields.
    var encodedSize: Int {
        encodedFieldsSize() + unknownFields.count
    }

    /// Reads fields until `reader` is exhausted. Fields already set are overwritten, appended to or merged,
    /// following the proto3 rules.
    mutating func merge(from reader: inout WireReader) throws {
        while let field = try reader.readTag() {
            try decodeField(field, from: &reader)
        }
    }
}

/// A generated enum: open, so values this build does not know survive a decode and re-encode.
protocol WireEnum: Hashable, Sendable {
    init(rawValue: Int32)
    var rawValue: Int32 { get }
}
