import Testing

@testable import EACPProtocol

/// Every strict prefix of a valid encoding either ends exactly between two top-level fields, and then
/// decodes to the message those fields make, or fails as truncated and never as malformed.
struct WireTruncationTests {
    /// Checks every strict prefix of the message that `setters` build, applied one after another.
    ///
    /// Fields are written in number order, so each setter must set a higher field number than the one before.
    private func checkPrefixes<Message: WireMessage & Equatable>(
        _ setters: [(inout Message) -> Void], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var message = Message()
        var boundaries: Set<Int> = [0]
        for setter in setters {
            setter(&message)
            boundaries.insert(message.wireBytes().count)
        }
        let full = message.wireBytes()
        #expect(try Message(wireBytes: full) == message, sourceLocation: sourceLocation)

        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            if boundaries.contains(length) {
                let decoded = try Message(wireBytes: prefix)
                #expect(decoded.wireBytes() == prefix, "prefix of \(length) bytes", sourceLocation: sourceLocation)
                continue
            }
            do {
                _ = try Message(wireBytes: prefix)
                Issue.record("prefix of \(length) of \(full.count) bytes decoded", sourceLocation: sourceLocation)
            } catch let error as WireDecodingError {
                #expect(error.kind == .truncated, "prefix of \(length) bytes: \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func scalarPrefixesAreTruncated() throws {
        let setters: [(inout FixtureScalars) -> Void] = [
            { $0.int32Value = -5 },
            { $0.int64Value = Int64.min },
            { $0.uint32Value = 300 },
            { $0.uint64Value = UInt64.max },
            { $0.sint32Value = -300 },
            { $0.sint64Value = Int64.max },
            { $0.fixed32Value = 7 },
            { $0.fixed64Value = 8 },
            { $0.sfixed32Value = -9 },
            { $0.sfixed64Value = -10 },
            { $0.boolValue = true },
            { $0.stringValue = "prefix ✓" },
            { $0.bytesValue = [1, 2, 3] },
            { $0.floatValue = 1.5 },
            { $0.doubleValue = -2.25 },
            { $0.color = .belowZero },
        ]
        try checkPrefixes(setters)
    }

    @Test func packedPrefixesAreTruncated() throws {
        let setters: [(inout FixtureRepeated) -> Void] = [
            { $0.int32Values = [1, -1, 300] },
            { $0.fixed64Values = [1, 2] },
            // Unpacked elements are top-level fields too, so each one ends at a boundary.
            { $0.stringValues = ["a"] },
            { $0.stringValues.append("bc") },
            { $0.colors = [.red, .unrecognized(77)] },
            { $0.items = [FixtureScalars()] },
            { $0.items.append(FixtureScalars()) },
        ]
        try checkPrefixes(setters)
    }

    @Test func nestedPrefixesAreTruncated() throws {
        var inner = FixtureEnvelope.Inner()
        inner.mode = .internal
        inner.label = "inner"
        inner.counts = [3, 4]
        let setters: [(inout FixtureEnvelope) -> Void] = [
            { $0.inner = inner },
            { $0.body = .innerBody(inner) },
            { $0.early = 99 },
            { $0.inners = [inner] },
            { $0.default = -1 },
            // Field 1001, length-delimited, "ok".
            { $0.unknownFields = [0xCA, 0x3E, 0x02, 0x6F, 0x6B] },
        ]
        try checkPrefixes(setters)
    }
}
