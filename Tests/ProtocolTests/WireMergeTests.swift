import Testing

@testable import EACPProtocol

/// How repeated occurrences combine, what happens to unknown fields, and which encodings are accepted.
struct WireMergeTests {
    @Test func lastScalarValueWins() throws {
        let message = try FixtureScalars(wireBytes: [0x08, 0x01, 0x62, 0x01, 0x61, 0x08, 0x02, 0x62, 0x01, 0x62])
        #expect(message.int32Value == 2)
        #expect(message.stringValue == "b")
    }

    @Test func repeatedMessageFieldMerges() throws {
        // inner { mode: FAST, counts: [1] } then inner { label: "x", counts: [2] }
        let bytes: [UInt8] = [0x0A, 0x05, 0x08, 0x01, 0x1A, 0x01, 0x01, 0x0A, 0x06, 0x12, 0x01, 0x78, 0x1A, 0x01, 0x02]
        let message = try FixtureEnvelope(wireBytes: bytes)
        var expected = FixtureEnvelope.Inner()
        expected.mode = .fast
        expected.label = "x"
        expected.counts = [1, 2]
        #expect(message.inner == expected)
    }

    @Test func lastOneofMemberWins() throws {
        let message = try FixtureEnvelope(wireBytes: [0x1A, 0x01, 0x61, 0x30, 0x04])
        #expect(message.body == .number(2))
    }

    @Test func repeatedOneofMessageMerges() throws {
        let bytes: [UInt8] = [0x2A, 0x02, 0x08, 0x01, 0x2A, 0x03, 0x12, 0x01, 0x79]
        let message = try FixtureEnvelope(wireBytes: bytes)
        var expected = FixtureEnvelope.Inner()
        expected.mode = .fast
        expected.label = "y"
        #expect(message.body == .innerBody(expected))
    }

    @Test func oneofMessageAfterOtherMemberStartsFresh() throws {
        let bytes: [UInt8] = [0x1A, 0x01, 0x61, 0x2A, 0x02, 0x08, 0x01]
        let message = try FixtureEnvelope(wireBytes: bytes)
        var expected = FixtureEnvelope.Inner()
        expected.mode = .fast
        #expect(message.body == .innerBody(expected))
    }

    @Test func packedAndUnpackedBothAccepted() throws {
        let unpacked = try FixtureRepeated(wireBytes: [0x08, 0x01, 0x08, 0x02])
        let packed = try FixtureRepeated(wireBytes: [0x0A, 0x02, 0x01, 0x02])
        let mixed = try FixtureRepeated(wireBytes: [0x08, 0x01, 0x0A, 0x01, 0x02])
        #expect(unpacked.int32Values == [1, 2])
        #expect(packed.int32Values == [1, 2])
        #expect(mixed.int32Values == [1, 2])
        #expect(unpacked.wireBytes() == [0x0A, 0x02, 0x01, 0x02])
    }

    @Test func unpackedFixedAndEnumValuesAccepted() throws {
        let message = try FixtureRepeated(wireBytes: [0x3D, 0x01, 0x00, 0x00, 0x00, 0x80, 0x01, 0x02, 0x80, 0x01, 0x05])
        #expect(message.fixed32Values == [1])
        #expect(message.colors == [.green, .unrecognized(5)])
    }

    @Test func emptyPackedRunAddsNothing() throws {
        let message = try FixtureRepeated(wireBytes: [0x0A, 0x00])
        #expect(message.int32Values == [])
        #expect(message.wireBytes() == [])
    }

    @Test func unknownFieldsAreKeptByteExact() throws {
        // One unknown field of each wire type: varint 20, fixed64 21, length-delimited 22, fixed32 23.
        let unknown: [UInt8] = [
            0xA0, 0x01, 0x96, 0x01,
            0xA9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
            0xB2, 0x01, 0x02, 0xFF, 0x00,
            0xBD, 0x01, 9, 8, 7, 6,
        ]
        let message = try FixtureScalars(wireBytes: unknown)
        #expect(message.unknownFields == unknown)
        #expect(message.wireBytes() == unknown)
    }

    @Test func unknownFieldsAreWrittenAfterKnownFields() throws {
        let bytes: [UInt8] = [0xA0, 0x01, 0x05, 0x08, 0x07, 0xA0, 0x01, 0x06]
        let message = try FixtureScalars(wireBytes: bytes)
        #expect(message.int32Value == 7)
        #expect(message.unknownFields == [0xA0, 0x01, 0x05, 0xA0, 0x01, 0x06])
        #expect(message.wireBytes() == [0x08, 0x07, 0xA0, 0x01, 0x05, 0xA0, 0x01, 0x06])
    }

    @Test func unknownFieldsOfNestedMessageSurvive() throws {
        let bytes: [UInt8] = [0x0A, 0x03, 0xF8, 0x01, 0x01]
        let message = try FixtureEnvelope(wireBytes: bytes)
        #expect(message.inner?.unknownFields == [0xF8, 0x01, 0x01])
        #expect(message.wireBytes() == bytes)
    }

    @Test func newerSchemaFieldsSurviveOlderDecoder() throws {
        // FixtureEmpty decodes like an older build that has none of FixtureScalars' fields.
        var newer = FixtureScalars()
        newer.int32Value = -1
        newer.stringValue = "kept"
        newer.doubleValue = 0.5
        let older = try FixtureEmpty(wireBytes: newer.wireBytes())
        #expect(try FixtureScalars(wireBytes: older.wireBytes()) == newer)
    }

    @Test func unrecognizedEnumValueRoundTrips() throws {
        let bytes: [UInt8] = [0x80, 0x01, 0x63]
        let message = try FixtureScalars(wireBytes: bytes)
        #expect(message.color == .unrecognized(99))
        #expect(message.wireBytes() == bytes)
    }

    @Test func enumInitNormalisesKnownRawValues() {
        #expect(FixtureColor(rawValue: 1) == .red)
        #expect(FixtureColor(rawValue: -1) == .belowZero)
        #expect(FixtureColor(rawValue: 3) == .fixtureColor3d)
        #expect(FixtureColor(rawValue: 4) == .unrecognized(4))
        #expect(FixtureColor.knownCases.map(\.rawValue) == [0, 1, 2, -1, 3])
    }

    @Test func int32ReadsLowBitsOfWideVarint() throws {
        // Another encoder may write an int32 as a 64-bit value; the low 32 bits are the value.
        let message = try FixtureScalars(wireBytes: [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(message.int32Value == -1)
    }

    @Test func boolAcceptsAnyNonZeroVarint() throws {
        let message = try FixtureScalars(wireBytes: [0x58, 0x02])
        #expect(message.boolValue)
        #expect(message.wireBytes() == [0x58, 0x01])
    }
}
