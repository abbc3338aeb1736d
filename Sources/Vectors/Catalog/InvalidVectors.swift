import EACPProtocol

/// Invalid vectors: encodings that can never be valid, and valid encodings that break a decoding limit.
enum InvalidVectors {
    static let description = """
        Encodings a decoder must reject. "malformed" ones can never become valid, whatever bytes follow; \
        "limit" ones break the decoding limit the vector names in "limits", or a default limit when it names \
        none; "truncated" ones end before the message is complete.
        """

    static var definitions: [InvalidDefinition] {
        varints + wireTypes + lengths + fieldNumbers + utf8 + limits
    }

    private static let agentVersion = WireBytes.field(1, "2.4.1")

    static let varints: [InvalidDefinition] = [
        InvalidDefinition(
            name: "varint-eleven-bytes", messageType: Heartbeat.self,
            bytes: WireBytes.tag(9, 0) + Array(repeating: 0xFF, count: 10) + [0x01], error: .malformed,
            reason: "the value of field 9 is a varint of 11 bytes; a varint has at most 10"),
        InvalidDefinition(
            name: "varint-overflows-64-bits", messageType: Heartbeat.self,
            bytes: WireBytes.tag(9, 0) + Array(repeating: 0xFF, count: 9) + [0x02], error: .malformed,
            reason: "the 10th byte of the varint in field 9 is 0x02, so the value needs 65 bits"),
        InvalidDefinition(
            name: "tag-varint-eleven-bytes", messageType: Heartbeat.self,
            bytes: Array(repeating: 0x80, count: 10) + [0x00], error: .malformed,
            reason: "the tag is a varint of 11 bytes"),
        InvalidDefinition(
            name: "length-prefix-eleven-bytes", messageType: Heartbeat.self,
            bytes: WireBytes.tag(1, 2) + Array(repeating: 0x80, count: 10) + [0x00], error: .malformed,
            reason: "the length prefix of field 1 is a varint of 11 bytes"),
        InvalidDefinition(
            name: "varint-ends-inside-packed-run", messageType: Heartbeat.Capabilities.self,
            bytes: WireBytes.field(1, [0x01, 0x84]), error: .malformed,
            reason: "the packed run of field 1 ends inside its second varint"),
    ]

    static let wireTypes: [InvalidDefinition] = [
        InvalidDefinition(
            name: "wire-type-varint-for-string", messageType: Heartbeat.self,
            bytes: WireBytes.field(1, varint: 5), error: .malformed,
            reason: "field 1 (agent_version, a string) arrives with wire type 0 (varint)"),
        InvalidDefinition(
            name: "wire-type-length-delimited-for-uint64", messageType: Heartbeat.self,
            bytes: agentVersion + WireBytes.field(9, [0x07]), error: .malformed,
            reason: "field 9 (sequence_number, a singular uint64) arrives with wire type 2 (length-delimited)"),
        InvalidDefinition(
            name: "wire-type-fixed32-for-enum", messageType: ErrorReply.self,
            bytes: WireBytes.tag(1, 5) + [0x07, 0x00, 0x00, 0x00], error: .malformed,
            reason: "field 1 (code, an enum) arrives with wire type 5 (fixed32)"),
        InvalidDefinition(
            name: "wire-type-varint-for-message", messageType: Heartbeat.self,
            bytes: WireBytes.field(2, varint: 1), error: .malformed,
            reason: "field 2 (content_version, a message) arrives with wire type 0 (varint)"),
        InvalidDefinition(
            name: "wire-type-fixed64-for-repeated-enum", messageType: Heartbeat.Capabilities.self,
            bytes: WireBytes.tag(1, 1) + Array(repeating: 0x00, count: 8), error: .malformed,
            reason: "field 1 (action_kinds, repeated enum) arrives with wire type 1 (fixed64)"),
        InvalidDefinition(
            name: "wire-type-start-group", messageType: Heartbeat.self,
            bytes: agentVersion + WireBytes.tag(100, 3) + WireBytes.field(1, varint: 1) + WireBytes.tag(100, 4),
            error: .malformed, reason: "field 100 is a group (wire types 3 and 4), which proto3 does not allow"),
        InvalidDefinition(
            name: "wire-type-end-group", messageType: Heartbeat.self,
            bytes: agentVersion + WireBytes.tag(100, 4), error: .malformed,
            reason: "field 100 has wire type 4 (end group) with no group open"),
        InvalidDefinition(
            name: "wire-type-6", messageType: Heartbeat.self,
            bytes: agentVersion + WireBytes.tag(100, 6) + [0x00], error: .malformed,
            reason: "wire type 6 does not exist"),
        InvalidDefinition(
            name: "wire-type-7", messageType: Heartbeat.self,
            bytes: WireBytes.tag(3, 7) + [0x00], error: .malformed,
            reason: "wire type 7 does not exist"),
    ]

    static let lengths: [InvalidDefinition] = [
        InvalidDefinition(
            name: "length-past-end-of-input", messageType: Heartbeat.self,
            bytes: WireBytes.tag(1, 2) + [0x0A] + Array("2.4".utf8), error: .truncated,
            reason: "field 1 declares 10 bytes and the input ends after 3"),
        InvalidDefinition(
            name: "length-past-end-of-nested-message", messageType: Heartbeat.self,
            bytes: WireBytes.field(2, WireBytes.tag(2, 2) + [0x20] + Array(repeating: 0xAB, count: 4))
                + WireBytes.field(9, varint: 1),
            error: .malformed,
            reason: "field 2.2 (content_version.sha256) declares 32 bytes but content_version holds only 4 more"),
        InvalidDefinition(
            name: "unknown-field-length-past-end-of-nested-message", messageType: PushMessage.self,
            bytes: WireBytes.field(1, WireBytes.tag(50, 2) + [0x05, 0x01]), error: .malformed,
            reason: "unknown field 50 inside server_push declares 5 bytes but server_push holds only 1 more"),
        InvalidDefinition(
            name: "fixed64-past-end-of-input", messageType: Heartbeat.self,
            bytes: agentVersion + WireBytes.tag(101, 1) + [0x01, 0x02, 0x03], error: .truncated,
            reason: "unknown fixed64 field 101 has 3 of its 8 bytes"),
        InvalidDefinition(
            name: "fixed32-past-end-of-nested-message", messageType: Heartbeat.self,
            bytes: WireBytes.field(3, WireBytes.tag(101, 5) + [0x01, 0x02]), error: .malformed,
            reason: "unknown fixed32 field 101 inside capabilities has 2 of its 4 bytes"),
    ]

    static let fieldNumbers: [InvalidDefinition] = [
        InvalidDefinition(
            name: "field-number-zero-varint", messageType: Heartbeat.self,
            bytes: agentVersion + [0x00, 0x01], error: .malformed, reason: "a tag names field number 0"),
        InvalidDefinition(
            name: "field-number-zero-length-delimited", messageType: Heartbeat.self,
            bytes: [0x02, 0x01, 0x41], error: .malformed, reason: "a tag names field number 0"),
        InvalidDefinition(
            name: "field-number-zero-in-nested-message", messageType: HeartbeatReply.self,
            bytes: WireBytes.field(6, [0x00, 0x00]), error: .malformed,
            reason: "a tag inside pending_actions names field number 0"),
        InvalidDefinition(
            name: "field-number-above-maximum", messageType: Heartbeat.self,
            bytes: WireBytes.field(1 << 29, varint: 1), error: .malformed,
            reason: "a tag names field number 536870912, above the maximum 536870911"),
    ]

    static let utf8: [InvalidDefinition] = [
        InvalidDefinition(
            name: "utf8-truncated-sequence", messageType: Heartbeat.self,
            bytes: WireBytes.field(1, [0x32, 0x2E, 0xC3]), error: .malformed,
            reason: "agent_version ends inside a two-byte UTF-8 sequence"),
        InvalidDefinition(
            name: "utf8-invalid-continuation", messageType: Heartbeat.self,
            bytes: WireBytes.field(1, [0xC3, 0x28]), error: .malformed,
            reason: "agent_version has 0xC3 followed by 0x28, which is not a continuation byte"),
        InvalidDefinition(
            name: "utf8-overlong-encoding", messageType: ErrorReply.self,
            bytes: WireBytes.field(2, [0x2F, 0xC0, 0xAF]), error: .malformed,
            reason: "message encodes '/' in two bytes (0xC0 0xAF), an overlong form UTF-8 forbids"),
        InvalidDefinition(
            name: "utf8-surrogate", messageType: ErrorReply.self,
            bytes: WireBytes.field(2, [0xED, 0xA0, 0x80]), error: .malformed,
            reason: "message encodes the surrogate U+D800, which UTF-8 forbids"),
        InvalidDefinition(
            name: "utf8-byte-ff", messageType: Platform.self,
            bytes: WireBytes.field(2, [0x4C, 0xFF]), error: .malformed,
            reason: "os_version contains the byte 0xFF, which never occurs in UTF-8"),
        InvalidDefinition(
            name: "utf8-invalid-in-repeated-string", messageType: Heartbeat.self,
            bytes: WireBytes.field(3, WireBytes.field(2, "ok") + WireBytes.field(2, [0x80])), error: .malformed,
            reason: "the second entry of capabilities.features starts with a continuation byte"),
        InvalidDefinition(
            name: "utf8-invalid-in-oneof-string", messageType: EnrollmentRequest.self,
            bytes: WireBytes.field(2, [0xF8, 0x88, 0x80, 0x80, 0x80]), error: .malformed,
            reason: "csr_pem starts with 0xF8, a five-byte lead that UTF-8 forbids"),
    ]

    static var limits: [InvalidDefinition] {
        [
            limit("limit-message-size", Samples.heartbeat, { $0.maxMessageSize = 64 },
                  "the heartbeat is longer than maxMessageSize 64"),
            limit("limit-nesting-depth-push", pushWithAction, { $0.maxNestingDepth = 1 },
                  "push_message.server_push.action is at depth 2, past maxNestingDepth 1"),
            limit("limit-nesting-depth-heartbeat", Heartbeat.with { $0.contentVersion = Samples.contentVersion },
                  { $0.maxNestingDepth = 0 }, "content_version is at depth 1, past maxNestingDepth 0"),
            limit("limit-string-length", Heartbeat.with { $0.agentVersion = "2.4.1-beta.3+build.77" },
                  { $0.maxStringLength = 8 }, "agent_version has 21 bytes, more than maxStringLength 8"),
            limit("limit-bytes-length", Samples.securityEvent(1), { $0.maxBytesLength = 16 },
                  "body is longer than maxBytesLength 16"),
            limit("limit-repeated-count-packed", Samples.capabilities, { $0.maxRepeatedCount = 2 },
                  "action_kinds has 12 entries, more than maxRepeatedCount 2"),
            limit("limit-repeated-count-strings", IsolateEndpointParameters.with { $0.allowedHosts = ["a", "b", "c"] },
                  { $0.maxRepeatedCount = 2 }, "allowed_hosts has 3 entries, more than maxRepeatedCount 2"),
            limit("limit-repeated-count-messages", SecurityEventBatch.with { $0.events = (1...3).map(Samples.securityEvent) },
                  { $0.maxRepeatedCount = 2 }, "events has 3 entries, more than maxRepeatedCount 2"),
            InvalidDefinition(
                name: "limit-length-prefix-checked-before-body", messageType: Heartbeat.self,
                bytes: WireBytes.tag(1, 2) + WireBytes.varint(0xFFFF_FFFF) + Array("2.4.1".utf8), error: .limit,
                reason: "agent_version declares 4294967295 bytes, more than the default maxStringLength 1048576; "
                    + "the length is rejected before the body is read"),
        ]
    }

    private static var pushWithAction: PushMessage {
        PushMessage.with {
            $0.direction = .serverPush(PushMessage.ServerPush.with {
                $0.payload = .action(Samples.action(1, .performHeartbeat, .performHeartbeat(PerformHeartbeatParameters())))
            })
        }
    }

    private static func limit(
        _ name: String, _ message: some WireMessage, _ change: (inout DecodingLimits) -> Void, _ reason: String
    ) -> InvalidDefinition {
        var limits = DecodingLimits.default
        change(&limits)
        return InvalidDefinition(
            name: name, messageType: type(of: message), bytes: message.wireBytes(), error: .limit, reason: reason,
            limits: limits)
    }
}
