import Testing

@testable import EACPProtocol

/// Malformed and over-limit input: each error's kind, location and text.
struct WireDecodingErrorTests {
    private func decodingError<Message: WireMessage>(
        _ type: Message.Type, _ bytes: [UInt8], limits: DecodingLimits = .default
    ) -> WireDecodingError? {
        do {
            _ = try Message(wireBytes: bytes, limits: limits)
            return nil
        } catch {
            return error as? WireDecodingError
        }
    }

    private func limits(
        maxMessageSize: Int = 1 << 20, maxNestingDepth: Int = 32, maxRepeatedCount: Int = 100,
        maxStringLength: Int = 1 << 10, maxBytesLength: Int = 1 << 10
    ) -> DecodingLimits {
        DecodingLimits(
            maxMessageSize: maxMessageSize, maxNestingDepth: maxNestingDepth, maxRepeatedCount: maxRepeatedCount,
            maxStringLength: maxStringLength, maxBytesLength: maxBytesLength)
    }

    @Test func rejectsVarintWithEleventhByte() throws {
        let bytes: [UInt8] = [0x08] + [UInt8](repeating: 0x80, count: 10) + [0x00]
        let error = try #require(decodingError(FixtureScalars.self, bytes))
        #expect(error.kind == .malformed)
        #expect(error.description
            == "malformed FixtureScalars.int32_value (field 1) at byte 1: varint is longer than 10 bytes or overflows 64 bits")
    }

    @Test func rejectsTenthVarintByteAboveOne() throws {
        let bytes: [UInt8] = [0x20] + [UInt8](repeating: 0xFF, count: 9) + [0x02]
        let error = try #require(decodingError(FixtureScalars.self, bytes))
        #expect(error.kind == .malformed)
        #expect(error.fieldName == "uint64_value")
        #expect(error.fieldNumber == 4)
        #expect(error.byteOffset == 1)
    }

    @Test func acceptsNonMinimalVarintWithinTenBytes() throws {
        let message = try FixtureScalars(wireBytes: [0x08, 0x81, 0x80, 0x00])
        #expect(message.int32Value == 1)
    }

    @Test func rejectsWrongWireTypeNamingField() throws {
        let error = try #require(decodingError(FixtureScalars.self, [0x0D, 0x00, 0x00, 0x00, 0x00]))
        #expect(error.kind == .malformed)
        #expect(error.description == "malformed FixtureScalars.int32_value (field 1) at byte 0: wire type 5 where 0 was expected")
    }

    @Test func rejectsWrongWireTypeForRepeatedField() throws {
        let error = try #require(decodingError(FixtureRepeated.self, [0x3C]))
        #expect(error.kind == .malformed)
        #expect(error.description == "malformed FixtureRepeated field 7 at byte 0: invalid wire type 4 (groups are not supported)")

        let wrongType = try #require(decodingError(FixtureRepeated.self, [0x39, 0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(wrongType.description
            == "malformed FixtureRepeated.fixed32_values (field 7) at byte 0: wire type 1 where 5 or 2 (packed) was expected")
    }

    @Test func rejectsStringWithVarintWireType() throws {
        let error = try #require(decodingError(FixtureScalars.self, [0x60, 0x01]))
        #expect(error.description == "malformed FixtureScalars.string_value (field 12) at byte 0: wire type 0 where 2 was expected")
    }

    @Test func rejectsGroupWireTypes() throws {
        let start = try #require(decodingError(FixtureEmpty.self, [0x0B]))
        #expect(start.kind == .malformed)
        #expect(start.description == "malformed FixtureEmpty field 1 at byte 0: invalid wire type 3 (groups are not supported)")

        let reserved = try #require(decodingError(FixtureEmpty.self, [0x0E]))
        #expect(reserved.description == "malformed FixtureEmpty field 1 at byte 0: invalid wire type 6")
    }

    @Test func rejectsFieldNumberZero() throws {
        let error = try #require(decodingError(FixtureEmpty.self, [0x00, 0x00]))
        #expect(error.kind == .malformed)
        #expect(error.description == "malformed FixtureEmpty at byte 0: field number 0 is outside 1...536870911")
    }

    @Test func rejectsFieldNumberAboveMaximum() throws {
        let bytes = WireWriter.bytes(capacity: 20) { writer in
            writer.writeVarint(UInt64(WireField.maxNumber + 1) << 3)
            writer.writeVarint(0)
        }
        let error = try #require(decodingError(FixtureEmpty.self, bytes))
        #expect(error.kind == .malformed)
        #expect(error.reason == "field number 536870912 is outside 1...536870911")
    }

    @Test func acceptsMaximumFieldNumberAsUnknown() throws {
        let bytes = WireWriter.bytes(capacity: 20) { writer in
            writer.writeTag(WireField.maxNumber, .varint)
            writer.writeVarint(5)
        }
        let message = try FixtureEmpty(wireBytes: bytes)
        #expect(message.unknownFields == bytes)
    }

    @Test func rejectsInvalidUTF8() throws {
        let error = try #require(decodingError(FixtureScalars.self, [0x62, 0x02, 0xC3, 0x28]))
        #expect(error.kind == .malformed)
        #expect(error.description == "malformed FixtureScalars.string_value (field 12) at byte 2: invalid UTF-8")
    }

    @Test func acceptsInvalidUTF8InBytes() throws {
        let message = try FixtureScalars(wireBytes: [0x6A, 0x02, 0xC3, 0x28])
        #expect(message.bytesValue == [0xC3, 0x28])
    }

    @Test func lengthPastEndIsTruncated() throws {
        let error = try #require(decodingError(FixtureScalars.self, [0x62, 0x05, 0x61]))
        #expect(error.kind == .truncated)
        #expect(error.description == "truncated FixtureScalars.string_value (field 12) at byte 2: input ended inside a body of 5 bytes")
    }

    @Test func lengthPastEnclosingMessageIsMalformed() throws {
        // The outer length (3) covers the whole input, but the inner label claims 5 bytes.
        let error = try #require(decodingError(FixtureEnvelope.self, [0x0A, 0x03, 0x12, 0x05, 0x61]))
        #expect(error.kind == .malformed)
        #expect(error.description
            == "malformed FixtureEnvelope.Inner.label (field 2) at byte 4: a body of 5 bytes runs past the end of the enclosing field")
    }

    @Test func varintPastPackedRunIsMalformed() throws {
        let error = try #require(decodingError(FixtureRepeated.self, [0x0A, 0x01, 0x80, 0x01]))
        #expect(error.kind == .malformed)
        #expect(error.description
            == "malformed FixtureRepeated.int32_values (field 1) at byte 2: a varint runs past the end of the enclosing field")
    }

    @Test func rejectsPackedFixedRunOfWrongSize() throws {
        let error = try #require(decodingError(FixtureRepeated.self, [0x3A, 0x03, 0x01, 0x02, 0x03]))
        #expect(error.kind == .malformed)
        #expect(error.description
            == "malformed FixtureRepeated.fixed32_values (field 7) at byte 2: packed run of 3 bytes is not a multiple of 4")
    }

    @Test func rejectsMessageOverSizeLimit() throws {
        let bytes = [UInt8](repeating: 0x08, count: 6) + [0x01]
        let error = try #require(decodingError(FixtureScalars.self, bytes, limits: limits(maxMessageSize: 6)))
        #expect(error.kind == .limitExceeded)
        #expect(error.description == "limit exceeded in FixtureScalars at byte 6: message of 7 bytes exceeds maxMessageSize 6")
    }

    @Test func checksStringLimitBeforeBody() throws {
        // Only the length prefix has arrived: the limit fails before the missing body could.
        let error = try #require(decodingError(FixtureScalars.self, [0x62, 0x05], limits: limits(maxStringLength: 4)))
        #expect(error.kind == .limitExceeded)
        #expect(error.description == "limit exceeded in FixtureScalars.string_value (field 12) at byte 1: length 5 exceeds maxStringLength 4")
    }

    @Test func acceptsStringAtLimit() throws {
        let message = try FixtureScalars(wireBytes: [0x62, 0x04, 0x61, 0x62, 0x63, 0x64], limits: limits(maxStringLength: 4))
        #expect(message.stringValue == "abcd")
    }

    @Test func checksBytesLimit() throws {
        let error = try #require(decodingError(FixtureScalars.self, [0x6A, 0x03, 1, 2, 3], limits: limits(maxBytesLength: 2)))
        #expect(error.kind == .limitExceeded)
        #expect(error.reason == "length 3 exceeds maxBytesLength 2")
    }

    @Test func checksRepeatedCountUnpacked() throws {
        let bytes: [UInt8] = [0x08, 0x01, 0x08, 0x02, 0x08, 0x03]
        let error = try #require(decodingError(FixtureRepeated.self, bytes, limits: limits(maxRepeatedCount: 2)))
        #expect(error.kind == .limitExceeded)
        #expect(error.description == "limit exceeded in FixtureRepeated.int32_values (field 1) at byte 5: more than maxRepeatedCount 2 elements")
    }

    @Test func checksRepeatedCountPacked() throws {
        let bytes: [UInt8] = [0x0A, 0x03, 0x01, 0x02, 0x03]
        let error = try #require(decodingError(FixtureRepeated.self, bytes, limits: limits(maxRepeatedCount: 2)))
        #expect(error.kind == .limitExceeded)
        #expect(error.fieldName == "int32_values")
        #expect(error.byteOffset == 4)
    }

    @Test func checksRepeatedCountForMessages() throws {
        let bytes: [UInt8] = [0x12, 0x00, 0x12, 0x00, 0x12, 0x00]
        let error = try #require(decodingError(FixtureTree.self, bytes, limits: limits(maxRepeatedCount: 2)))
        #expect(error.kind == .limitExceeded)
        #expect(error.description == "limit exceeded in FixtureTree.children (field 2) at byte 4: more than maxRepeatedCount 2 elements")
    }

    /// Builds a chain of `depth` FixtureTree messages below the outermost one, linked through `next`.
    private func chain(depth: Int) -> FixtureTree {
        var tree = FixtureTree()
        for _ in 0..<depth {
            var parent = FixtureTree()
            parent.link = .next(tree)
            tree = parent
        }
        return tree
    }

    @Test func acceptsNestingAtLimit() throws {
        let tree = chain(depth: 3)
        #expect(try FixtureTree(wireBytes: tree.wireBytes(), limits: limits(maxNestingDepth: 3)) == tree)
    }

    @Test func rejectsNestingPastLimit() throws {
        let bytes = chain(depth: 4).wireBytes()
        let error = try #require(decodingError(FixtureTree.self, bytes, limits: limits(maxNestingDepth: 3)))
        #expect(error.kind == .limitExceeded)
        #expect(error.description == "limit exceeded in FixtureTree.next (field 3) at byte 8: nesting depth exceeds maxNestingDepth 3")
    }

    @Test func defaultNestingLimitIsThirtyTwo() throws {
        #expect(throws: Never.self) { try FixtureTree(wireBytes: chain(depth: 32).wireBytes()) }
        let error = try #require(decodingError(FixtureTree.self, chain(depth: 33).wireBytes()))
        #expect(error.kind == .limitExceeded)
    }

    @Test func rejectsNestingPastLimitInUnknownFieldsOnlyBySize() throws {
        // Unknown fields are kept as bytes and never parsed, so only the size limit applies to them.
        let bytes = chain(depth: 40).wireBytes()
        let message = try FixtureEmpty(wireBytes: bytes, limits: limits(maxNestingDepth: 1))
        #expect(message.unknownFields == bytes)
    }

    @Test func errorKindsAreDistinct() {
        #expect(WireDecodingError.Kind.truncated != .malformed)
        #expect(WireDecodingError.Kind.malformed != .limitExceeded)
        #expect("\(WireDecodingError.Kind.limitExceeded)" == "limit exceeded in")
    }
}
