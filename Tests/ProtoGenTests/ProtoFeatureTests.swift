import Foundation
import ProtoGen
import Testing

/// Every feature of the supported subset, read from the fixture schema.
struct ProtoFeatureTests {
    private static let fixturePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/features.proto")

    private func fixture() throws -> ProtoFile {
        let source = try String(contentsOf: Self.fixturePath, encoding: .utf8)
        return try SwiftGenerator.parse(source: source, path: "features.proto")
    }

    private func message(_ name: String, in file: ProtoFile) throws -> MessageDeclaration {
        try #require(file.messages.first { $0.name == name })
    }

    @Test func readsPackageAndTopLevelDeclarations() throws {
        let file = try fixture()
        #expect(file.package == "eacp.fixture")
        #expect(file.messages.map(\.name) == ["FixtureScalars", "FixtureRepeated", "FixtureEnvelope", "FixtureTree", "FixtureEmpty"])
        #expect(file.enums.map(\.name) == ["FixtureColor"])
    }

    @Test func readsEveryScalarType() throws {
        let scalars = try message("FixtureScalars", in: try fixture())
        let types = scalars.fields.prefix(15).map(\.type)
        #expect(types == ScalarType.allCases.map { FieldType.scalar($0) })
        #expect(scalars.fields[15].type == .enumeration("FixtureColor"))
        #expect(scalars.fields.map(\.number) == Array(1...16))
        #expect(scalars.fields.allSatisfy { !$0.isRepeated })
        #expect(scalars.fields.allSatisfy { $0.oneofIndex == nil })
    }

    @Test func readsRepeatedFields() throws {
        let repeated = try message("FixtureRepeated", in: try fixture())
        #expect(repeated.fields.count == 17)
        #expect(repeated.fields.allSatisfy { $0.isRepeated })
        #expect(repeated.fields[15].type == .enumeration("FixtureColor"))
        #expect(repeated.fields[16].type == .message("FixtureScalars"))
    }

    @Test func resolvesTypesThroughScopes() throws {
        let envelope = try message("FixtureEnvelope", in: try fixture())
        let byName = Dictionary(uniqueKeysWithValues: envelope.fields.map { ($0.name, $0.type) })
        #expect(byName["inner"] == .message("FixtureEnvelope.Inner"))
        #expect(byName["mode"] == .enumeration("FixtureEnvelope.Inner.Mode"))
        #expect(byName["absolute_color"] == .enumeration("FixtureColor"))
        #expect(byName["scalars"] == .message("FixtureScalars"))

        let inner = try #require(envelope.messages.first)
        #expect(inner.fullName == "FixtureEnvelope.Inner")
        #expect(inner.fields.first?.type == .enumeration("FixtureEnvelope.Inner.Mode"))
        #expect(inner.enums.first?.fullName == "FixtureEnvelope.Inner.Mode")
    }

    @Test func readsOneofMembers() throws {
        let envelope = try message("FixtureEnvelope", in: try fixture())
        #expect(envelope.oneofs.map(\.name) == ["body"])
        let members = envelope.fields.filter { $0.oneofIndex == 0 }.map(\.name)
        #expect(members == ["text", "blob", "inner_body", "number", "body_color"])
    }

    @Test func readsReservedDeclarations() throws {
        let file = try fixture()
        let envelope = try message("FixtureEnvelope", in: file)
        #expect(envelope.reserved.numberRanges == [8...8, 10...12])
        #expect(envelope.reserved.names == ["old_name"])
        let color = try #require(file.enums.first)
        #expect(color.reserved.numberRanges == [7...7, 9...11])
        #expect(color.reserved.names == ["FIXTURE_COLOR_BLUE"])
    }

    @Test func readsNegativeEnumValues() throws {
        let color = try #require(try fixture().enums.first)
        #expect(color.values.map(\.number) == [0, 1, 2, -1, 3])
    }

    @Test func keepsCommentsAsDocumentation() throws {
        let file = try fixture()
        let color = try #require(file.enums.first)
        #expect(color.documentation == ["A top-level enum with a negative value.", "Written as a block comment."])
        #expect(color.values[1].documentation == ["Trailing comment on a value."])
        #expect(color.values[3].documentation == ["A negative value, encoded as a 10-byte varint."])
        #expect(color.values[0].documentation == [])

        let scalars = try message("FixtureScalars", in: file)
        #expect(scalars.documentation == ["Every scalar type once, numbered in declaration order."])
        let envelope = try message("FixtureEnvelope", in: file)
        #expect(envelope.oneofs[0].documentation == ["Exactly one body, or none."])
    }

    @Test func dropsCommentSeparatedByBlankLine() throws {
        let source = "// File header.\n\nsyntax = \"proto3\";\n// Section.\n\n// Documents M.\nmessage M {}\n"
        let file = try SwiftGenerator.parse(source: source, path: "test.proto")
        #expect(file.messages[0].documentation == ["Documents M."])
    }

    @Test func acceptsEmptyStatements() throws {
        let source = "syntax = \"proto3\";\n;\nmessage M { ; int32 a = 1; ; }\nenum E { ; E_ZERO = 0; }\n"
        let file = try SwiftGenerator.parse(source: source, path: "test.proto")
        #expect(file.messages[0].fields.count == 1)
        #expect(file.enums[0].values.count == 1)
    }

    @Test func readsHexadecimalAndOctalNumbers() throws {
        let source = "syntax = \"proto3\";\nmessage M {\n  int32 a = 0x10;\n  int32 b = 010;\n}\n"
        let file = try SwiftGenerator.parse(source: source, path: "test.proto")
        #expect(file.messages[0].fields.map(\.number) == [16, 8])
    }
}
