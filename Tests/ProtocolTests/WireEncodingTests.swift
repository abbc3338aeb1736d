import Testing

@testable import EACPProtocol

/// Exact bytes for each wire type and scalar type, and the writer's ordering and default rules.
struct WireEncodingTests {
    private func varintBytes(_ value: UInt64) -> [UInt8] {
        WireWriter.bytes(capacity: 10) { writer in writer.writeVarint(value) }
    }

    @Test func varintEdgeCases() {
        #expect(varintBytes(0) == [0x00])
        #expect(varintBytes(1) == [0x01])
        #expect(varintBytes(127) == [0x7F])
        #expect(varintBytes(128) == [0x80, 0x01])
        #expect(varintBytes(300) == [0xAC, 0x02])
        #expect(varintBytes(1 << 63) == [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        #expect(varintBytes(UInt64.max) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func varintEdgeCasesDecode() throws {
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 63, UInt64.max] {
            var reader = try WireReader(input: varintBytes(value), limits: .default, messageName: "Test")
            #expect(try reader.readVarint() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test func negativeInt32TakesTenBytes() {
        var message = FixtureScalars()
        message.int32Value = -1
        #expect(message.wireBytes() == [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func varintScalarTypes() {
        var message = FixtureScalars()
        message.int32Value = 150
        message.int64Value = -2
        message.uint32Value = 300
        message.uint64Value = UInt64.max
        message.sint32Value = -1
        message.sint64Value = Int64.min
        message.boolValue = true
        message.color = .red
        #expect(message.wireBytes() == [
            0x08, 0x96, 0x01,
            0x10, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x18, 0xAC, 0x02,
            0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x28, 0x01,
            0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x58, 0x01,
            0x80, 0x01, 0x01,
        ])
    }

    @Test func fixedWidthScalarTypes() {
        var message = FixtureScalars()
        message.fixed32Value = 0x0102_0304
        message.fixed64Value = 1
        message.sfixed32Value = -2
        message.sfixed64Value = -2
        message.floatValue = 1.0
        message.doubleValue = 1.0
        #expect(message.wireBytes() == [
            0x3D, 0x04, 0x03, 0x02, 0x01,
            0x41, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x4D, 0xFE, 0xFF, 0xFF, 0xFF,
            0x51, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x75, 0x00, 0x00, 0x80, 0x3F,
            0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,
        ])
    }

    @Test func lengthDelimitedTypes() {
        var message = FixtureScalars()
        message.stringValue = "hé"
        message.bytesValue = [0x00, 0xFF]
        #expect(message.wireBytes() == [0x62, 0x03, 0x68, 0xC3, 0xA9, 0x6A, 0x02, 0x00, 0xFF])
    }

    @Test func zigzagMapsSmallMagnitudesToSmallNumbers() {
        #expect(ZigZag.encode(Int32(0)) == 0)
        #expect(ZigZag.encode(Int32(-1)) == 1)
        #expect(ZigZag.encode(Int32(1)) == 2)
        #expect(ZigZag.encode(Int32.max) == UInt32.max - 1)
        #expect(ZigZag.encode(Int32.min) == UInt32.max)
        #expect(ZigZag.decode(UInt64.max) == Int64.min)
        #expect(ZigZag.decode(UInt64(4)) == Int64(2))
    }

    @Test func defaultsAreOmitted() {
        #expect(FixtureScalars().wireBytes() == [])
        #expect(FixtureRepeated().wireBytes() == [])
        #expect(FixtureEnvelope().wireBytes() == [])
    }

    @Test func negativeZeroFloatIsWritten() {
        var message = FixtureScalars()
        message.floatValue = -0.0
        #expect(message.wireBytes() == [0x75, 0x00, 0x00, 0x00, 0x80])
    }

    @Test func emptyNestedMessageIsWritten() {
        var message = FixtureEnvelope()
        message.inner = FixtureEnvelope.Inner()
        #expect(message.wireBytes() == [0x0A, 0x00])
    }

    @Test func oneofMemberWithDefaultValueIsWritten() {
        var message = FixtureEnvelope()
        message.body = .number(0)
        #expect(message.wireBytes() == [0x30, 0x00])
        message.body = .text("")
        #expect(message.wireBytes() == [0x1A, 0x00])
    }

    @Test func repeatedScalarsArePacked() {
        var message = FixtureRepeated()
        message.int32Values = [1, 2, 300]
        message.fixed32Values = [1]
        message.colors = [.red, .belowZero]
        #expect(message.wireBytes() == [
            0x0A, 0x04, 0x01, 0x02, 0xAC, 0x02,
            0x3A, 0x04, 0x01, 0x00, 0x00, 0x00,
            0x82, 0x01, 0x0B, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
        ])
    }

    @Test func repeatedStringsAndMessagesAreOnePerElement() {
        var message = FixtureRepeated()
        message.stringValues = ["a", ""]
        var item = FixtureScalars()
        item.boolValue = true
        message.items = [item, FixtureScalars()]
        #expect(message.wireBytes() == [0x62, 0x01, 0x61, 0x62, 0x00, 0x8A, 0x01, 0x02, 0x58, 0x01, 0x8A, 0x01, 0x00])
    }

    @Test func fieldsAreWrittenInNumberOrder() {
        var message = FixtureEnvelope()
        message.default = 1
        message.early = 2
        message.body = .number(-1)
        message.inner = FixtureEnvelope.Inner()
        #expect(message.wireBytes() == [0x0A, 0x00, 0x30, 0x01, 0x48, 0x02, 0x80, 0x01, 0x01])
    }

    @Test func longBodyGetsLongLengthPrefix() {
        var message = FixtureScalars()
        message.bytesValue = [UInt8](repeating: 7, count: 200)
        let bytes = message.wireBytes()
        #expect(Array(bytes.prefix(3)) == [0x6A, 0xC8, 0x01])
        #expect(bytes.count == 203)
        #expect(Array(bytes.dropFirst(3)) == [UInt8](repeating: 7, count: 200))
    }

    @Test func longNestedMessageGetsLongLengthPrefix() throws {
        var message = FixtureEnvelope()
        var inner = FixtureEnvelope.Inner()
        inner.label = String(repeating: "x", count: 300)
        message.inner = inner
        let bytes = message.wireBytes()
        #expect(Array(bytes.prefix(6)) == [0x0A, 0xAF, 0x02, 0x12, 0xAC, 0x02])
        #expect(bytes.count == 306)
        #expect(try FixtureEnvelope(wireBytes: bytes) == message)
    }
}
