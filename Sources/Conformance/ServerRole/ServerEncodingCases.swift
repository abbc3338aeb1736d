import EACPProtocol
import EACPTransport
import Foundation

/// The decoding of request bodies by a server: unknown fields and enum values, fields in any order,
/// repeated and merged fields, and the empty body.
enum ServerEncodingCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [
            oneMessagePerBody(target), unknownFieldsAndValues(target), flexibleLayout(target), emptyBody(target),
            malformedBodies(target),
        ]
    }

    /// Faults that make a body malformed, each after a valid heartbeat prefix, so that a server that
    /// acts on the part it decoded records that heartbeat. Field 9 is sequence_number (uint64) and field
    /// 1 is agent_version (string).
    static let malformedSuffixes: [(String, [UInt8])] = [
        ("input that ends inside a varint", [0x48, 0x80]),
        ("a varint of 11 bytes", [0x48] + Array(repeating: 0xFF, count: 10) + [0x01]),
        ("a 10-byte varint above 64 bits", [0x48] + Array(repeating: 0xFF, count: 9) + [0x02]),
        ("a tag with wire type 3", [0x4B]),
        ("a tag with wire type 6", [0x4E]),
        ("a tag with wire type 7", [0x4F]),
        ("a tag with field number 0", [0x00, 0x00]),
        ("a tag with field number 2^29", RawField.varint(UInt64(1) << 32) + [0x00]),
        ("a length past the end of the body", [0x0A, 0x05, 0x31]),
        ("an agent_version that is not UTF-8", [0x0A, 0x02, 0xC3, 0x28]),
        ("sequence_number with wire type 5", [0x4D, 0x01, 0x00, 0x00, 0x00]),
        ("agent_version with wire type 0", [0x08, 0x01]),
    ]

    static func malformedBodies(_ target: ServerTarget) -> ConformanceCase {
        .server("server.encoding.rejects-malformed-bodies",
                "Each malformed body gets 400 MALFORMED_MESSAGE, and the valid fields before the fault are not acted on",
                ["EACP-ENCODING-007"], target) { kit in
            let agent = try await kit.enrolledAgent()
            for (index, (what, suffix)) in malformedSuffixes.enumerated() {
                var heartbeat = agent.nextHeartbeat()
                heartbeat.sequenceNumber = UInt64(100 + index)
                try kit.expectError(
                    try await agent.postBytes("/eacp/v1/heartbeat", heartbeat.wireBytes() + suffix, describing: "heartbeat, then \(what)"),
                    status: 400, code: .malformedMessage, "a heartbeat followed by \(what)")
            }
            let state = try await ServerHeartbeatStateCases.recordedState(kit, agent.agentID)
            try kit.context.require(
                state.sequence == 1, "the server recorded heartbeat \(state.sequence) from a malformed body; only heartbeat 1 was valid")
        }
    }

    static func oneMessagePerBody(_ target: ServerTarget) -> ConformanceCase {
        .server("server.encoding.one-message-per-body",
                "Success and error response bodies are each exactly one encoded message, with no prefix or framing",
                ["EACP-ENCODING-001"], target) { kit in
            let agent = try await kit.enrolledAgent()
            let heartbeat = try await agent.post("/eacp/v1/heartbeat", agent.nextHeartbeat())
            try kit.context.require(heartbeat.status == 200, "a valid heartbeat got status \(heartbeat.status)")
            let reply = try agent.decode(HeartbeatReply.self, heartbeat.body, from: "heartbeat")
            try kit.context.require(reply.serverTimeUnixMs > 0, "the body decoded as a HeartbeatReply has no server_time_unix_ms")

            var invalid = agent.nextHeartbeat()
            invalid.agentVersion = "v1"
            let error = try await agent.post("/eacp/v1/heartbeat", invalid)
            try kit.context.require(error.status == 400, "a heartbeat with agent_version \"v1\" got status \(error.status), expected 400")
            let errorReply = try agent.decode(ErrorReply.self, error.body, from: "heartbeat")
            try kit.context.require(
                errorReply.code == .badRequest, "the body decoded as an ErrorReply has code \(errorReply.code), expected BAD_REQUEST")
        }
    }

    /// Hand-built protobuf fields, so a case can send layouts that the package's own encoder never writes.
    enum RawField {
        static func varint(_ value: UInt64) -> [UInt8] {
            var bytes: [UInt8] = []
            var rest = value
            while rest >= 0x80 {
                bytes.append(UInt8(rest & 0x7F) | 0x80)
                rest >>= 7
            }
            return bytes + [UInt8(rest)]
        }

        static func tag(_ number: UInt64, wireType: UInt64) -> [UInt8] { varint(number << 3 | wireType) }

        static func varint(_ number: UInt64, _ value: UInt64) -> [UInt8] { tag(number, wireType: 0) + varint(value) }

        static func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] {
            tag(number, wireType: 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }

        static func fixed32(_ number: UInt64, _ value: UInt32) -> [UInt8] {
            tag(number, wireType: 5) + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }

        static func bytes(_ number: UInt64, _ value: [UInt8]) -> [UInt8] {
            tag(number, wireType: 2) + varint(UInt64(value.count)) + value
        }
    }

    /// Posts `bytes` as a heartbeat and requires 200 with a reply that has the server's time.
    static func requireAccepted(_ kit: ServerCaseKit, _ agent: SimulatedAgent, _ bytes: [UInt8], _ what: String) async throws {
        let answer = try await agent.postBytes("/eacp/v1/heartbeat", bytes, describing: what)
        try kit.context.require(answer.status == 200, "a heartbeat with \(what) got status \(answer.status), expected 200")
        let reply = try agent.decode(HeartbeatReply.self, answer.body, from: "heartbeat")
        try kit.context.require(reply.serverTimeUnixMs > 0, "the reply to a heartbeat with \(what) has no server_time_unix_ms")
    }

    /// Requires the administrator API to show `sequence` and `revision` as the agent's last recorded heartbeat.
    static func requireRecorded(_ kit: ServerCaseKit, _ agent: SimulatedAgent, sequence: Int, revision: Int, _ what: String)
        async throws
    {
        let state = try await ServerHeartbeatStateCases.recordedState(kit, agent.agentID)
        try kit.context.require(
            state.sequence == sequence && state.contentRevision == revision,
            "after a heartbeat with \(what) the server shows sequence \(state.sequence) and content revision "
                + "\(state.contentRevision), expected \(sequence) and \(revision)")
    }

    static func unknownFieldsAndValues(_ target: ServerTarget) -> ConformanceCase {
        .server("server.encoding.skips-unknown-fields",
                "A heartbeat with unknown fields of wire types 0, 1, 2 and 5 and an unknown enum value is decoded and recorded",
                ["EACP-ENCODING-002", "EACP-ENCODING-003"], target) { kit in
            let agent = try await kit.enrolledAgent()
            var heartbeat = agent.nextHeartbeat()
            heartbeat.sequenceNumber = 7
            heartbeat.contentVersion = ServerContentCases.contentVersion(21, Array(repeating: 0x21, count: 32))
            // Fields 100 to 103 are not in the schema.
            let unknown = RawField.varint(100, 300) + RawField.fixed64(101, 0x0102_0304_0506_0708)
                + RawField.bytes(102, Array("unknown".utf8)) + RawField.fixed32(103, 0xA1B2_C3D4)
            try await requireAccepted(kit, agent, unknown + heartbeat.wireBytes(), "fields 100 to 103")
            try await requireRecorded(kit, agent, sequence: 7, revision: 21, "fields 100 to 103")

            heartbeat.sequenceNumber = 8
            heartbeat.contentVersion = ServerContentCases.contentVersion(22, Array(repeating: 0x22, count: 32))
            // Field 4 is push_channel, and status 77 is not a PushChannelStatus value.
            let unknownStatus = RawField.bytes(4, RawField.varint(1, 77))
            try await requireAccepted(kit, agent, unknownStatus + heartbeat.wireBytes(), "push channel status 77")
            try await requireRecorded(kit, agent, sequence: 8, revision: 22, "push channel status 77")
        }
    }

    static func flexibleLayout(_ target: ServerTarget) -> ConformanceCase {
        .server("server.encoding.flexible-field-layout",
                "Fields out of order, a repeated scalar (last wins), a split message (merged), mixed packing and two oneof members (last wins) are decoded",
                ["EACP-ENCODING-005"], target) { kit in
            let agent = try await kit.enrolledAgent()
            // Field numbers from spec/eacp.proto: Heartbeat 1 agent_version, 2 content_version, 3 capabilities,
            // 9 sequence_number, 10 agent_time_unix_ms; ContentVersion 1 revision, 2 sha256;
            // Capabilities 1 action_kinds (repeated enum).
            let unpackedThenPacked = RawField.varint(1, 1) + RawField.bytes(1, [2, 3])
            let bytes = RawField.varint(10, UInt64(Date().timeIntervalSince1970 * 1_000)) + RawField.varint(9, 1)
                + RawField.bytes(2, RawField.varint(1, 33)) + RawField.bytes(3, unpackedThenPacked)
                + RawField.bytes(1, Array("1.4".utf8)) + RawField.bytes(2, RawField.bytes(2, Array(repeating: 0x33, count: 32)))
                + RawField.varint(9, 8)
            try await requireAccepted(kit, agent, bytes, "fields out of order, sequence_number 1 then 8 and content_version in two parts")
            try await requireRecorded(kit, agent, sequence: 8, revision: 33, "sequence_number 1 then 8")

            // EnrollmentRequest: csr_der (3) and csr_pem (2) are one oneof. The valid csr_pem comes last.
            let request = try ServerCredentialCases.enrollmentRequest(token: try await kit.admin.enrollmentToken())
            let enrolling = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
            let body = RawField.bytes(3, Array("not a CSR".utf8)) + request.wireBytes()
            let answer = try await enrolling.postBytes("/eacp/v1/enroll", body, describing: "csr_der \"not a CSR\", then a valid csr_pem")
            try kit.context.require(
                answer.status == 200, "an enrollment whose last oneof member is a valid csr_pem got status \(answer.status), expected 200")
        }
    }

    static func emptyBody(_ target: ServerTarget) -> ConformanceCase {
        .server("server.encoding.empty-body-is-default-message",
                "An empty body decodes as the default message, so the message's own rules decide the answer",
                ["EACP-ENCODING-008"], target) { kit in
            let agent = try await kit.enrolledAgent()
            // The default Heartbeat has an empty agent_version, which is invalid.
            try kit.expectError(try await agent.postBytes("/eacp/v1/heartbeat", [], describing: "empty body"),
                                status: 400, code: .badRequest, "an empty heartbeat body")
            // The default ActionAck names action "", which the server does not know.
            try kit.expectError(try await agent.postBytes("/eacp/v1/actions/ack", [], describing: "empty body"),
                                status: 404, code: .notFound, "an empty ActionAck body")
        }
    }
}
