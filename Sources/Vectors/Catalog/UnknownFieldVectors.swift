import EACPProtocol

/// Valid vectors that carry fields the schema does not declare. A decoder keeps them and a re-encoding writes
/// them back, unchanged, after the known fields of the same message.
enum UnknownFieldVectors {
    static let description = """
        Valid encodings that carry fields the schema does not declare, of every wire type and at every \
        nesting level. "fields" lists only the declared fields; a decoder keeps the others and writes them \
        back, byte for byte, after the declared fields of the same message.
        """

    /// One unknown field of each wire type: varint, fixed64, length-delimited and fixed32.
    static let everyWireType: [UInt8] =
        WireBytes.field(100, varint: 150)
        + WireBytes.tag(101, 1) + [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        + WireBytes.field(102, "from a newer agent")
        + WireBytes.tag(103, 5) + [0xDE, 0xAD, 0xBE, 0xEF]

    static var definitions: [VectorDefinition] {
        let minimal = Heartbeat.with {
            $0.agentVersion = "2.4.1"
            $0.sequenceNumber = 2
        }
        var everyType = minimal
        everyType.unknownFields = everyWireType

        var reservedNumber = minimal
        reservedNumber.unknownFields = WireBytes.field(15, "agt-5f1c2e")

        var largestNumber = minimal
        largestNumber.unknownFields = WireBytes.field((1 << 29) - 1, varint: 1)

        var nested = minimal
        nested.capabilities = Heartbeat.Capabilities.with {
            $0.actionKinds = [.quarantineFile]
            $0.unknownFields = WireBytes.field(9, varint: 7)
        }

        var unknownFirst = minimal
        unknownFirst.unknownFields = WireBytes.field(40, "first")

        return [
            VectorDefinition("unknown-field-every-wire-type", everyType, hasUnknownFields: true),
            VectorDefinition("unknown-field-reserved-number", reservedNumber, hasUnknownFields: true),
            VectorDefinition("unknown-field-largest-number", largestNumber, hasUnknownFields: true),
            VectorDefinition("unknown-field-in-nested-message", nested, hasUnknownFields: true),
            VectorDefinition(
                "unknown-field-before-known-fields", unknownFirst,
                input: WireBytes.field(40, "first") + minimal.wireBytes(), hasUnknownFields: true),
            VectorDefinition("unknown-field-deep-in-push-message", deepPush, hasUnknownFields: true),
            VectorDefinition("unknown-field-nested-message-body", nestedMessageBody, hasUnknownFields: true),
        ]
    }

    /// A server push whose action envelope and whose parameters both carry unknown fields.
    private static var deepPush: PushMessage {
        var parameters = QuarantineFileParameters.with { $0.path = "/tmp/a.bin" }
        parameters.unknownFields = WireBytes.field(3, varint: 1)
        var envelope = Samples.action(5, .quarantineFile, .quarantineFile(parameters))
        envelope.unknownFields = WireBytes.field(30, "priority=high")
        return PushMessage.with {
            $0.direction = .serverPush(PushMessage.ServerPush.with { $0.payload = .action(envelope) })
        }
    }

    /// An unknown field whose body is itself an encoded message; it stays opaque bytes.
    private static var nestedMessageBody: HeartbeatReply {
        var reply = HeartbeatReply.with { $0.serverTimeUnixMs = Samples.baseTime }
        reply.unknownFields = WireBytes.field(20, WireBytes.field(1, "x") + WireBytes.field(2, varint: 3))
        return reply
    }
}
