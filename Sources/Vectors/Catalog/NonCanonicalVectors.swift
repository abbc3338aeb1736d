import EACPProtocol

/// Valid inputs that the encoder never writes but a decoder must accept, each with the canonical encoding a
/// re-encoding gives.
enum NonCanonicalVectors {
    static let description = """
        Valid encodings that the encoder never writes but every decoder must accept: fields out of order, a \
        singular field given twice (the last value wins), a message field given twice (the parts merge), \
        repeated numbers not packed, explicit default values and padded varints. "canonicalHex" is what \
        re-encoding the decoded message gives.
        """

    static var definitions: [VectorDefinition] {
        ordering + merging + encodings
    }

    private static let minimal = Heartbeat.with {
        $0.agentVersion = "2.4.1"
        $0.sequenceNumber = 7
        $0.agentTimeUnixMs = Samples.baseTime
    }

    static var ordering: [VectorDefinition] {
        let agentVersion = WireBytes.field(1, "2.4.1")
        let sequence = WireBytes.field(9, varint: 7)
        let time = WireBytes.field(10, varint: UInt64(Samples.baseTime))
        return [
            VectorDefinition("fields-in-reverse-order", minimal, input: time + sequence + agentVersion),
            VectorDefinition(
                "singular-field-twice-last-wins", minimal,
                input: WireBytes.field(1, "2.3.0") + sequence + time + agentVersion),
            VectorDefinition(
                "explicit-default-values", Heartbeat.with { $0.agentVersion = "2.4.1" },
                input: agentVersion + WireBytes.field(9, varint: 0) + WireBytes.field(10, varint: 0)),
        ]
    }

    static var merging: [VectorDefinition] {
        let revision = WireBytes.field(1, varint: 412)
        let digest = WireBytes.field(2, Samples.digest(0x10))
        let merged = Heartbeat.with { $0.contentVersion = Samples.contentVersion }

        let pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
        let der: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        let lastMember = EnrollmentRequest.with { $0.certificateSigningRequest = .csrDer(der) }

        let path = WireBytes.field(1, "/tmp/a.bin")
        let hash = WireBytes.field(2, Samples.digest(0x50))
        let parameters = QuarantineFileParameters.with {
            $0.path = "/tmp/a.bin"
            $0.sha256 = Samples.digest(0x50)
        }
        let envelope = ActionEnvelope.with { $0.parameters = .quarantineFile(parameters) }
        return [
            VectorDefinition(
                "message-field-twice-merges", merged,
                input: WireBytes.field(2, revision) + WireBytes.field(2, digest)),
            VectorDefinition(
                "oneof-two-members-last-wins", lastMember,
                input: WireBytes.field(2, pem) + WireBytes.field(3, der)),
            VectorDefinition(
                "oneof-message-member-twice-merges", envelope,
                input: WireBytes.field(11, path) + WireBytes.field(11, hash)),
        ]
    }

    static var encodings: [VectorDefinition] {
        let kinds: [ActionKind] = [.quarantineFile, .isolateEndpoint, .performHeartbeat]
        let capabilities = Heartbeat.Capabilities.with { $0.actionKinds = kinds }
        let unpacked = kinds.flatMap { WireBytes.field(1, varint: UInt64($0.rawValue)) }
        let packedFirst = WireBytes.field(1, [1, 4]) + WireBytes.field(1, varint: 12)

        let exitStatus = TerminalClose.with { $0.exitStatus = -1 }
        let five = WireBytes.tag(3, 0) + [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]

        let wideUInt32 = AgentSettings.with { $0.pushMissedPongLimit = 5 }
        let sequenceOne = Heartbeat.with { $0.sequenceNumber = 1 }
        let trueValue = RetrieveSupportFileParameters.with { $0.includeLogs = true }
        return [
            VectorDefinition("repeated-enum-unpacked", capabilities, input: unpacked),
            VectorDefinition("repeated-enum-packed-and-unpacked", capabilities, input: packedFirst),
            VectorDefinition("repeated-enum-empty-packed-run", Heartbeat.Capabilities(), input: WireBytes.field(1, [])),
            VectorDefinition("varint-padded-with-zero-groups", sequenceOne, input: WireBytes.tag(9, 0) + [0x81, 0x80, 0x00]),
            VectorDefinition("int32-negative-as-five-byte-varint", exitStatus, input: five),
            VectorDefinition(
                "uint32-varint-above-32-bits-keeps-low-bits", wideUInt32,
                input: WireBytes.field(5, varint: (1 << 32) + 5)),
            VectorDefinition("bool-encoded-as-two", trueValue, input: WireBytes.field(1, varint: 2)),
        ]
    }
}
