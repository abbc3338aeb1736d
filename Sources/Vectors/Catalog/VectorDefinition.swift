import EACPProtocol

/// A valid vector as written in Swift: the message a decoder must produce, and the bytes it is given when
/// they are not the message's own canonical encoding.
public struct VectorDefinition: Sendable {
    public var name: String

    /// The value the bytes decode to.
    public var message: any WireMessage

    /// The input, when it differs from `message.wireBytes()`; that encoding is then the canonical one.
    public var input: [UInt8]?

    /// Whether `message` (or a message inside it) carries unknown fields.
    public var hasUnknownFields: Bool

    init(_ name: String, _ message: any WireMessage, input: [UInt8]? = nil, hasUnknownFields: Bool = false) {
        self.name = name
        self.message = message
        self.input = input
        self.hasUnknownFields = hasUnknownFields
    }

    /// The bytes the vector gives a decoder.
    public var bytes: [UInt8] { input ?? message.wireBytes() }

    /// Builds the vector; `fields` is read from the canonical encoding by the schema-driven decoder.
    func vector(schema: ProtoSchema) throws -> TestVector {
        let canonical = message.wireBytes()
        let qualifiedName = schema.qualifiedName(type(of: message).protoName)
        let fields = try ProtoJSON.json(fromWireBytes: canonical, message: qualifiedName, schema: schema)
        let canonicalBytes = input == nil || input == canonical ? nil : canonical
        return TestVector(
            name: name, message: qualifiedName, bytes: bytes,
            expectation: .valid(fields: fields, canonicalBytes: canonicalBytes, hasUnknownFields: hasUnknownFields))
    }
}

/// An invalid vector as written in Swift.
struct InvalidDefinition {
    var name: String
    var messageType: any WireMessage.Type
    var bytes: [UInt8]
    var error: ExpectedError
    var reason: String
    var limits: DecodingLimits = .default

    func vector(schema: ProtoSchema) -> TestVector {
        TestVector(
            name: name, message: schema.qualifiedName(messageType.protoName), bytes: bytes, limits: limits,
            expectation: .invalid(error: error, reason: reason))
    }
}

extension WireMessage {
    /// A message with every field at its default, then changed by `configure`.
    static func with(_ configure: (inout Self) -> Void) -> Self {
        var message = Self()
        configure(&message)
        return message
    }
}

/// Builds wire bytes by hand for inputs the encoder never produces.
enum WireBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
        return bytes
    }

    static func tag(_ number: Int, _ wireType: UInt8) -> [UInt8] {
        varint(UInt64(number) << 3 | UInt64(wireType))
    }

    /// A length-delimited field: tag, length and body.
    static func field(_ number: Int, _ body: [UInt8]) -> [UInt8] {
        tag(number, 2) + varint(UInt64(body.count)) + body
    }

    static func field(_ number: Int, _ text: String) -> [UInt8] {
        field(number, Array(text.utf8))
    }

    /// A varint field: tag and value.
    static func field(_ number: Int, varint value: UInt64) -> [UInt8] {
        tag(number, 0) + varint(value)
    }
}
