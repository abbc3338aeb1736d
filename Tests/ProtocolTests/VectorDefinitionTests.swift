import EACPProtocol
import EACPVectors
import Testing

/// The Swift definitions behind the valid vectors, compared with what the codec decodes.
@Suite struct VectorDefinitionTests {
    @Test func validDefinitionsDecodeToTheirMessage() throws {
        for definition in VectorCatalog.validDefinitions {
            let messageType = type(of: definition.message)
            let decoded = try messageType.init(wireBytes: definition.bytes, limits: .default)
            #expect(MessageEquality.equal(decoded, definition.message), "\(definition.name)")
        }
    }

    @Test func nonCanonicalInputsReencodeCanonically() throws {
        let definitions = VectorCatalog.validDefinitions.filter { $0.input != nil }
        #expect(definitions.count >= 13)
        for definition in definitions {
            let decoded = try type(of: definition.message).init(wireBytes: definition.bytes, limits: .default)
            #expect(decoded.wireBytes() == definition.message.wireBytes(), "\(definition.name)")
            #expect(decoded.wireBytes() != definition.bytes, "\(definition.name)")
        }
    }

    @Test func unknownFieldsSurviveReencoding() throws {
        let definitions = VectorCatalog.validDefinitions.filter { $0.hasUnknownFields && $0.input == nil }
        #expect(definitions.count == 6)
        for definition in definitions {
            let decoded = try type(of: definition.message).init(wireBytes: definition.bytes, limits: .default)
            #expect(decoded.wireBytes() == definition.bytes, "\(definition.name)")
        }
    }
}
